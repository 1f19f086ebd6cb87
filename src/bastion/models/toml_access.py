"""Typed access to the tables of the model files: every wrong key or value is a `ModelError` naming the file and
the entry, so that a broken model cannot silently switch a check off."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ModelError(ValueError):
    """A model file is malformed or names something undeclared."""


def only(entry: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ModelError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")


def mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ModelError(f"{where}: expected a table")
    return value


def table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ModelError(f"{where}: `{key}` must be a table")
    return value


def array(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ModelError(f"{where}: `{key}` must be an array of tables ([[{key}]])")
    return value


def string(entry: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None:
        if required:
            raise ModelError(f"{where}: `{key}` is required")
        return None
    if not isinstance(value, str) or not value:
        raise ModelError(f"{where}: `{key}` must be a non-empty string")
    return value


def strings(entry: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> tuple[str, ...]:
    value = entry.get(key)
    if value is None:
        if required:
            raise ModelError(f"{where}: `{key}` is required")
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ModelError(f"{where}: `{key}` must be a list of non-empty strings")
    return tuple(value)


def int_value(entry: Mapping[str, Any], key: str, where: str) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelError(f"{where}: `{key}` must be a non-negative integer")
    return value


def ints(entry: Mapping[str, Any], key: str, where: str) -> tuple[int, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        raise ModelError(f"{where}: `{key}` must be a list of argument positions")
    if any(item < 0 for item in value):
        raise ModelError(f"{where}: `{key}` must be a list of argument positions")
    return tuple(value)


def boolean(entry: Mapping[str, Any], key: str, where: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise ModelError(f"{where}: `{key}` must be true or false")
    return value
