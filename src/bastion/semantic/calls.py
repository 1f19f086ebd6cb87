"""Small questions about call nodes that many rules ask."""

from __future__ import annotations

import ast


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value passed as `name=...`, or None."""
    for item in call.keywords:
        if item.arg == name:
            return item.value
    return None


def has_kwargs_splat(call: ast.Call) -> bool:
    """`f(**options)`: any keyword may be hiding in there."""
    return any(item.arg is None for item in call.keywords)


def argument(call: ast.Call, position: int, name: str | None = None) -> ast.expr | None:
    """The argument at `position` (if no `*args` comes before it) or passed as `name=`."""
    if name is not None:
        value = keyword(call, name)
        if value is not None:
            return value
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return None
        if index == position:
            return arg
    return None


def last_name(expr: ast.expr) -> str:
    """`a.b.c` -> 'c', `name` -> 'name', anything else -> ''."""
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Name):
        return expr.id
    return ""
