"""Constant folding: the value an expression surely has, or UNKNOWN.

Small and conservative on purpose: literals, containers of constants, names bound once to a constant, arithmetic,
comparisons and boolean logic on those. Anything that could be large or slow (big powers, huge repeats) is UNKNOWN.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any, Final


class Unknown:
    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; compare with `is UNKNOWN`")


UNKNOWN: Final = Unknown()
_MAX_DEPTH = 12
_MAX_SEQUENCE = 10_000

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.Pow: operator.pow,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}

NameResolver = Callable[[str], "ast.expr | None"]


def fold(node: ast.AST | None, resolve: NameResolver | None = None, _depth: int = 0) -> Any:
    """The constant value of `node`, or UNKNOWN. `resolve(name)` returns the single expression a name is bound to."""
    if node is None or _depth > _MAX_DEPTH:
        return UNKNOWN
    kind = type(node)
    if kind is ast.Constant:
        return node.value  # type: ignore[attr-defined]
    depth = _depth + 1
    if kind is ast.Name:
        if resolve is None:
            return UNKNOWN
        bound = resolve(node.id)  # type: ignore[attr-defined]
        return UNKNOWN if bound is None else fold(bound, resolve, depth)
    if kind in (ast.Tuple, ast.List, ast.Set):
        items = [fold(element, resolve, depth) for element in node.elts]  # type: ignore[attr-defined]
        if any(item is UNKNOWN for item in items) or any(isinstance(e, ast.Starred) for e in node.elts):  # type: ignore[attr-defined]
            return UNKNOWN
        if kind is ast.Tuple:
            return tuple(items)
        if kind is ast.List:
            return items
        try:
            return frozenset(items)
        except TypeError:
            return UNKNOWN
    if kind is ast.Dict:
        return _fold_dict(node, resolve, depth)  # type: ignore[arg-type]
    if kind is ast.UnaryOp:
        return _fold_unary(node, resolve, depth)  # type: ignore[arg-type]
    if kind is ast.BinOp:
        return _fold_binary(node, resolve, depth)  # type: ignore[arg-type]
    if kind is ast.BoolOp:
        return _fold_bool(node, resolve, depth)  # type: ignore[arg-type]
    if kind is ast.Compare:
        return _fold_compare(node, resolve, depth)  # type: ignore[arg-type]
    if kind is ast.JoinedStr:
        return _fold_fstring(node, resolve, depth)  # type: ignore[arg-type]
    if kind is ast.IfExp:
        test = fold(node.test, resolve, depth)  # type: ignore[attr-defined]
        if test is UNKNOWN:
            return UNKNOWN
        return fold(node.body if _truthy(test) else node.orelse, resolve, depth)  # type: ignore[attr-defined]
    return UNKNOWN


def is_literal_only(node: ast.AST) -> bool:
    """True when the expression mentions no names at all (so folding it needs no scope)."""
    return not any(isinstance(child, (ast.Name, ast.Call, ast.Attribute, ast.Subscript)) for child in ast.walk(node))


def _truthy(value: Any) -> bool:
    try:
        return bool(value)
    except Exception:  # an exotic constant with a failing __bool__ is no reason to stop the scan
        return True


def _fold_dict(node: ast.Dict, resolve: NameResolver | None, depth: int) -> Any:
    result: dict[Any, Any] = {}
    for key, value in zip(node.keys, node.values, strict=True):
        if key is None:
            return UNKNOWN
        folded_key = fold(key, resolve, depth)
        folded_value = fold(value, resolve, depth)
        if folded_key is UNKNOWN or folded_value is UNKNOWN:
            return UNKNOWN
        try:
            result[folded_key] = folded_value
        except TypeError:
            return UNKNOWN
    return result


def _fold_unary(node: ast.UnaryOp, resolve: NameResolver | None, depth: int) -> Any:
    operand = fold(node.operand, resolve, depth)
    if operand is UNKNOWN:
        return UNKNOWN
    try:
        if isinstance(node.op, ast.Not):
            return not _truthy(operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return +operand
        if isinstance(node.op, ast.Invert):
            return ~operand
    except TypeError:
        return UNKNOWN
    return UNKNOWN


def _fold_binary(node: ast.BinOp, resolve: NameResolver | None, depth: int) -> Any:
    left = fold(node.left, resolve, depth)
    if left is UNKNOWN:
        return UNKNOWN
    right = fold(node.right, resolve, depth)
    if right is UNKNOWN:
        return UNKNOWN
    function = _BINARY.get(type(node.op))
    if function is None or not _safe_operands(node.op, left, right):
        return UNKNOWN
    try:
        return function(left, right)
    except Exception:  # 1/0, "a" - 1 ...: the code would raise; its value is unknown to us
        return UNKNOWN


def _safe_operands(op: ast.operator, left: Any, right: Any) -> bool:
    if isinstance(op, ast.Pow):
        return isinstance(right, int) and abs(right) <= 64 and isinstance(left, (int, float))
    if isinstance(op, ast.LShift):
        return isinstance(right, int) and 0 <= right <= 64
    if isinstance(op, ast.Mult):
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, (str, bytes, tuple, list)) and isinstance(count, int):
                return len(sequence) * max(count, 0) <= _MAX_SEQUENCE
    return True


def _fold_bool(node: ast.BoolOp, resolve: NameResolver | None, depth: int) -> Any:
    is_and = isinstance(node.op, ast.And)
    value: Any = UNKNOWN
    for operand in node.values:
        value = fold(operand, resolve, depth)
        if value is UNKNOWN:
            return UNKNOWN
        if _truthy(value) != is_and:
            return value
    return value


def _fold_compare(node: ast.Compare, resolve: NameResolver | None, depth: int) -> Any:
    left = fold(node.left, resolve, depth)
    if left is UNKNOWN:
        return UNKNOWN
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = fold(comparator, resolve, depth)
        function = _COMPARE.get(type(op))
        if right is UNKNOWN or function is None:
            return UNKNOWN
        try:
            if not function(left, right):
                return False
        except Exception:
            return UNKNOWN
        left = right
    return True


def _fold_fstring(node: ast.JoinedStr, resolve: NameResolver | None, depth: int) -> Any:
    parts: list[str] = []
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts.append(value.value)
        elif isinstance(value, ast.FormattedValue) and value.format_spec is None and value.conversion == -1:
            inner = fold(value.value, resolve, depth)
            if inner is UNKNOWN:
                return UNKNOWN
            parts.append(str(inner))
        else:
            return UNKNOWN
    return "".join(parts)
