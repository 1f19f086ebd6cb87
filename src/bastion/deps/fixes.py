"""The smallest upgrade that fixes every known advisory of a package.

The candidates are the `fixed` versions of the package's known advisories above the pinned version; the answer
is the smallest candidate that no known advisory affects (waitress 1.4.0: 2.1.1 fixes one advisory but falls in
another, so the answer is 2.1.2). None when there is no such version: a range with no fix at all (pycrypto), or
only `last_affected` (py). A pre-release candidate (`24.7.0rc1`) means the first final release at or above it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bastion.deps.advisory import Advisory
from bastion.deps.versions import parse_version, version_key


def fix_candidates(pinned: str, advisories: Iterable[Advisory]) -> list[str]:
    """Every `fixed` version above `pinned`, smallest first."""
    current = parse_version(pinned)
    if current is None:
        return []
    found: set[str] = set()
    for advisory in advisories:
        for version in advisory.fixed_versions():
            parsed = parse_version(version)
            if parsed is not None and parsed > current:
                found.add(version)
    return sorted(found, key=version_key)


def smallest_fix(pinned: str, advisories: Sequence[Advisory]) -> str | None:
    """The smallest candidate that none of `advisories` (all those known for the package) affects."""
    for candidate in fix_candidates(pinned, advisories):
        if not any(advisory.affects(candidate) for advisory in advisories):
            return candidate
    return None
