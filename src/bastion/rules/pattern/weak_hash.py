"""PAT401: MD5, SHA-1 and older hashes of a secret, or whose digest serves as a token, signature or MAC."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.fix import Applicability, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._hashing import WEAK_HASHLIB, hashes_password, weak_hash_use
from bastion.semantic.calls import argument, keyword

_PYCRYPTO = frozenset(
    f"{package}.Hash.{name}.new" for package in ("Crypto", "Cryptodome") for name in ("MD2", "MD4", "MD5", "SHA")
)
_CRYPTOGRAPHY = frozenset({"cryptography.hazmat.primitives.hashes.MD5", "cryptography.hazmat.primitives.hashes.SHA1"})
_HASHLIB = frozenset(f"hashlib.{name}" for name in WEAK_HASHLIB)


class WeakHash(AstRule):
    """## What it does
    Finds MD5, SHA-1, MD4 and MD2 (`hashlib.md5()`, `hashlib.sha1()`, `hashlib.new("md5")`, PyCryptodome's
    `Crypto.Hash.MD5.new()`, `cryptography`'s `hashes.MD5()`/`hashes.SHA1()`) where security depends on the hash:
    - what is hashed is a secret: a value named like a token, secret, API key, credential, nonce or one-time code
      (directly, through a local variable, or fed to the hash object with `.update()`);
    - or the digest serves as a security value: it is assigned to, returned as or passed as a token, signature,
      MAC, nonce, secret or API key, it is checked with `hmac.compare_digest`, or the function computing it signs,
      verifies or makes tokens (`sign_request`, `verify_signature`, `make_token`).

    A weak hash with no such sign (a checksum of downloaded content, a cache key, an ETag, de-duplicating files,
    a directory or colour picked from a name) is not reported: collisions there cost nothing. A call that says
    `usedforsecurity=False` is never reported. A fast hash of a password is PAT402's finding.

    ## Why is this bad?
    Collisions can be computed for MD5 in seconds and for SHA-1 with modest means, and both are fast to brute
    force. A token derived from a secret by MD5 gives the secret away to an offline search; a signature or MAC
    made with a weak hash can be forged for a second message with the same digest.

    ## Example
    ```python
    import hashlib


    def sign_request(api_secret, body):
        return hashlib.md5(api_secret.encode() + body).hexdigest()
    ```

    ## Use instead
    ```python
    import hashlib
    import hmac


    def sign_request(api_secret, body):
        return hmac.new(api_secret.encode(), body, hashlib.sha256).hexdigest()
    ```

    ## Fix safety
    For `hashlib.md5(...)`/`hashlib.sha1(...)` and `hashlib.new("md5", ...)`, the fix switches to SHA-256. It is
    unsafe: every digest changes, so tokens, signatures or stored digests made before no longer match, and a
    keyed digest should become an HMAC (`hmac.new(key, message, hashlib.sha256)`), which only a reader can decide.
    No fix for a hash imported under another name, PyCryptodome or `cryptography` hashes.

    ## References
    - [Python docs: hashlib, usedforsecurity](https://docs.python.org/3/library/hashlib.html#hashlib.new)
    - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    - [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
    """

    code = "PAT401"
    slug = "weak-hash"
    summary = "MD5/SHA-1 (or older) hash of a secret, or whose digest is a token, signature or MAC"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (327, 328)
    fix_hint = "use hashlib.sha256 (hmac.new(key, message, hashlib.sha256) for a keyed digest)"
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
        use = weak_hash_use(node, name, ctx)
        if use is None:
            return  # nothing says security depends on it: a checksum, a cache key, an ETag
        yield ctx.finding(
            self,
            node,
            f"{shown.upper()} {use}; collisions can be forged and the input brute-forced",
            fix=self._fix(node, name, ctx),
        )

    def _fix(self, node: ast.Call, name: str, ctx: ModuleContext) -> Fix | None:
        func = node.func
        if name == "hashlib.new":
            algorithm = argument(node, 0, "name")
            if not isinstance(algorithm, ast.Constant):
                return None
            edit = ctx.editor.replace(algorithm, '"sha256"')
        elif name.startswith("hashlib.") and isinstance(func, ast.Attribute) and func.attr == name.rsplit(".", 1)[1]:
            edit = ctx.editor.replace(func, f"{ctx.editor.source(func.value)}.sha256")
        else:
            return None
        return Fix("Switch to SHA-256", Applicability.UNSAFE, (edit,))
