"""The audit itself: ask a vulnerability service about pinned packages, merge aliases, find the smallest fix.

No I/O of its own (the service does that) and no reporting (the rules do). One call per scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName

from bastion.deps.advisory import Advisory
from bastion.deps.aliases import AdvisoryGroup, merge_aliases
from bastion.deps.fixes import smallest_fix
from bastion.deps.model import Dependency, PackageVersion
from bastion.deps.services.interface import VulnerabilityService

# Fix candidates are checked against the service too (an advisory introduced after the pinned version may affect
# the candidate); each round is one query, and a round that finds nothing new ends the search.
MAX_FIX_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class PackageReport:
    package: PackageVersion
    groups: tuple[AdvisoryGroup, ...]  # the vulnerabilities affecting it, aliases merged
    smallest_fix: str | None  # the smallest release no known advisory affects; None when none is known


def audit_packages(
    packages: Iterable[PackageVersion], service: VulnerabilityService
) -> dict[PackageVersion, PackageReport]:
    """One report per distinct package version. Raises the service's `ServiceError` when it cannot answer."""
    unique = sorted(set(packages))
    answers = dict(service.query(unique))
    known: dict[str, dict[str, Advisory]] = {}
    for package, advisories in answers.items():
        known.setdefault(package.name, {}).update((a.id, a) for a in advisories)
    verified: set[PackageVersion] = set(unique)
    for _ in range(MAX_FIX_ROUNDS):
        candidates = set()
        for package in unique:
            if not answers.get(package):
                continue
            fix = smallest_fix(package.version, tuple(known[package.name].values()))
            if fix is not None and PackageVersion(package.name, fix) not in verified:
                candidates.add(PackageVersion(package.name, fix))
        if not candidates:
            break
        verified |= candidates
        found_new = False
        for candidate, advisories in service.query(sorted(candidates)).items():
            for advisory in advisories:
                if advisory.id not in known[candidate.name]:
                    known[candidate.name][advisory.id] = advisory
                    found_new = True
        if not found_new:
            break
    reports = {}
    for package in unique:
        advisories = answers.get(package, ())
        every = tuple(known.get(package.name, {}).values())
        fix = smallest_fix(package.version, every) if advisories else None
        reports[package] = PackageReport(package, tuple(merge_aliases(advisories)), fix)
    return reports


@lru_cache(maxsize=4096)
def _marker(text: str) -> Marker | None:
    try:
        return Marker(text)
    except InvalidMarker:
        return None


def marker_applies(dependency: Dependency, environment: Mapping[str, str] | None = None) -> bool:
    """Whether the dependency's environment marker holds for `environment` (default: the running interpreter).

    A marker that cannot be read or evaluated counts as true: auditing too much is safer than too little.
    `extra` is the dependency's own extra for `optional-dependencies` entries, else empty.
    """
    if not dependency.marker:
        return True
    marker = _marker(dependency.marker)
    if marker is None:
        return True
    # packaging fills in the running interpreter's values for every name not given here.
    values: dict[str, str] = dict(environment or {})
    values.setdefault("extra", dependency.group[len("extra:") :] if dependency.group.startswith("extra:") else "")
    try:
        return marker.evaluate(values)
    except (UndefinedComparison, UndefinedEnvironmentName, ValueError, TypeError):
        return True
