"""`key = value` readers per file kind, the Python line form, notebooks, and detect-secrets' nextline pragma."""

from __future__ import annotations

import pytest

from bastion.secrets.assignments import config_assignments, python_line_assignments
from bastion.secrets.filekinds import TextKind, classify
from bastion.secrets.notebooks import notebook_text
from bastion.source.suppressions import SuppressionOrigin, find_suppressions

CONFIG = [
    (TextKind.ENV, "export DB_PASSWORD='abc def'  # comment", ("DB_PASSWORD", "abc def")),
    (TextKind.ENV, "API_KEY=raw-value # comment", ("API_KEY", "raw-value")),
    (TextKind.INI, "password = ini-value", ("password", "ini-value")),
    (TextKind.INI, "db.password: colon-value", ("db.password", "colon-value")),
    (TextKind.TOML, 'client_secret = "toml-value"', ("client_secret", "toml-value")),
    (TextKind.YAML, "  token: yaml-value", ("token", "yaml-value")),
    (TextKind.YAML, "  - POSTGRES_PASSWORD=compose-value", ("POSTGRES_PASSWORD", "compose-value")),
    (TextKind.YAML, '  "api-key": "quoted-yaml"', ("api-key", "quoted-yaml")),
    (TextKind.JSON, '{"user": "u", "password": "json-value"}', ("password", "json-value")),
    (TextKind.DOCKERFILE, "ENV A=1 DB_PASSWORD=docker-value", ("DB_PASSWORD", "docker-value")),
    (TextKind.DOCKERFILE, "ENV SECRET legacy value", ("SECRET", "legacy value")),
    (TextKind.DOCKERFILE, "arg TOKEN=lower-case", ("TOKEN", "lower-case")),
    (TextKind.SHELL, 'export TOKEN="shell-value"', ("TOKEN", "shell-value")),
    (TextKind.SHELL, "mysql --password=flag-value db", ("password", "flag-value")),
    (TextKind.SHELL, "tool --api-key flag-space db", ("api-key", "flag-space")),
]


@pytest.mark.parametrize(("kind", "line", "expected"), CONFIG)
def test_config_assignments(kind: TextKind, line: str, expected: tuple[str, str]) -> None:
    pairs = [(pair.name, pair.value) for pair in config_assignments(line, kind)]
    assert expected in pairs
    pair = next(p for p in config_assignments(line, kind) if p.name == expected[0])
    assert line[pair.start : pair.end] == expected[1]


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        (TextKind.YAML, "password: |"),
        (TextKind.YAML, "# password: commented"),
        (TextKind.DOCKERFILE, "RUN echo hi"),
        (TextKind.JSON, '"password": 3'),
        (TextKind.ENV, "not an assignment"),
    ],
)
def test_config_non_assignments(kind: TextKind, line: str) -> None:
    assert not [p for p in config_assignments(line, kind) if p.value and p.name == "password" and p.value != "|"]


PYTHON = [
    ('password = "a-value"', ("password", "a-value")),
    ("self.api_key = 'attr-value'", ("api_key", "attr-value")),
    ('cfg["secret"] = "sub-value"', ("secret", "sub-value")),
    ('connect(host="h", password="kw-value")', ("password", "kw-value")),
    ('{"token": "dict-value"}', ("token", "dict-value")),
    ('if token == "cmp-value":', ("token", "cmp-value")),
    ('requests.get(u, auth=("bot", "auth-value"))', ("auth password", "auth-value")),
    ('api_key: str = "ann-value"', ("api_key", "ann-value")),
]


@pytest.mark.parametrize(("line", "expected"), PYTHON)
def test_python_line_assignments(line: str, expected: tuple[str, str]) -> None:
    assert expected in [(pair.name, pair.value) for pair in python_line_assignments(line)]


def test_python_line_ignores_non_literals() -> None:
    assert not list(python_line_assignments('password = os.environ["PW"]'))


def test_classify() -> None:
    assert classify(".env") is TextKind.ENV and classify("config/.env.production") is TextKind.ENV
    assert classify("Dockerfile") is TextKind.DOCKERFILE and classify("Dockerfile.prod") is TextKind.DOCKERFILE
    assert classify("docker-compose.yml") is TextKind.YAML and classify("poetry.lock") is TextKind.LOCK
    assert classify("x.ipynb") is TextKind.NOTEBOOK and classify("notes.md") is TextKind.OTHER
    assert classify("deploy.sh") is TextKind.SHELL and classify(".npmrc") is TextKind.INI
    assert classify("script", is_python=True) is TextKind.PYTHON


def test_notebook_lines_keep_their_numbers() -> None:
    raw = [
        "{",
        ' "cells": [',
        "  {",
        '   "cell_type": "code",',
        '   "outputs": [{"text": ["out\\n"]}],',
        '   "source": [',
        '    "x = \\"a\\"\\n",',
        '    "y = 2"',
        "   ]",
        "  }",
        " ]",
        "}",
    ]
    text = notebook_text(raw)
    assert text.lines[6] == 'x = "a"' and text.lines[7] == "y = 2"
    assert text.code_lines == {6, 7}
    assert len(text.lines) == len(raw)


def test_allowlist_nextline_pragma() -> None:
    text = "x = 1\n# pragma: allowlist nextline secret\ntoken = 'abc'\n"
    (suppression,) = find_suppressions(text, python_tree=None)
    assert suppression.origin is SuppressionOrigin.ALLOWLIST_SECRET
    assert suppression.covers(3) and not suppression.covers(2)
