"""Content fingerprints that survive code moving up or down a file.

A fingerprint hashes the rule code, the file, the enclosing scope and the finding's context (by default the
whitespace-normalised source line; a rule that finds a secret passes its slow, salted fingerprint, never a plain
hash of it (core/secret_identity.py); a dependency rule the package).
Line numbers are left out on purpose. Identical keys in one file are told apart by their order of occurrence.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from bastion.core import patterns
from bastion.core.finding import Finding

FINGERPRINT_KEY = "bastion/v1"
_SPACE = patterns.compile(r"\s+")


def _key(finding: Finding) -> str:
    context = finding.context or _SPACE.sub(" ", finding.snippet).strip()
    return "\0".join((finding.code, finding.location.path, finding.scope, context))


def assign_fingerprints(findings: Iterable[Finding]) -> list[Finding]:
    """Give every finding its fingerprint; `findings` must already be in report order."""
    seen: Counter[str] = Counter()
    result = []
    for finding in findings:
        key = _key(finding)
        seen[key] += 1
        digest = hashlib.sha256(f"{key}\0{seen[key]}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
        result.append(finding.with_fingerprint(digest))
    return result
