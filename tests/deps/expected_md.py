"""Read tests/data/manifests/EXPECTED.md: per manifest section, per package, the treatment and the advisories."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

EXPECTED_MD = Path(__file__).resolve().parent.parent / "data" / "manifests" / "EXPECTED.md"
_SECTION = re.compile(r"^## (?P<name>\S+)")
_TOTAL = re.compile(r"^Total over all manifests \(`audit` rows\): \*\*(?P<count>\d+)\*\*")


@dataclass(frozen=True)
class ExpectedRow:
    package: str
    version: str
    treatment: str
    advisories: dict[str, frozenset[str]]  # id -> aliases
    withdrawn: frozenset[str]
    smallest_fix: str | None  # None: "none known" or "-"


@dataclass
class ExpectedManifests:
    sections: dict[str, list[ExpectedRow]] = field(default_factory=dict)
    total: int = 0


def _advisories(cell: str) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    advisories: dict[str, frozenset[str]] = {}
    withdrawn: set[str] = set()
    for entry in cell.split("<br>"):
        entry = entry.strip()
        if not entry or entry in ("none", "-"):
            continue
        if entry.startswith("withdrawn"):
            withdrawn.update(re.findall(r"PYSEC-\d+-\d+", entry))
            continue
        identifier, _, aliases = entry.partition(":")
        advisories[identifier.strip()] = frozenset(a.strip() for a in aliases.split(",") if a.strip())
    return advisories, frozenset(withdrawn)


def read_expected(path: Path = EXPECTED_MD) -> ExpectedManifests:
    expected = ExpectedManifests()
    section: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := _SECTION.match(line):
            section = match.group("name")
            expected.sections[section] = []
            continue
        if match := _TOTAL.match(line):
            expected.total = int(match.group("count"))
            continue
        if section is None or not line.startswith("| ") or line.startswith(("| package", "| ---")):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        package, version, treatment, advisories_cell, fix = cells[:5]
        advisories, withdrawn = _advisories(advisories_cell)
        expected.sections[section].append(
            ExpectedRow(package, version, treatment, advisories, withdrawn, None if fix in ("-", "none known") else fix)
        )
    return expected
