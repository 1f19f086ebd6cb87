"""Which names are secret-like: the peers' false alarms (NextToken, token_type, eos_token) and misses (apiKey,
X-Api-Key, glued words)."""

from __future__ import annotations

import pytest

from bastion.secrets.names import is_password_name, is_secret_name, split_words

SECRET = [
    "password",
    "PASSWORD",
    "db_password",
    "DB_PASSWD",
    "pwd",
    "passphrase",
    "secret",
    "client_secret",
    "SECRET_KEY",
    "api_key",
    "apiKey",
    "APIKey",
    "X-Api-Key",
    "x-api-key",
    "apikey",
    "token",
    "authToken",
    "GITHUB_TOKEN",
    "access_token",
    "refresh_token",
    "private_key",
    "signing_key",
    "aws_secret_access_key",
    "credentials",
    "creds",
    "spring.datasource.password",
    "dbpassword",
    "Authorization",
    "db_pass",
    "smtp_pass",
    "password1",
    "MAIL_PASSWORD",
    "authorization",
]
NOT_SECRET = [
    "NextToken",
    "next_token",
    "nexttoken",
    "token_type",
    "TOKEN_URL",
    "token_endpoint",
    "password_field",
    "PASSWORD_MIN_LENGTH",
    "password_reset_timeout",
    "eos_token",
    "pad_token",
    "csrf_token",
    "is_password",
    "has_secret",
    "tokens",
    "key",
    "cache_key",
    "public_key",
    "AWS_ACCESS_KEY_ID",
    "SECRET_KEY_FALLBACKS",
    "first_pass",
    "bypass",
    "password_hash_algorithm",
    "secret_name",
    "max_tokens",
    "",
    "_",
    "passes",
]


@pytest.mark.parametrize("name", SECRET)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", NOT_SECRET)
def test_not_secret_names(name: str) -> None:
    assert not is_secret_name(name)


def test_split_words() -> None:
    assert split_words("getAPIKey2") == ("get", "api", "key")
    assert split_words("X-Api-Key") == ("x", "api", "key")
    assert split_words("spring.datasource.password") == ("spring", "datasource", "password")


def test_password_names() -> None:
    assert is_password_name("DB_PASSWORD") and is_password_name("dbpassword") and is_password_name("db_pass")
    assert not is_password_name("api_token")
