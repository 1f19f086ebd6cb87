"""OSV advisories, as one package sees them, and the OSV schema's rule for which versions they affect.

A version is affected when it is listed in `versions[]` or falls in one of the `ECOSYSTEM`/`SEMVER` ranges.
A range's events are sorted by version (PEP 440 order: records are not always sorted, pydantic's PYSEC-2021-47
is not) and walked: `introduced <= v` turns "affected" on, `fixed <= v` turns it off, `last_affected < v` turns it
off; `limit` events cap the whole range. `GIT` ranges hold commit hashes and are ignored. Withdrawn records are
dropped when read (`advisories_from_record`), so no service ever returns one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from packaging.version import Version

from bastion.deps.severity import AdvisorySeverity, advisory_severity
from bastion.deps.versions import canonical_version, normalise_name, parse_version, version_key

ECOSYSTEM = "PyPI"
_VERSION_RANGE_TYPES = frozenset({"ECOSYSTEM", "SEMVER"})
_EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")
# For events at the same version: "introduced" first, so that `introduced: X, fixed: X` affects nothing.
_EVENT_ORDER = {kind: position for position, kind in enumerate(_EVENT_KINDS)}
_SUMMARY_LIMIT = 200
_SUMMARY_ENOUGH = 80


@dataclass(frozen=True, slots=True)
class RangeEvent:
    kind: str  # introduced | fixed | last_affected | limit
    version: str


@dataclass(frozen=True, slots=True)
class AffectedVersions:
    """What one `affected[]` entry says about its package: version ranges and an explicit list."""

    ranges: tuple[tuple[RangeEvent, ...], ...] = ()
    versions: frozenset[str] = frozenset()  # canonical spellings (`canonical_version`)

    def affects(self, version: str) -> bool:
        if canonical_version(version) in self.versions:
            return True
        parsed = parse_version(version)
        if parsed is None:
            return False
        return any(_range_affects(events, parsed) for events in self.ranges)

    def fixed_versions(self) -> Iterable[str]:
        for events in self.ranges:
            for event in events:
                if event.kind == "fixed":
                    yield event.version


def _range_affects(events: tuple[RangeEvent, ...], version: Version) -> bool:
    limits, ordered = _prepared(events)
    if limits and not any(version < limit for limit in limits):
        return False
    affected = False
    for kind, bound in ordered:
        if bound is None:  # introduced: "0"
            affected = True
        elif kind == "introduced":
            affected = affected or version >= bound
        elif kind == "fixed":
            affected = affected and version < bound
        else:  # last_affected
            affected = affected and version <= bound
    return affected


@lru_cache(maxsize=65536)
def _prepared(events: tuple[RangeEvent, ...]) -> tuple[list[Version], list[tuple[str, Version | None]]]:
    """A range's limits, and its other events sorted and parsed once (a fix search evaluates a range many
    times). `introduced: "0"` has no bound; events whose version cannot be parsed are left out."""
    limits = [parsed for e in events if e.kind == "limit" and (parsed := parse_version(e.version)) is not None]
    ordered: list[tuple[str, Version | None]] = []
    for event in sorted((e for e in events if e.kind != "limit"), key=_event_sort_key):
        if event.kind == "introduced" and event.version == "0":
            ordered.append((event.kind, None))
        elif (parsed := parse_version(event.version)) is not None:
            ordered.append((event.kind, parsed))
    return limits, ordered


_BEFORE_EVERYTHING = (-1, Version("0"))


def _event_sort_key(event: RangeEvent) -> tuple[tuple[int, Version | str], int]:
    # "0" means "before every version", pre-releases of 0 included.
    position = _BEFORE_EVERYTHING if event.version == "0" else version_key(event.version)
    return (position, _EVENT_ORDER[event.kind])


@dataclass(frozen=True, slots=True)
class Advisory:
    """One OSV record, seen from one package (a record may affect several packages)."""

    id: str
    package: str  # PEP 503 name
    aliases: tuple[str, ...] = ()
    summary: str = ""
    modified: str = ""
    published: str = ""
    severity: AdvisorySeverity = field(default_factory=lambda: advisory_severity(None, None))
    affected: tuple[AffectedVersions, ...] = ()

    @property
    def url(self) -> str:
        return f"https://osv.dev/vulnerability/{self.id}"

    def affects(self, version: str) -> bool:
        return any(entry.affects(version) for entry in self.affected)

    def fixed_versions(self) -> tuple[str, ...]:
        """The versions that fix it (the `fixed` events), in PEP 440 order."""
        found = {version for entry in self.affected for version in entry.fixed_versions()}
        return tuple(sorted(found, key=version_key))


def advisories_from_record(record: Mapping[str, Any], *, package: str | None = None) -> list[Advisory]:
    """The PyPI advisories in an OSV record, one per affected package (or only `package`'s).

    A withdrawn record, a record with no PyPI package, or one too malformed to read gives an empty list.
    """
    identifier = record.get("id")
    if not isinstance(identifier, str) or not identifier or record.get("withdrawn"):
        return []
    wanted = normalise_name(package) if package is not None else None
    by_package: dict[str, list[AffectedVersions]] = {}
    for entry in _list(record.get("affected")):
        name = _pypi_name(entry)
        if name is None or (wanted is not None and name != wanted):
            continue
        by_package.setdefault(name, []).append(_affected_versions(entry))
    if not by_package:
        return []
    aliases = tuple(sorted({a for a in _list(record.get("aliases")) if isinstance(a, str) and a != identifier}))
    severity = advisory_severity(_list(record.get("severity")), record.get("database_specific"))
    summary = _summary(record)
    modified = _text(record.get("modified"))
    published = _text(record.get("published"))
    return [
        Advisory(
            id=identifier,
            package=name,
            aliases=aliases,
            summary=summary,
            modified=modified,
            published=published,
            severity=severity,
            affected=tuple(entries),
        )
        for name, entries in sorted(by_package.items())
    ]


def affected_package_names(record: Mapping[str, Any]) -> set[str]:
    """The PEP 503 names of the PyPI packages a (non-withdrawn) record affects."""
    if record.get("withdrawn"):
        return set()
    return {name for entry in _list(record.get("affected")) if (name := _pypi_name(entry)) is not None}


def _pypi_name(entry: Any) -> str | None:
    if not isinstance(entry, Mapping):
        return None
    package = entry.get("package")
    if not isinstance(package, Mapping) or package.get("ecosystem") != ECOSYSTEM:
        return None
    name = package.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    return normalise_name(name)


def _affected_versions(entry: Mapping[str, Any]) -> AffectedVersions:
    ranges = []
    for item in _list(entry.get("ranges")):
        if not isinstance(item, Mapping) or item.get("type") not in _VERSION_RANGE_TYPES:
            continue
        events = []
        for event in _list(item.get("events")):
            if not isinstance(event, Mapping):
                continue
            for kind in _EVENT_KINDS:
                value = event.get(kind)
                if isinstance(value, str) and value:
                    events.append(RangeEvent(kind, value))
        if events:
            ranges.append(tuple(events))
    versions = frozenset(canonical_version(v) for v in _list(entry.get("versions")) if isinstance(v, str) and v)
    return AffectedVersions(tuple(ranges), versions)


def _sentences(text: str) -> list[str]:
    """Split single-spaced text after `.`, `!` or `?` followed by a space."""
    sentences: list[str] = []
    words: list[str] = []
    for word in text.split(" "):
        words.append(word)
        if word.endswith((".", "!", "?")):
            sentences.append(" ".join(words))
            words = []
    if words or not sentences:
        sentences.append(" ".join(words))
    return sentences


def _summary(record: Mapping[str, Any]) -> str:
    """The record's summary, else the opening of its details (PYSEC records have no summary): whole sentences
    until there is enough to say what the flaw is ("Requests is a HTTP library." alone says nothing)."""
    summary = " ".join(_text(record.get("summary")).split())
    if not summary:
        details = " ".join(_text(record.get("details")).split())
        sentences = _sentences(details)
        summary = sentences[0]
        for sentence in sentences[1:]:
            if len(summary) >= _SUMMARY_ENOUGH:
                break
            summary = f"{summary} {sentence}"
    if len(summary) > _SUMMARY_LIMIT:
        summary = summary[: _SUMMARY_LIMIT - 1].rstrip() + "…"
    return summary


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
