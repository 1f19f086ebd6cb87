"""PAT604: a JWT issued without an `exp` claim."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._jwt import AUTHLIB_ENCODE, ENCODE, literal_dict
from bastion.semantic.calls import argument

_MUTATORS = frozenset({"update", "setdefault", "__setitem__"})


class JwtWithoutExpiry(AstRule):
    """## What it does
    Finds `jwt.encode` (PyJWT, python-jose, authlib) whose payload is a dict display (or a name bound to one)
    without an `exp` key, when the function does not add one later (`payload["exp"] = ...`,
    `payload.update(...)`). Payloads built elsewhere are not judged.

    ## Why is this bad?
    A token without `exp` is valid forever. One that leaks (a log line, a browser history, a former
    employee's laptop) keeps working until the signing key is changed, which logs out everyone.

    ## Example
    ```python
    import jwt


    def issue(user_id, key):
        return jwt.encode({"sub": user_id}, key, algorithm="HS256")
    ```

    ## Use instead
    ```python
    import datetime

    import jwt


    def issue(user_id, key):
        expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=15)
        return jwt.encode({"sub": user_id, "exp": expires}, key, algorithm="HS256")
    ```

    ## References
    - [RFC 7519: the "exp" claim](https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4)
    - [CWE-613: Insufficient Session Expiration](https://cwe.mitre.org/data/definitions/613.html)
    """

    code = "PAT604"
    slug = "jwt-without-expiry"
    summary = "JWT issued without an `exp` claim"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (613,)
    fix_hint = "add an 'exp' claim (minutes to hours ahead) to every token you issue"
    node_types = (ast.Call,)
    callees = ENCODE

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        payload = argument(node, 1, "payload") if name in AUTHLIB_ENCODE else argument(node, 0, "payload")
        if payload is None:
            payload = argument(node, 0, "claims")
        mapping = literal_dict(payload, ctx)
        if mapping is None or any(key is None for key in mapping.keys):
            return
        keys = {ctx.constant(key) for key in mapping.keys if key is not None}
        if "exp" in keys:
            return
        if isinstance(payload, ast.Name) and _mutated(payload.id, ctx):
            return
        yield ctx.finding(self, node, f"`{name}` issues a token without 'exp': it never expires")


def _mutated(variable: str, ctx: ModuleContext) -> bool:
    """`payload["exp"] = ...` or `payload.update(...)` anywhere in the enclosing function."""
    for sub in ast.walk(ctx.scope.node):
        if isinstance(sub, ast.Subscript) and isinstance(sub.ctx, ast.Store):
            if isinstance(sub.value, ast.Name) and sub.value.id == variable:
                return True
        elif (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr in _MUTATORS
            and isinstance(sub.func.value, ast.Name)
            and sub.func.value.id == variable
        ):
            return True
    return False
