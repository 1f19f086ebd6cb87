"""Redaction primitives: a secret is never shown whole, only its first characters, `…` and its length.

The number of characters shown is at most four and at most a quarter of the secret, so that a short password
does not leak most of itself (`hunter22` shows `hu…(8 chars)`). The fingerprint of a secret finding is a hash
of the value (`secret_hash`), so baselines never store the secret either.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

ELLIPSIS = "…"
_MAX_SHOWN = 4


def redact(secret: str) -> str:
    """`ghp_1234…` style: the first characters (at most 4, at most a quarter), `…`, and the length."""
    shown = min(_MAX_SHOWN, len(secret) // 4)
    return f"{secret[:shown]}{ELLIPSIS}({len(secret)} chars)"


def secret_hash(secret: str) -> str:
    """The stable identity of a secret for fingerprints and baselines; never reversible to the value."""
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
