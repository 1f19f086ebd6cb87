"""PAT401: MD5, SHA-1 and older hashes used where security may depend on them."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.fix import Applicability, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._hashing import WEAK_HASHLIB, hashes_password
from bastion.semantic.calls import argument, has_kwargs_splat, keyword

_PYCRYPTO = frozenset(
    f"{package}.Hash.{name}.new" for package in ("Crypto", "Cryptodome") for name in ("MD2", "MD4", "MD5", "SHA")
)
_CRYPTOGRAPHY = frozenset({"cryptography.hazmat.primitives.hashes.MD5", "cryptography.hazmat.primitives.hashes.SHA1"})
_HASHLIB = frozenset(f"hashlib.{name}" for name in WEAK_HASHLIB)


class WeakHash(AstRule):
    """## What it does
    Finds MD5, SHA-1, MD4 and MD2: `hashlib.md5()`, `hashlib.sha1()`, `hashlib.new("md5")`, PyCryptodome's
    `Crypto.Hash.MD5.new()`, `cryptography`'s `hashes.MD5()`/`hashes.SHA1()`. Calls that say
    `usedforsecurity=False` are not reported; an MD5 of a password is reported by PAT402 instead.

    ## Why is this bad?
    Collisions can be computed for MD5 in seconds and for SHA-1 with modest means. Where a hash protects
    something (a signature, an integrity check on a download, a token, a cache key that decides access) an
    attacker can forge a second input with the same hash.

    ## Example
    ```python
    import hashlib


    def file_fingerprint(data):
        return hashlib.md5(data).hexdigest()
    ```

    ## Use instead
    ```python
    import hashlib


    def file_fingerprint(data):
        return hashlib.sha256(data).hexdigest()
    ```
    When the hash has nothing to do with security (a cache key, a shard number), say so:
    `hashlib.md5(data, usedforsecurity=False)`.

    ## Fix safety
    For `hashlib` calls, the fix passes `usedforsecurity=False` (Python 3.9+). It is unsafe: it changes no value
    the hash computes, but it declares that nothing depends on the hash being hard to forge, which only a reader
    of the code can know; where the hash does protect something (a signature, a token, an integrity check), switch
    to `hashlib.sha256` instead. It also fails on Python 3.8 and older. No fix for PyCryptodome or `cryptography`
    hashes, or for a call with `**options`.

    ## References
    - [Python docs: hashlib, usedforsecurity](https://docs.python.org/3/library/hashlib.html#hashlib.new)
    - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    - [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
    """

    code = "PAT401"
    slug = "weak-hash"
    summary = "MD5/SHA-1 (or older) hash without `usedforsecurity=False`"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (327, 328)
    fix_hint = "use hashlib.sha256 (or pass usedforsecurity=False when the hash protects nothing)"
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.UNSAFE
    bandit = ("B303", "B324")
    ruff = ("S303", "S324")
    node_types = (ast.Call,)
    callees = _HASHLIB | _PYCRYPTO | _CRYPTOGRAPHY | {"hashlib.new"}

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if name == "hashlib.new":
            algorithm = ctx.constant(argument(node, 0, "name"))
            if not isinstance(algorithm, str) or algorithm.lower().replace("-", "") not in WEAK_HASHLIB:
                return
            shown = algorithm.lower()
        else:
            shown = name.rsplit(".", 2)[-2 if name.endswith(".new") else -1].lower()
        flag = keyword(node, "usedforsecurity")
        if flag is not None and ctx.constant(flag) is False:
            return
        if name.startswith("hashlib.") and hashes_password(node, name, ctx):
            return  # PAT402 reports it, with the right fix
        fix = None
        if name.startswith("hashlib.") and not has_kwargs_splat(node):
            edit = ctx.editor.add_keyword(node, "usedforsecurity=False")
            if edit is not None:
                fix = Fix("Declare the hash not used for security", Applicability.UNSAFE, (edit,))
        yield ctx.finding(self, node, f"{shown.upper()} is broken for security use; collisions can be forged", fix=fix)
