"""PAT603: the JWT `none` algorithm allowed or used."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._jwt import DECODE, ENCODE
from bastion.semantic.calls import argument


class JwtNoneAlgorithm(AstRule):
    """## What it does
    Finds `jwt.decode(..., algorithms=[..., "none"])` and `jwt.encode(..., algorithm="none")` in PyJWT and
    python-jose, also when the list comes from a constant (`ALGORITHMS = ["HS256", "none"]`).

    ## Why is this bad?
    A `none` token has no signature. A server that accepts `none` accepts any token anyone writes; a server
    that issues them hands out tokens anyone can change.

    ## Example
    ```python
    import jwt

    ALGORITHMS = ["HS256", "none"]


    def claims(token, key):
        return jwt.decode(token, key, algorithms=ALGORITHMS)
    ```

    ## Use instead
    ```python
    import jwt

    ALGORITHMS = ["HS256"]


    def claims(token, key):
        return jwt.decode(token, key, algorithms=ALGORITHMS)
    ```

    ## References
    - [RFC 8725: JWT Best Current Practices, 3.1](https://www.rfc-editor.org/rfc/rfc8725#section-3.1)
    - [CWE-347: Improper Verification of Cryptographic Signature](https://cwe.mitre.org/data/definitions/347.html)
    """

    code = "PAT603"
    slug = "jwt-none-algorithm"
    summary = "JWT `none` algorithm accepted or used"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (347, 327)
    fix_hint = "remove 'none' from the algorithms; sign and verify with a real algorithm"
    node_types = (ast.Call,)
    callees = DECODE | ENCODE

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if name in DECODE:
            algorithms = ctx.constant(argument(node, 2, "algorithms"))
            values = [algorithms] if isinstance(algorithms, str) else algorithms
            if isinstance(values, (list, tuple, set, frozenset)) and any(
                isinstance(value, str) and value.lower() == "none" for value in values
            ):
                yield ctx.finding(self, node, f"`{name}` accepts unsigned tokens (algorithm 'none')")
            return
        algorithm = ctx.constant(argument(node, 2, "algorithm"))
        if isinstance(algorithm, str) and algorithm.lower() == "none":
            yield ctx.finding(self, node, f"`{name}` issues an unsigned token (algorithm 'none')")
