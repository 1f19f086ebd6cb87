"""PAT404: PBKDF2 with too few iterations."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument, has_kwargs_splat, keyword
from bastion.semantic.constants import UNKNOWN

# OWASP's minimum iteration counts per underlying hash (2023).
MINIMUM_ITERATIONS = {"sha1": 1_300_000, "sha256": 600_000, "sha512": 210_000}
DEFAULT_MINIMUM = 600_000
_WERKZEUG_METHOD = patterns.compile(r"^pbkdf2(?::(?P<hash>\w+))?(?::(?P<iterations>\d+))?$")
_CRYPTOGRAPHY = "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC"
_PYCRYPTO = ("Crypto.Protocol.KDF.PBKDF2", "Cryptodome.Protocol.KDF.PBKDF2")
_WERKZEUG = "werkzeug.security.generate_password_hash"
_PASSLIB = tuple(f"passlib.hash.pbkdf2_{name}.using" for name in ("sha1", "sha256", "sha512"))


class Pbkdf2LowIterations(AstRule):
    """## What it does
    Finds PBKDF2 run with fewer iterations than OWASP's minimum (600 000 for SHA-256, 210 000 for SHA-512,
    1 300 000 for SHA-1): `hashlib.pbkdf2_hmac`, `cryptography`'s `PBKDF2HMAC`, PyCryptodome's `PBKDF2`
    (whose default is 1000), passlib's `pbkdf2_*.using(rounds=...)` and Werkzeug's
    `generate_password_hash(method="pbkdf2:sha256:N")`.

    ## Why is this bad?
    PBKDF2's only defence against brute force is its iteration count. A count chosen years ago (1000, 10 000,
    100 000) lets a leaked hash database be cracked hundreds of times faster than a current count does.

    ## Example
    ```python
    import hashlib


    def derive(password, salt):
        return hashlib.pbkdf2_hmac("sha256", password, salt, 100_000)
    ```

    ## Use instead
    ```python
    import hashlib


    def derive(password, salt):
        return hashlib.pbkdf2_hmac("sha256", password, salt, 600_000)
    ```
    Better still for new code: argon2id (`argon2-cffi`) or scrypt.

    ## References
    - [OWASP Password Storage Cheat Sheet: PBKDF2](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#pbkdf2)
    - [CWE-916: Use of Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
    """

    code = "PAT404"
    slug = "pbkdf2-low-iterations"
    summary = "PBKDF2 with fewer iterations than OWASP's minimum"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (916,)
    fix_hint = "use at least 600 000 PBKDF2-SHA256 iterations (or argon2id/scrypt)"
    node_types = (ast.Call,)
    callees = frozenset({"hashlib.pbkdf2_hmac", _CRYPTOGRAPHY, _WERKZEUG, *_PYCRYPTO, *_PASSLIB})

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        hash_name: object = "sha256"
        if name == "hashlib.pbkdf2_hmac":
            hash_name = ctx.constant(argument(node, 0, "hash_name"))
            iterations = ctx.constant(argument(node, 3, "iterations"))
        elif name == _CRYPTOGRAPHY:
            algorithm = ctx.qualified_name(keyword(node, "algorithm") or ast.Constant(None)) or ""
            hash_name = algorithm.removesuffix("()").rsplit(".", 1)[-1].lower()
            iterations = ctx.constant(argument(node, 3, "iterations"))
        elif name in _PYCRYPTO:
            count = argument(node, 3, "count")
            if count is None and has_kwargs_splat(node):
                return
            iterations = 1000 if count is None else ctx.constant(count)
            hash_name = "sha1" if keyword(node, "hmac_hash_module") is None else "sha256"
        elif name == _WERKZEUG:
            method = ctx.constant(argument(node, 1, "method"))
            match = _WERKZEUG_METHOD.match(method) if isinstance(method, str) else None
            if match is None or match.group("iterations") is None:
                return
            hash_name = match.group("hash") or "sha256"
            iterations = int(match.group("iterations"))
        else:
            hash_name = name.split(".")[2].removeprefix("pbkdf2_")
            iterations = ctx.constant(keyword(node, "rounds"))
        if iterations is UNKNOWN or not isinstance(iterations, int) or isinstance(iterations, bool):
            return
        minimum = MINIMUM_ITERATIONS.get(hash_name if isinstance(hash_name, str) else "", DEFAULT_MINIMUM)
        if iterations < minimum:
            yield ctx.finding(self, node, f"PBKDF2 with {iterations:,} iterations; use at least {minimum:,}")
