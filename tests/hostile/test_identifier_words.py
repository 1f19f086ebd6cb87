"""Identifier splitting: one pass, the same words as the regular expressions it replaced (which were quadratic on
a long run of capitals)."""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from bastion.concepts.webapp import _name_words
from bastion.rules.pattern._naming import words as naming_words
from bastion.secrets.names import split_words


def _split_words_by_regex(name: str) -> tuple[str, ...]:
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name))
    parts = (
        re.sub(r"\d+$", "", part.lower()) if not part.isdigit() else "" for part in re.split(r"[^A-Za-z0-9]+", spaced)
    )
    return tuple(part for part in parts if part)


def _naming_words_by_regex(identifier: str) -> list[str]:
    return [word.lower() for word in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", identifier)]


identifiers = st.text(alphabet="aAbBzZ09_-.é ", max_size=24)


@settings(max_examples=500, deadline=None)
@given(identifiers)
def test_split_words_agrees_with_the_regular_expressions(name: str) -> None:
    assert split_words(name) == _split_words_by_regex(name)


@settings(max_examples=500, deadline=None)
@given(identifiers)
def test_naming_words_agree_with_the_regular_expression(name: str) -> None:
    assert naming_words(name) == _naming_words_by_regex(name)


def test_examples() -> None:
    assert split_words("getAPIKey2") == ("get", "api", "key")
    assert split_words("X-Api-Key") == ("x", "api", "key")
    assert naming_words("resetToken_v2") == ["reset", "token", "v", "2"]
    assert naming_words("HTTPServer") == ["http", "server"]


def test_long_runs_of_capitals_split_in_linear_time() -> None:
    name = "A" * 200_000 + "a"
    started = time.process_time()
    assert split_words(name)[-1] == "aa"
    assert naming_words(name)[-1] == "aa"
    assert time.process_time() - started < 5


def _profile_words_by_regex(name: str) -> list[str]:
    return re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)


@settings(max_examples=500, deadline=None)
@given(identifiers)
def test_profile_words_agree_with_the_regular_expression(name: str) -> None:
    assert list(_name_words(name)) == _profile_words_by_regex(name)
