"""How a secret may appear anywhere bastion writes: redacted for people, a slow salted fingerprint for machines.

In core, below every family, so that each rule that meets a secret (SEC, and CFG's SECRET_KEY, compose and
Dockerfile checks) shows and fingerprints it the same way.

`redact` shows at most four characters and at most a quarter of the secret, then `…` and the length, so that a
short password does not leak most of itself (`hunter22` shows `hu…(8 chars)`).

`secret_fingerprint` is what baselines, JSON and SARIF (`partialFingerprints`) carry for a secret: scrypt (N = 2^14,
r = 8, p = 1: some 30 ms and 16 MiB of memory per call) of the value, salted with a version tag and the path of
the file that holds it. The same on every machine and run, a new one when the value changes, and expensive to
test a guess against: an unsalted SHA-256 let anyone holding a baseline confirm a guessed weak password offline in
a microsecond, helped by the prefix and length the reports show. docs/security.md weighs the alternatives.
"""

from __future__ import annotations

import functools
import hashlib

ELLIPSIS = "…"
_MAX_SHOWN = 4
_FINGERPRINT_SALT = b"bastion/secret-fingerprint/v2\x00"
_SCRYPT_COST = 2**14
_SCRYPT_BLOCK = 8
_SCRYPT_MEMORY = 64 * 1024 * 1024  # the ceiling OpenSSL allows; N = 2^14 and r = 8 take 16 MiB
FINGERPRINT_PREFIX = "secret-scrypt:"


def redact(secret: str) -> str:
    """`ghp_1234…(40 chars)` style: the first characters (at most 4, at most a quarter), `…`, and the length."""
    shown = min(_MAX_SHOWN, len(secret) // 4)
    return f"{secret[:shown]}{ELLIPSIS}({len(secret)} chars)"


@functools.lru_cache(maxsize=4096)
def secret_fingerprint(secret: str, path: str) -> str:
    """The identity of a secret found in `path` (relative to the root), for fingerprints and baselines."""
    digest = hashlib.scrypt(
        secret.encode("utf-8", "surrogatepass"),
        salt=_FINGERPRINT_SALT + path.encode("utf-8", "surrogateescape"),
        n=_SCRYPT_COST,
        r=_SCRYPT_BLOCK,
        p=1,
        maxmem=_SCRYPT_MEMORY,
        dklen=16,
    )
    return FINGERPRINT_PREFIX + digest.hex()
