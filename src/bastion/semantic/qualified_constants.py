"""Constant folding that also knows the values of library constants, by qualified name.

`fold` (in `constants`) stops at attributes: `stat.S_IRWXU | stat.S_IWOTH` is UNKNOWN there, because the value of
`stat.S_IWOTH` is a fact about a library, not about the module. A rule that needs such values passes a table of
them (`{"stat.S_IWOTH": 0o002}`); names reach the table through the module's imports, so `from stat import
S_IWOTH as W` works too. Everything else is delegated to the ordinary folding.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

from bastion.semantic.constants import UNKNOWN
from bastion.semantic.index import ModuleIndex, Scope

_MAX_DEPTH = 12
_OPERATORS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
    ast.Add: operator.add,
    ast.Sub: operator.sub,
}


def fold_qualified(
    expr: ast.AST | None, index: ModuleIndex, scope: Scope, known: Mapping[str, Any], _depth: int = 0
) -> Any:
    """The value of `expr`, with `known` giving values to qualified names; UNKNOWN when it cannot be known.

    Only integer-friendly operators (`|`, `&`, `^`, `+`, `-`, `~`) combine known names: enough for permission
    bits and flag sets, and nothing that could grow large.
    """
    if expr is None or _depth > _MAX_DEPTH:
        return UNKNOWN
    depth = _depth + 1
    if isinstance(expr, (ast.Name, ast.Attribute)):
        name = index.qualified_name(expr, scope)
        if name is not None and name in known:
            return known[name]
        if isinstance(expr, ast.Name):
            bound = index.name_resolver(scope)(expr.id)
            if bound is not None and not isinstance(bound, ast.Constant):
                return fold_qualified(bound, index, scope, known, depth)
        return index.constant_value(expr, scope)
    if isinstance(expr, ast.BinOp):
        function = _OPERATORS.get(type(expr.op))
        if function is None:
            return index.constant_value(expr, scope)
        left = fold_qualified(expr.left, index, scope, known, depth)
        right = fold_qualified(expr.right, index, scope, known, depth)
        if left is UNKNOWN or right is UNKNOWN or not isinstance(left, int) or not isinstance(right, int):
            return UNKNOWN
        return function(left, right)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Invert):
        operand = fold_qualified(expr.operand, index, scope, known, depth)
        return ~operand if isinstance(operand, int) and not isinstance(operand, bool) else UNKNOWN
    return index.constant_value(expr, scope)
