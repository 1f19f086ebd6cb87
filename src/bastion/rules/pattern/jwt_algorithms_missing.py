"""PAT602: JWT decoded without a fixed list of algorithms."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._jwt import DECODE, dict_value
from bastion.semantic.calls import argument, has_kwargs_splat, keyword

_HEADER_READERS = frozenset({"jwt.get_unverified_header", "jose.jwt.get_unverified_header"})


class JwtAlgorithmsMissing(AstRule):
    """## What it does
    Finds `jwt.decode` (PyJWT, python-jose) with verification on but no `algorithms` list, and `algorithms`
    taken from the token's own unverified header.

    ## Why is this bad?
    Which algorithm checks a token must be decided by the server, not by the token. Libraries that accept the
    token's `alg` allow algorithm confusion: a token signed with HS256 using the server's *public* RSA key as
    the HMAC secret passes as valid. PyJWT 2 refuses to decode without `algorithms`; python-jose and PyJWT 1
    accept any algorithm.

    ## Example
    ```python
    from jose import jwt


    def claims(token, key):
        return jwt.decode(token, key)
    ```

    ## Use instead
    ```python
    from jose import jwt


    def claims(token, key):
        return jwt.decode(token, key, algorithms=["RS256"])
    ```

    ## References
    - [PyJWT: algorithms](https://pyjwt.readthedocs.io/en/stable/algorithms.html)
    - [Critical vulnerabilities in JSON Web Token libraries (algorithm confusion)](https://auth0.com/blog/critical-vulnerabilities-in-json-web-token-libraries/)
    - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    """

    code = "PAT602"
    slug = "jwt-algorithms-not-fixed"
    summary = "JWT decoded without a fixed `algorithms` list"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (327, 347)
    fix_hint = "pass algorithms=[...] listing the one algorithm your tokens use"
    node_types = (ast.Call,)
    callees = DECODE

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if dict_value(keyword(node, "options"), "verify_signature", ctx) is False:
            return  # PAT601 reports the worse problem
        verify = keyword(node, "verify")
        if verify is not None and ctx.constant(verify) is False:
            return
        algorithms = argument(node, 2, "algorithms")
        if algorithms is None:
            if has_kwargs_splat(node):
                return
            yield ctx.finding(self, node, f"`{name}` without algorithms=[...]: the token chooses how it is checked")
            return
        for sub in ast.walk(algorithms):
            if isinstance(sub, ast.Call) and ctx.qualified_name(sub.func) in _HEADER_READERS:
                yield ctx.finding(
                    self,
                    node,
                    f"`{name}` takes its algorithms from the token's unverified header",
                    severity=Severity.HIGH,
                    confidence=Confidence.HIGH,
                )
                return
