"""Constant folding the taint analysis does on the fly: pure calls on constants, truth values, `match` cases."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from bastion.semantic.constants import UNKNOWN
from bastion.taint.values import Value

MAX_ITEMS = 64  # elements tracked one by one in a literal list, tuple or dict


def truthy(value: Any) -> bool:
    if value is UNKNOWN:
        return False
    try:
        return bool(value)
    except Exception:
        return True


def literal(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, bytes, type(None), tuple, frozenset)) or (
        isinstance(value, (list, set, dict)) and len(value) <= MAX_ITEMS
    )


_PURE_BUILTINS: dict[str, Callable[..., Any]] = {
    "builtins.len": len,
    "builtins.str": str,
    "builtins.int": int,
    "builtins.float": float,
    "builtins.bool": bool,
    "builtins.abs": abs,
    "builtins.min": min,
    "builtins.max": max,
    "builtins.ord": ord,
    "builtins.chr": chr,
}


_PURE_STR_METHODS = frozenset(
    {
        "upper",
        "lower",
        "strip",
        "lstrip",
        "rstrip",
        "startswith",
        "endswith",
        "replace",
        "find",
        "count",
        "title",
        "capitalize",
        "isdigit",
        "isalpha",
        "isalnum",
        "split",
        "casefold",
        "zfill",
    }
)


def pure_call(
    callee: str | None,
    method: str | None,
    receiver: Value | None,
    positional: list[Value],
    keywords: dict[str | None, Value],
) -> Any:
    """`len("abc")`, `"ABC".lower()`: calls on constants whose result is a small constant too."""
    if keywords or any(value.const is UNKNOWN or not literal(value.const) for value in positional):
        return UNKNOWN
    arguments = [value.const for value in positional]
    try:
        if callee in _PURE_BUILTINS and arguments:
            result = _PURE_BUILTINS[callee](*arguments)
        elif (
            method in _PURE_STR_METHODS
            and receiver is not None
            and isinstance(receiver.const, str)
            and len(receiver.const) <= 10_000
        ):
            result = getattr(receiver.const, method)(*arguments)
        else:
            return UNKNOWN
    except Exception:
        return UNKNOWN
    if isinstance(result, list):
        result = tuple(result)
    if isinstance(result, str) and len(result) > 10_000:
        return UNKNOWN
    return result if literal(result) else UNKNOWN


def chosen_case(cases: list[Any], subject: Any) -> Any:
    """The case a `match` on a known constant takes, when every case before it is a literal that differs."""
    if subject is UNKNOWN or not literal(subject):
        return None
    for case in cases:
        pattern = case.pattern
        if case.guard is not None:
            return None
        if isinstance(pattern, ast.MatchAs) and pattern.pattern is None:
            return case
        if isinstance(pattern, ast.MatchValue) and isinstance(pattern.value, ast.Constant):
            if same_constant(pattern.value.value, subject):
                return case
            continue
        return None
    return None


def same_constant(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return False


def verdict_of(value: Any) -> bool | None:
    """How a condition with a known constant value goes (None when it is not known)."""
    if value is UNKNOWN:
        return None
    return truthy(value)


def bool_const(is_and: bool, values: list[Value]) -> Any:
    for value in values:
        if value.const is UNKNOWN:
            return UNKNOWN
        if truthy(value.const) != is_and:
            return value.const
    return values[-1].const if values else UNKNOWN
