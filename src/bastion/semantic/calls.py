"""Small questions about call nodes that many rules ask."""

from __future__ import annotations

import ast
from collections.abc import Iterator


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


def identifiers(node: ast.AST) -> list[str]:
    """The names (`x`) and attribute names (`.x`) used anywhere in `node`, in walk order."""
    found = []
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute):
            found.append(child.attr)
        elif isinstance(child, ast.Name):
            found.append(child.id)
    return found


def calls_with_owners(tree: ast.AST) -> Iterator[tuple[ast.Call, ast.AST]]:
    """Every call in `tree`, with the definition (function, lambda, class) or module whose scope it runs in: the
    node to give `ModuleIndex.scope_chain` to resolve the call's names where it is."""
    yield from _calls_under(tree, tree)


def _calls_under(node: ast.AST, owner: ast.AST) -> Iterator[tuple[ast.Call, ast.AST]]:
    for child in ast.iter_child_nodes(node):
        inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) else owner
        if isinstance(child, ast.Call):
            yield child, owner
        yield from _calls_under(child, inner)
