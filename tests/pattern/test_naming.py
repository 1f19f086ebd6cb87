"""The naming helpers PAT rules share: words of identifiers, secret and password names, test paths."""

from __future__ import annotations

import ast

import pytest

from bastion.rules.pattern._naming import (
    expression_identifiers,
    is_password_name,
    is_secret_name,
    words,
)


def test_words_split_snake_and_camel_case() -> None:
    assert words("resetToken_v2") == ["reset", "token", "v", "2"]
    assert words("APIKey") == ["api", "key"]
    assert words("X-Api-Key") == ["x", "api", "key"]


@pytest.mark.parametrize("name", ["password", "new_pwd", "userPassphrase", "db_passwd"])
def test_password_names(name: str) -> None:
    assert is_password_name(name)


@pytest.mark.parametrize("name", ["bypass", "password_reset_url", "password_hash", "compass", "passenger"])
def test_not_password_names(name: str) -> None:
    assert not is_password_name(name)


@pytest.mark.parametrize("name", ["api_key", "reset_token", "SECRET", "client_secret", "credentials", "private_key"])
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["key", "token_count", "tokenizer", "monkey", "secret_name", "num_tokens", "keys"])
def test_not_secret_names(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("user.password.encode()", ["password"]),
        ('request.form["password"]', ["password"]),
        ('form.get("password")', ["form", "password"]),
        ('f"{salt}{password}"', ["salt", "password"]),
    ],
)
def test_expression_identifiers(source: str, expected: list[str]) -> None:
    found = list(expression_identifiers(ast.parse(source, mode="eval").body))
    assert all(name in found for name in expected), found
