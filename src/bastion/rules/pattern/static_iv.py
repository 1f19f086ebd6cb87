"""PAT511: a cipher given a constant IV or nonce."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument, keyword
from bastion.semantic.constants import UNKNOWN

_PACKAGES = ("Crypto", "Cryptodome")
_PYCRYPTO_CIPHERS = ("AES", "DES", "DES3", "Blowfish", "CAST", "ARC2", "ChaCha20", "ChaCha20_Poly1305", "Salsa20")
# PyCryptodome: `AES.new(key, mode, iv)`, or `iv=`/`nonce=`.
_PYCRYPTO_NEW = frozenset(f"{p}.Cipher.{name}.new" for p in _PACKAGES for name in _PYCRYPTO_CIPHERS)
_MODES = "cryptography.hazmat.primitives.ciphers.modes"
# cryptography's modes take the IV or nonce first; a repeated one breaks CTR, GCM and OFB completely.
_MODE_CLASSES = {
    f"{_MODES}.CBC": "CBC",
    f"{_MODES}.CFB": "CFB",
    f"{_MODES}.CFB8": "CFB",
    f"{_MODES}.OFB": "OFB",
    f"{_MODES}.CTR": "CTR",
    f"{_MODES}.GCM": "GCM",
}
_AEAD = "cryptography.hazmat.primitives.ciphers.aead"
# AEAD objects take the nonce first at each encryption (AES-SIV is made for fixed nonces and is not listed).
_AEAD_ENCRYPT = frozenset(
    f"{_AEAD}.{name}().encrypt" for name in ("AESGCM", "AESCCM", "AESOCB3", "ChaCha20Poly1305", "AESGCMSIV")
)
# Modes where a repeated IV or nonce reveals plaintext (key-stream reuse) or allows forgeries, not only equality.
_STREAM_MODES = frozenset({"CTR", "GCM", "OFB", "CFB", "AEAD"})


class StaticIv(AstRule):
    """## What it does
    Finds ciphers given an IV or nonce that is a constant: PyCryptodome's `AES.new(key, AES.MODE_CBC,
    b"0123456789abcdef")` (also `iv=`/`nonce=`, and the other ciphers' `new`), cryptography's `modes.CBC(b"\\0" *
    16)`, `modes.CTR`, `modes.GCM`, `OFB`, `CFB`, and `AESGCM(key).encrypt(b"fixed nonce!", data, None)` (also
    `ChaCha20Poly1305`, `AESCCM`, `AESOCB3`). A literal, an expression of literals, `bytes(16)`, or a module
    constant counts; an IV read from `os.urandom`, `secrets` or the message is not reported.

    ## Why is this bad?
    An IV or nonce must differ for every message encrypted with one key. With a fixed IV, CBC encrypts equal
    messages (and equal beginnings) to equal ciphertext; with a fixed nonce, CTR, GCM, OFB and ChaCha20 reuse the
    same key stream, so XOR-ing two ciphertexts gives the XOR of the plaintexts, and GCM's authentication key can
    be recovered, letting anyone forge messages.

    ## Example
    ```python
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


    def seal(key, data):
        return AESGCM(key).encrypt(b"static-nonce", data, None)
    ```

    ## Use instead
    ```python
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


    def seal(key, data):
        nonce = os.urandom(12)
        return nonce + AESGCM(key).encrypt(nonce, data, None)
    ```

    ## References
    - [cryptography: AESGCM (nonce must never be reused with a key)](https://cryptography.io/en/latest/hazmat/primitives/aead/#cryptography.hazmat.primitives.ciphers.aead.AESGCM)
    - [NIST SP 800-38A, Appendix C: generation of IVs](https://csrc.nist.gov/pubs/sp/800/38/a/final)
    - [CWE-329: Generation of Predictable IV with CBC Mode](https://cwe.mitre.org/data/definitions/329.html)
    - [CWE-323: Reusing a Nonce, Key Pair in Encryption](https://cwe.mitre.org/data/definitions/323.html)
    """

    code = "PAT511"
    slug = "static-iv"
    summary = "Cipher given a constant IV or nonce"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (329, 323, 1204)
    fix_hint = "draw a fresh IV or nonce for every message (os.urandom) and send it with the ciphertext"
    bandit = ()
    ruff = ()
    node_types = (ast.Call,)
    callees = _PYCRYPTO_NEW | frozenset(_MODE_CLASSES) | _AEAD_ENCRYPT

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if name in _MODE_CLASSES:
            value, mode = argument(node, 0, "initialization_vector") or keyword(node, "nonce"), _MODE_CLASSES[name]
        elif name in _AEAD_ENCRYPT:
            value, mode = argument(node, 0, "nonce"), "AEAD"
        else:
            value = argument(node, 2, "iv") or keyword(node, "nonce") or keyword(node, "IV")
            mode = "CBC"
        if value is None or not _constant(value, ctx):
            return
        shown = "nonce" if mode in _STREAM_MODES else "IV"
        consequence = (
            "every message reuses one key stream: two ciphertexts XOR-ed give the plaintexts XOR-ed"
            if mode in _STREAM_MODES
            else "equal messages, and equal beginnings, encrypt to equal ciphertext"
        )
        yield ctx.finding(
            self,
            value,
            f"a constant {shown}: {consequence}",
            severity=Severity.HIGH if mode in _STREAM_MODES else Severity.MEDIUM,
        )


def _constant(value: ast.expr, ctx: ModuleContext) -> bool:
    """A literal (or an expression of literals, or a module constant) of bytes or text, or `bytes(n)`."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("bytes", "bytearray"):
        return len(value.args) == 1 and isinstance(ctx.constant(value.args[0]), int)
    constant = ctx.constant(value)
    return constant is not UNKNOWN and isinstance(constant, (bytes, str)) and len(constant) > 0
