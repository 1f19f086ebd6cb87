"""PAT402: a fast hash (MD5, SHA-*, BLAKE2) applied to a password."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._hashing import HASHLIB_CONSTRUCTORS, HASHLIB_UPDATES, hashed_data, hashes_password
from bastion.semantic.calls import argument
from bastion.semantic.constants import UNKNOWN


class FastHashPassword(AstRule):
    """## What it does
    Finds `hashlib` hashes (`md5`, `sha1`, `sha256`, `sha512`, `sha3_*`, `blake2*`, `hashlib.new(...)`, and
    `.update()` on them) applied to a password: the hashed value is named like a password (`password`,
    `passwd`, `pwd`, `passphrase`), or the call sits in a function named like `hash_password`,
    `set_password`, `check_password`.

    ## Why is this bad?
    These hashes are built to be fast: a graphics card computes billions of SHA-256 hashes a second. When a
    database of password hashes leaks, most passwords are then recovered within hours, salted or not. Password
    storage needs a deliberately slow, memory-hard function.

    ## Example
    ```python
    import hashlib


    def hash_password(password, salt):
        return hashlib.sha256(salt + password.encode()).hexdigest()
    ```

    ## Use instead
    ```python
    from argon2 import PasswordHasher

    hasher = PasswordHasher()


    def hash_password(password):
        return hasher.hash(password)
    ```
    Or `bcrypt.hashpw(password, bcrypt.gensalt(rounds=12))`, `hashlib.scrypt(...)`, or
    `werkzeug.security.generate_password_hash(password)`; Django's `make_password` does this for you.

    ## References
    - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    - [CWE-916: Use of Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
    """

    code = "PAT402"
    slug = "fast-hash-password"
    summary = "Password hashed with a fast hash (MD5/SHA/BLAKE2) instead of a password hashing function"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (916, 759)
    fix_hint = "hash passwords with argon2, bcrypt, scrypt or werkzeug's generate_password_hash"
    bandit = ("B303", "B324")
    ruff = ("S303", "S324")
    node_types = (ast.Call,)
    callees = HASHLIB_CONSTRUCTORS | HASHLIB_UPDATES

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        data = hashed_data(node, name)
        # `hashlib.sha256()` without data: the `.update(...)` that follows is the call to judge.
        if data is None or ctx.constant(data) is not UNKNOWN:
            return
        if not hashes_password(node, name, ctx):
            return
        yield ctx.finding(
            self, node, f"password hashed with {_algorithm(node, name, ctx)}, which is fast to brute-force"
        )


def _algorithm(node: ast.Call, name: str, ctx: ModuleContext) -> str:
    constructor = name.split(".")[1].removesuffix("()")
    if constructor != "new":
        return constructor
    if name == "hashlib.new":
        value = ctx.constant(argument(node, 0, "name"))
        if isinstance(value, str):
            return value
    return "a fast hash"
