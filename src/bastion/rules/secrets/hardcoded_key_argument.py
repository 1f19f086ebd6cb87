"""SEC205: a literal key given to a signing or encryption API by position or by its key keyword."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.secrets.support import ADVICE, node_snippet
from bastion.secrets.filters import Candidate, is_test_or_example
from bastion.secrets.names import is_secret_name
from bastion.secrets.redaction import redact, secret_hash
from bastion.semantic.calls import argument, keyword

# Where each API takes its key: (position, keyword). Positions are None where the key is keyword-only.
_PYJWT: tuple[str, ...] = (
    "jwt.encode",
    "jwt.decode",
    "jwt.decode_complete",
    "jwt.api_jwt.encode",
    "jwt.api_jwt.decode",
)
_PYJWT += ("jwt.PyJWT().encode", "jwt.PyJWT().decode", "jwt.api_jws.encode", "jwt.api_jws.decode")
_JOSE = ("jose.jwt.encode", "jose.jwt.decode", "jose.jws.sign", "jose.jws.verify")
_ITSDANGEROUS = tuple(
    f"itsdangerous.{name}"
    for name in (
        "Signer", "TimestampSigner", "Serializer", "TimedSerializer", "URLSafeSerializer", "URLSafeTimedSerializer",
        "JSONWebSignatureSerializer", "TimedJSONWebSignatureSerializer",
    )
)  # fmt: skip
_PYCRYPTODOME = tuple(
    f"{package}.Cipher.{cipher}.new"
    for package in ("Crypto", "Cryptodome")
    for cipher in ("AES", "DES", "DES3", "Blowfish", "ARC2", "ARC4", "CAST", "ChaCha20", "Salsa20", "ChaCha20_Poly1305")
)
_CRYPTOGRAPHY: tuple[str, ...] = tuple(
    f"cryptography.hazmat.primitives.ciphers.algorithms.{name}" for name in ("AES", "TripleDES")
)
_CRYPTOGRAPHY += tuple(
    f"cryptography.hazmat.primitives.ciphers.aead.{name}"
    for name in ("AESGCM", "AESCCM", "AESOCB3", "AESSIV", "ChaCha20Poly1305")
)

KEY_ARGUMENTS: dict[str, tuple[int | None, str]] = {
    **dict.fromkeys(_PYJWT, (1, "key")),
    **dict.fromkeys(_JOSE, (1, "key")),
    "authlib.jose.jwt.encode": (2, "key"),
    "authlib.jose.jwt.decode": (1, "key"),
    "hmac.new": (0, "key"),
    "hmac.digest": (0, "key"),
    "cryptography.fernet.Fernet": (0, "key"),
    **dict.fromkeys(_ITSDANGEROUS, (0, "secret_key")),
    **dict.fromkeys(_PYCRYPTODOME, (0, "key")),
    **dict.fromkeys(_CRYPTOGRAPHY, (0, "key")),
    # Django's signers take the key by keyword only (positional use is deprecated, then removed).
    "django.core.signing.Signer": (None, "key"),
    "django.core.signing.TimestampSigner": (None, "key"),
    "django.core.signing.dumps": (None, "key"),
    "django.core.signing.loads": (None, "key"),
}


class HardcodedKeyArgument(AstRule):
    """## What it does
    Finds a literal key given to a signing or encryption API, by position or by its key keyword: PyJWT and
    python-jose `jwt.encode(payload, "…")` / `jwt.decode(token, "…", …)`, authlib's `jwt.encode(header,
    payload, "…")`, `hmac.new(b"…", …)`, `Fernet(b"…")`, `itsdangerous` signers and serializers
    (`URLSafeTimedSerializer("…")`), Django's `signing.dumps(value, key="…")`, PyCryptodome's `AES.new(b"…", …)`
    (and DES, ARC4, ChaCha20 …) and `cryptography`'s `algorithms.AES(b"…")`, `AESGCM(b"…")`. A name bound once
    to a literal counts too (`KEY = b"…"` then `Fernet(KEY)`), unless the name itself says it holds a secret
    (`JWT_SECRET = "…"`), which SEC201 reports where it is written. An empty key, and the key of a
    `jwt.decode` that does not verify the signature, are left to the JWT rules. In tests and examples the
    finding is low severity.

    ## Why is this bad?
    Whoever reads the code (or a leaked copy, or its git history) holds the key: they can mint tokens the
    server accepts as any user, forge signed cookies and reset links, or decrypt what the key protects. Secret
    names are what secret scanners look for; a key passed straight to the call has no name and slips past them.

    ## Example
    ```python
    import jwt


    def issue_token(user_id):
        return jwt.encode({"sub": user_id}, "s3cr3t-signing-key", algorithm="HS256")
    ```

    ## Use instead
    ```python
    import os

    import jwt


    def issue_token(user_id):
        return jwt.encode({"sub": user_id}, os.environ["JWT_SIGNING_KEY"], algorithm="HS256")
    ```

    ## References
    - [CWE-321: Use of Hard-coded Cryptographic Key](https://cwe.mitre.org/data/definitions/321.html)
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    - [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    """

    code = "SEC205"
    slug = "hardcoded-key-argument"
    summary = "a literal key given to a JWT, HMAC, Fernet, itsdangerous or cipher API"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (321, 798)
    fix_hint = "generate a new random key, load it from the environment or a secrets manager, purge the old one"
    tags = ("secrets",)
    # A literal under a secret keyword (`secret_key="…"`) is SEC201's too: one finding per line is enough.
    supersedes = ("SEC201",)
    bandit = ()
    ruff = ()
    node_types = (ast.Call,)
    callees = frozenset(KEY_ARGUMENTS)

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        callee = ctx.call_name or ""
        position, name = KEY_ARGUMENTS[callee]
        key = keyword(node, name) if position is None else argument(node, position, name)
        if key is None or _signature_unchecked(node, callee, ctx):
            return
        value = ctx.constant(key)
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if not isinstance(value, str) or not value.strip():
            return
        if isinstance(key, ast.Name) and is_secret_name(key.id):
            return  # SEC201 reports the assignment of a secret-named literal
        where = "" if isinstance(key, ast.Constant) else f" (through `{ast.unparse(key)}`)"
        severity, note = Severity.HIGH, ""
        if is_test_or_example(Candidate(value, generic=True, name=name, path=ctx.path)):
            severity, note = Severity.LOW, " (in a test or example, or marked as fake: low severity)"
        yield ctx.finding(
            self,
            key,
            f"`{callee}` is given the hard-coded key `{redact(value)}`{where}{note}: anyone with the code can "
            f"forge or read what it protects. {ADVICE}",
            severity=severity,
            snippet=node_snippet(ctx, key, value) if isinstance(key, ast.Constant) else None,
            context=secret_hash(value),
            properties={"detector": "key-argument", "secret": redact(value), "callee": callee},
        )


def _signature_unchecked(call: ast.Call, callee: str, ctx: ModuleContext) -> bool:
    """`jwt.decode(token, "x", options={"verify_signature": False})`: the key is not used (PAT601's finding)."""
    if not callee.endswith(("decode", "decode_complete")):
        return False
    if ctx.constant(keyword(call, "verify")) is False:
        return True
    options = ctx.constant(keyword(call, "options"))
    return isinstance(options, dict) and options.get("verify_signature") is False
