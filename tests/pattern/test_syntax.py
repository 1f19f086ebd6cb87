"""Syntax helpers shared by PAT rules."""

from __future__ import annotations

import ast

import pytest

from bastion.rules.pattern._syntax import catches_everything, last_name


@pytest.mark.parametrize(("source", "expected"), [("a.b.c", "c"), ("name", "name"), ("f()", ""), ("x[0]", "")])
def test_last_name(source: str, expected: str) -> None:
    assert last_name(ast.parse(source, mode="eval").body) == expected


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("except:", True),
        ("except Exception:", True),
        ("except builtins.BaseException:", True),
        ("except (ValueError, Exception):", True),
        ("except ValueError:", False),
        ("except (KeyError, OSError):", False),
    ],
)
def test_catches_everything(clause: str, expected: bool) -> None:
    handler = ast.parse(f"try:\n    pass\n{clause}\n    pass").body[0].handlers[0]  # type: ignore[attr-defined]
    assert catches_everything(handler.type) is expected
