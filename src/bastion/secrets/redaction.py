"""Redaction primitives: a secret is never shown whole, only its first characters, `…` and its length.

`redact` and `secret_fingerprint` live in `bastion.core.secret_identity` (every family shows and fingerprints a
secret the same way); this module adds the helpers that redact secrets inside text. `secret_hash`, a plain digest,
is for identity inside one run only (deduplication) and never leaves the process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from bastion.core.secret_identity import ELLIPSIS, redact, secret_fingerprint

__all__ = ["ELLIPSIS", "redact", "redact_spans", "redact_values", "secret_fingerprint", "secret_hash"]


def secret_hash(secret: str) -> str:
    """A secret's identity within one run (deduplication); never written anywhere: use `secret_fingerprint`."""
    digest = hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
    return f"secret-sha256:{digest}"


def redact_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Replace each [start, end) span of `text` by the redacted form of what it covers (overlaps merged)."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + redact(text[start:end]) + text[end:]
    return text


def redact_values(text: str, values: Iterable[str]) -> str:
    """Replace every occurrence of each value in `text` (longest first, so that a value inside another goes too)."""
    spans: list[tuple[int, int]] = []
    for value in sorted({v for v in values if v}, key=len, reverse=True):
        start = text.find(value)
        while start >= 0:
            spans.append((start, start + len(value)))
            start = text.find(value, start + len(value))
    return redact_spans(text, spans) if spans else text
