"""The weakness each missing cookie flag is: a cookie finding names its own CWEs in the result (SARIF
`properties.tags`), not the union of the rule's."""

from __future__ import annotations

_COOKIE_FLAG_CWE = {"Secure": 614, "HttpOnly": 1004, "SameSite": 1275}


def cookie_cwes(*flags: str) -> dict[str, list[int]]:
    """`{"cwe": [...]}`: the CWEs of the cookie flags a finding says are missing (Secure 614, HttpOnly 1004,
    SameSite 1275), in that order."""
    return {"cwe": [number for flag, number in _COOKIE_FLAG_CWE.items() if flag in flags]}
