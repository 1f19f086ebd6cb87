"""PAT502: broken or weak ciphers (DES, 3DES, RC4, Blowfish, RC2, IDEA, CAST5, SEED, XOR)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext

_PYCRYPTO_CIPHERS = ("ARC2", "ARC4", "Blowfish", "CAST", "DES", "DES3", "XOR")
_CRYPTOGRAPHY_CIPHERS = ("ARC4", "Blowfish", "CAST5", "IDEA", "SEED", "TripleDES")
_CALLEES = (
    frozenset(f"{package}.Cipher.{name}.new" for package in ("Crypto", "Cryptodome") for name in _PYCRYPTO_CIPHERS)
    | frozenset(
        f"cryptography.hazmat.{area}.ciphers.algorithms.{name}"
        for area in ("primitives", "decrepit")
        for name in _CRYPTOGRAPHY_CIPHERS
    )
    | frozenset({"pyDes.des", "pyDes.triple_des"})
)


class WeakCipher(AstRule):
    """## What it does
    Finds ciphers that are broken or have 64-bit blocks: DES, Triple DES, RC4 (ARC4), RC2 (ARC2), Blowfish,
    CAST5, IDEA, SEED and PyCrypto's XOR, in PyCryptodome (`Crypto.Cipher.DES.new`), `cryptography`
    (`algorithms.TripleDES`, `algorithms.ARC4`) and `pyDes`.

    ## Why is this bad?
    DES keys are searched exhaustively in hours; RC4's keystream is biased enough to recover plaintext
    (banned from TLS by RFC 7465); 64-bit block ciphers (3DES, Blowfish, IDEA, CAST5) leak plaintext after a
    few dozen gigabytes under one key (Sweet32). Data encrypted with them is not protected.

    ## Example
    ```python
    from Crypto.Cipher import DES


    def encrypt(key, data):
        return DES.new(key, DES.MODE_CBC).encrypt(data)
    ```

    ## Use instead
    ```python
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


    def encrypt(key, nonce, data):
        return AESGCM(key).encrypt(nonce, data, None)
    ```
    AES-GCM or ChaCha20-Poly1305 (`cryptography`'s AEAD classes), or `cryptography.fernet.Fernet`.

    ## References
    - [cryptography: symmetric encryption](https://cryptography.io/en/latest/hazmat/primitives/symmetric-encryption/)
    - [Sweet32: Birthday attacks on 64-bit block ciphers](https://sweet32.info/)
    - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    """

    code = "PAT502"
    slug = "weak-cipher"
    summary = "Broken or 64-bit-block cipher (DES, 3DES, RC4, Blowfish ...)"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (327,)
    fix_hint = "use AES-GCM or ChaCha20-Poly1305 (cryptography's AEAD classes) or Fernet"
    bandit = ("B304",)
    ruff = ("S304",)
    node_types = (ast.Call,)
    callees = _CALLEES

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        cipher = name.removesuffix(".new").rsplit(".", 1)[-1]
        yield ctx.finding(self, node, f"{cipher} is a broken or weak cipher")
