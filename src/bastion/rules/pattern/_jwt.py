"""JWT library entry points (PyJWT, python-jose, authlib) and their argument positions, for PAT6xx."""

from __future__ import annotations

import ast

from bastion.rules.base import ModuleContext
from bastion.semantic.constants import UNKNOWN

PYJWT_DECODE = frozenset(
    {"jwt.decode", "jwt.decode_complete", "jwt.api_jwt.decode", "jwt.api_jwt.decode_complete", "jwt.PyJWT().decode"}
)
JOSE_DECODE = frozenset({"jose.jwt.decode"})
DECODE = PYJWT_DECODE | JOSE_DECODE
PYJWT_ENCODE = frozenset({"jwt.encode", "jwt.api_jwt.encode", "jwt.PyJWT().encode"})
JOSE_ENCODE = frozenset({"jose.jwt.encode"})
AUTHLIB_ENCODE = frozenset({"authlib.jose.jwt.encode"})
ENCODE = PYJWT_ENCODE | JOSE_ENCODE | AUTHLIB_ENCODE


def literal_dict(expr: ast.expr | None, ctx: ModuleContext) -> ast.Dict | None:
    """The dict display `expr` is, or the one a name is bound to once."""
    if isinstance(expr, ast.Dict):
        return expr
    if isinstance(expr, ast.Name):
        bound = ctx.index.name_resolver(ctx.scope)(expr.id)
        if isinstance(bound, ast.Dict):
            return bound
    return None


def dict_value(expr: ast.expr | None, key: str, ctx: ModuleContext) -> object:
    """The constant value stored under `key` in a dict display (or a name bound to one); UNKNOWN otherwise."""
    mapping = literal_dict(expr, ctx)
    if mapping is None:
        folded = ctx.constant(expr)
        return folded.get(key, UNKNOWN) if isinstance(folded, dict) else UNKNOWN
    for item_key, value in zip(mapping.keys, mapping.values, strict=True):
        if isinstance(item_key, ast.Constant) and item_key.value == key:
            return ctx.constant(value)
    return UNKNOWN
