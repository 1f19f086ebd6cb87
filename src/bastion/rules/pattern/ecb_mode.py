"""PAT503: block cipher in ECB mode."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument

_BLOCK_CIPHERS = ("AES", "DES", "DES3", "Blowfish", "CAST", "ARC2")
_PYCRYPTO = frozenset(f"{package}.Cipher.{name}.new" for package in ("Crypto", "Cryptodome") for name in _BLOCK_CIPHERS)
_ECB_CONSTANTS = frozenset(
    f"{package}.Cipher.{name}.MODE_ECB" for package in ("Crypto", "Cryptodome") for name in _BLOCK_CIPHERS
)
_CRYPTOGRAPHY_ECB = "cryptography.hazmat.primitives.ciphers.modes.ECB"
_PYCRYPTO_ECB_VALUE = 1  # MODE_ECB's value, for code that passes the number


class EcbMode(AstRule):
    """## What it does
    Finds block ciphers used in ECB mode: `cryptography`'s `modes.ECB()` and PyCryptodome's
    `AES.new(key, AES.MODE_ECB)`.

    ## Why is this bad?
    ECB encrypts every block on its own, so equal plaintext blocks give equal ciphertext blocks: patterns in
    the data stay visible (the well-known "ECB penguin"), blocks can be reordered or replayed, and an attacker
    who can encrypt chosen data can recover secrets byte by byte.

    ## Example
    ```python
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


    def encryptor(key):
        return Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    ```

    ## Use instead
    ```python
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


    def encrypt(key, nonce, data):
        return AESGCM(key).encrypt(nonce, data, None)
    ```

    ## References
    - [cryptography: modes.ECB](https://cryptography.io/en/latest/hazmat/primitives/symmetric-encryption/#cryptography.hazmat.primitives.ciphers.modes.ECB)
    - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    """

    code = "PAT503"
    slug = "ecb-mode"
    summary = "Block cipher in ECB mode"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (327,)
    fix_hint = "use an authenticated mode: AES-GCM (AESGCM) or ChaCha20-Poly1305"
    bandit = ("B305",)
    ruff = ("S305",)
    node_types = (ast.Call,)
    callees = _PYCRYPTO | {_CRYPTOGRAPHY_ECB}

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        if ctx.call_name == _CRYPTOGRAPHY_ECB:
            yield ctx.finding(self, node, "ECB mode encrypts equal blocks to equal ciphertext")
            return
        mode = argument(node, 1, "mode")
        if mode is None:
            return
        if ctx.qualified_name(mode) in _ECB_CONSTANTS or ctx.constant(mode) == _PYCRYPTO_ECB_VALUE:
            yield ctx.finding(self, node, "ECB mode encrypts equal blocks to equal ciphertext")
