"""PAT403: bcrypt with fewer than 12 rounds."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument, keyword

MINIMUM_ROUNDS = 12
# callee -> (position of the rounds argument or None when keyword-only, keyword name)
_ROUNDS: dict[str, tuple[int | None, str]] = {
    "bcrypt.gensalt": (0, "rounds"),
    "passlib.hash.bcrypt.using": (None, "rounds"),
    "passlib.hash.bcrypt.hash": (None, "rounds"),
    "passlib.hash.bcrypt_sha256.using": (None, "rounds"),
    "flask_bcrypt.generate_password_hash": (1, "rounds"),
    "flask_bcrypt.Bcrypt().generate_password_hash": (1, "rounds"),
}


class BcryptLowRounds(AstRule):
    """## What it does
    Finds bcrypt configured with fewer than 12 rounds: `bcrypt.gensalt(rounds=10)`, passlib's
    `bcrypt.using(rounds=10)`, Flask-Bcrypt's `generate_password_hash(password, 10)`.

    ## Why is this bad?
    bcrypt's cost doubles with every round. Below 12, hardware of today tests candidate passwords fast enough
    that a leaked hash database loses its weak and medium passwords quickly. OWASP asks for a work factor of
    at least 10 as an absolute floor and higher where the login latency allows; 12 is the common default.

    ## Example
    ```python
    import bcrypt


    def hash_password(password):
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=8))
    ```

    ## Use instead
    ```python
    import bcrypt


    def hash_password(password):
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12))
    ```

    ## References
    - [OWASP Password Storage Cheat Sheet: bcrypt](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#bcrypt)
    - [CWE-916: Use of Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
    """

    code = "PAT403"
    slug = "bcrypt-low-rounds"
    summary = f"bcrypt with fewer than {MINIMUM_ROUNDS} rounds"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (916,)
    fix_hint = f"use at least {MINIMUM_ROUNDS} bcrypt rounds (the library default is 12)"
    node_types = (ast.Call,)
    callees = frozenset(_ROUNDS)

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        position, name = _ROUNDS[ctx.call_name or ""]
        rounds = argument(node, position, name) if position is not None else keyword(node, name)
        value = ctx.constant(rounds)
        if isinstance(value, int) and not isinstance(value, bool) and value < MINIMUM_ROUNDS:
            yield ctx.finding(self, node, f"bcrypt with {value} rounds; use at least {MINIMUM_ROUNDS}")
