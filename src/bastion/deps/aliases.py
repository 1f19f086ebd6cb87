"""Merge advisories that describe the same flaw: PYSEC-, GHSA- and CVE- ids of one vulnerability, shown together.

Two advisories are one flaw when one names the other among its aliases, or both name the same alias (the same
CVE). The group is shown under one id, PYSEC first (the PyPA database's own id, present both online and in the
offline export), then GHSA, then any other, so that the id a user sees does not change with the data source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bastion.core.severity import Severity
from bastion.deps.advisory import Advisory
from bastion.deps.severity import AdvisorySeverity
from bastion.deps.versions import version_key

_ID_PREFERENCE = ("PYSEC-", "GHSA-")


@dataclass(frozen=True, slots=True)
class AdvisoryGroup:
    """One vulnerability of one package, however many databases report it."""

    id: str
    aliases: tuple[str, ...]
    advisories: tuple[Advisory, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)

    @property
    def key(self) -> str:
        """A stable identity across data sources: the first CVE id when there is one, else the shown id."""
        cves = sorted(alias for alias in self.ids if alias.startswith("CVE-"))
        return cves[0] if cves else self.id

    @property
    def summary(self) -> str:
        # A GHSA summary is a title; a PYSEC "summary" is the first sentence of its details: prefer the former.
        with_summary = [a for a in self.advisories if a.summary]
        return with_summary[0].summary if with_summary else ""

    @property
    def severity(self) -> AdvisorySeverity:
        """The most severe assessment; a computed CVSS score beats a database word or the default at equal level."""
        rank = {"cvss": 2, "database": 1, "default": 0}
        return max((a.severity for a in self.advisories), key=lambda s: (s.level, rank.get(s.source, 0)))

    @property
    def level(self) -> Severity:
        return self.severity.level

    @property
    def fixed_versions(self) -> tuple[str, ...]:
        found = {version for advisory in self.advisories for version in advisory.fixed_versions()}
        return tuple(sorted(found, key=version_key))

    @property
    def url(self) -> str:
        return f"https://osv.dev/vulnerability/{self.id}"


def _preference(identifier: str) -> tuple[int, str]:
    for position, prefix in enumerate(_ID_PREFERENCE):
        if identifier.startswith(prefix):
            return (position, identifier)
    return (len(_ID_PREFERENCE), identifier)


def merge_aliases(advisories: Iterable[Advisory]) -> list[AdvisoryGroup]:
    """Group advisories of one package by shared ids (union-find over ids and aliases), in a stable order."""
    unique = {advisory.id: advisory for advisory in advisories}
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for advisory in unique.values():
        root = find(advisory.id)
        for alias in advisory.aliases:
            other = find(alias)
            if other != root:
                parent[other] = root
    members: dict[str, list[Advisory]] = {}
    for advisory in unique.values():
        members.setdefault(find(advisory.id), []).append(advisory)
    groups = []
    for group in members.values():
        ids = {a.id for a in group} | {alias for a in group for alias in a.aliases}
        shown = min((a.id for a in group), key=_preference)
        ordered = tuple(sorted(group, key=lambda a: _preference(a.id)))
        groups.append(AdvisoryGroup(shown, tuple(sorted(ids - {shown}, key=_preference)), ordered))
    return sorted(groups, key=lambda g: _preference(g.id))
