"""What kind of text a file holds, which decides how its `key = value` lines are read."""

from __future__ import annotations

from enum import Enum

from bastion.secrets.filters import is_lock_file


class TextKind(str, Enum):
    PYTHON = "python"
    NOTEBOOK = "notebook"
    ENV = "env"
    INI = "ini"
    TOML = "toml"
    YAML = "yaml"
    JSON = "json"
    DOCKERFILE = "dockerfile"
    SHELL = "shell"
    LOCK = "lock"
    OTHER = "other"


# Files whose `key = value` pairs are read as settings (SEC203).
CONFIG_KINDS = frozenset(
    {TextKind.ENV, TextKind.INI, TextKind.TOML, TextKind.YAML, TextKind.JSON, TextKind.DOCKERFILE, TextKind.SHELL}
)
_BY_SUFFIX = {
    ".py": TextKind.PYTHON,
    ".pyw": TextKind.PYTHON,
    ".ipynb": TextKind.NOTEBOOK,
    ".env": TextKind.ENV,
    ".ini": TextKind.INI,
    ".cfg": TextKind.INI,
    ".conf": TextKind.INI,
    ".properties": TextKind.INI,
    ".tfvars": TextKind.INI,
    ".tf": TextKind.INI,
    ".hcl": TextKind.INI,
    ".toml": TextKind.TOML,
    ".yaml": TextKind.YAML,
    ".yml": TextKind.YAML,
    ".json": TextKind.JSON,
    ".jsonc": TextKind.JSON,
    ".json5": TextKind.JSON,
    ".sh": TextKind.SHELL,
    ".bash": TextKind.SHELL,
    ".zsh": TextKind.SHELL,
    ".ksh": TextKind.SHELL,
    ".dockerfile": TextKind.DOCKERFILE,
}
_BY_NAME = {
    ".envrc": TextKind.SHELL,
    ".flaskenv": TextKind.ENV,
    ".npmrc": TextKind.INI,
    ".pypirc": TextKind.INI,
    ".netrc": TextKind.INI,
    ".gitconfig": TextKind.INI,
    "dockerfile": TextKind.DOCKERFILE,
    "containerfile": TextKind.DOCKERFILE,
}


def classify(rel: str, *, is_python: bool = False) -> TextKind:
    name = rel.rsplit("/", 1)[-1].lower()
    if is_python:
        return TextKind.PYTHON
    if is_lock_file(rel):
        return TextKind.LOCK
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name.startswith(".env") or name.endswith(".env"):
        return TextKind.ENV
    if name.startswith(("dockerfile.", "containerfile.")):
        return TextKind.DOCKERFILE
    dot = name.rfind(".")
    if dot > 0 or (dot == 0 and name.count(".") > 1):
        return _BY_SUFFIX.get(name[dot:], TextKind.OTHER)
    return TextKind.OTHER
