"""PAT601: JWT decoded without verifying its signature (or its expiry)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._jwt import DECODE, dict_value
from bastion.semantic.calls import keyword

_UNVERIFIED_CLAIMS = frozenset({"jose.jwt.get_unverified_claims"})


class JwtVerificationDisabled(AstRule):
    """## What it does
    Finds JWTs decoded with signature verification off: PyJWT and python-jose `jwt.decode(...,
    options={"verify_signature": False})` (also through a name bound to the dict), PyJWT 1.x `verify=False`,
    python-jose's `get_unverified_claims`; and, at medium severity, `options={"verify_exp": False}`.

    ## Why is this bad?
    A JWT is only as good as its signature check. Without it, anyone can write a token with any claims (`"sub":
    "admin"`) and the application believes it. Turning off the expiry check keeps stolen tokens valid forever.

    ## Example
    ```python
    import jwt


    def current_user(token):
        return jwt.decode(token, options={"verify_signature": False})["sub"]
    ```

    ## Use instead
    ```python
    import jwt

    PUBLIC_KEY = open("/etc/app/jwt-public.pem").read()


    def current_user(token):
        return jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"])["sub"]
    ```
    To read the header before choosing a key, use `jwt.get_unverified_header`, then verify with the key.

    ## References
    - [PyJWT: decode options](https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode)
    - [CWE-347: Improper Verification of Cryptographic Signature](https://cwe.mitre.org/data/definitions/347.html)
    """

    code = "PAT601"
    slug = "jwt-verification-disabled"
    summary = "JWT decoded without verifying its signature or expiry"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (347, 345)
    fix_hint = "decode with the key and algorithms=[...]; never set verify_signature to False"
    node_types = (ast.Call,)
    callees = DECODE | _UNVERIFIED_CLAIMS

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if name in _UNVERIFIED_CLAIMS:
            yield ctx.finding(
                self, node, "`get_unverified_claims` returns claims nobody verified", confidence=Confidence.MEDIUM
            )
            return
        options = keyword(node, "options")
        verify = keyword(node, "verify")
        if dict_value(options, "verify_signature", ctx) is False or (
            verify is not None and ctx.constant(verify) is False
        ):
            yield ctx.finding(self, node, f"`{name}` without signature verification: anyone can forge the token")
        elif dict_value(options, "verify_exp", ctx) is False:
            yield ctx.finding(
                self, node, f"`{name}` with verify_exp False: expired tokens stay valid", severity=Severity.MEDIUM
            )
