"""PAT504: RSA/DSA keys under 2048 bits, elliptic curves under 224 bits."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument

MINIMUM_BITS = 2048
_ASYMMETRIC = "cryptography.hazmat.primitives.asymmetric"
# callee -> (position of the key size, keyword name)
_KEY_SIZE: dict[str, tuple[int, str]] = {
    f"{_ASYMMETRIC}.rsa.generate_private_key": (1, "key_size"),
    f"{_ASYMMETRIC}.dsa.generate_private_key": (0, "key_size"),
    f"{_ASYMMETRIC}.dsa.generate_parameters": (0, "key_size"),
    "Crypto.PublicKey.RSA.generate": (0, "bits"),
    "Crypto.PublicKey.DSA.generate": (0, "bits"),
    "Cryptodome.PublicKey.RSA.generate": (0, "bits"),
    "Cryptodome.PublicKey.DSA.generate": (0, "bits"),
    "rsa.newkeys": (0, "nbits"),
    "paramiko.RSAKey.generate": (0, "bits"),
    "paramiko.DSSKey.generate": (0, "bits"),
}
_WEAK_CURVES = frozenset({"SECP192R1", "SECT163K1", "SECT163R2"})


class WeakKeySize(AstRule):
    """## What it does
    Finds RSA and DSA keys generated with fewer than 2048 bits (`cryptography`, PyCryptodome, python-rsa,
    paramiko) and elliptic-curve keys on curves under 224 bits (`SECP192R1`, `SECT163K1`, `SECT163R2`).

    ## Why is this bad?
    A 512-bit RSA key is factored in hours on rented machines and 768 bits has been broken publicly; 1024 bits
    is within reach of well-funded attackers. NIST has disallowed keys under 2048 bits since 2013. Whatever
    such a key signs or encrypts can be forged or read.

    ## Example
    ```python
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    ```

    ## Use instead
    ```python
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ```
    Or an Ed25519 key (`ed25519.Ed25519PrivateKey.generate()`), which is small and fast.

    ## References
    - [NIST SP 800-131A Rev. 2: transitioning key lengths](https://csrc.nist.gov/publications/detail/sp/800-131a/rev-2/final)
    - [CWE-326: Inadequate Encryption Strength](https://cwe.mitre.org/data/definitions/326.html)
    """

    code = "PAT504"
    slug = "weak-key-size"
    summary = "RSA/DSA key under 2048 bits or elliptic curve under 224 bits"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (326,)
    fix_hint = "generate RSA/DSA keys of at least 2048 bits (3072 preferred) or use Ed25519"
    bandit = ("B505",)
    ruff = ("S505",)
    node_types = (ast.Call,)
    callees = frozenset(_KEY_SIZE) | {f"{_ASYMMETRIC}.ec.generate_private_key"}

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if name.endswith(".ec.generate_private_key"):
            curve = ctx.qualified_name(argument(node, 0, "curve") or ast.Constant(None)) or ""
            curve_name = curve.removesuffix("()").rsplit(".", 1)[-1]
            if curve_name in _WEAK_CURVES:
                yield ctx.finding(self, node, f"elliptic curve {curve_name} is under 224 bits")
            return
        position, keyword_name = _KEY_SIZE[name]
        bits = ctx.constant(argument(node, position, keyword_name))
        if isinstance(bits, int) and not isinstance(bits, bool) and bits < MINIMUM_BITS:
            kind = "DSA" if "dsa" in name.lower() or "DSS" in name else "RSA"
            yield ctx.finding(self, node, f"{kind} key of {bits} bits; use at least {MINIMUM_BITS}")
