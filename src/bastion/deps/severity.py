"""How severe an advisory is: the CVSS base score when the record carries a vector, else what the database says.

Order of preference: a `CVSS_V3` vector, then `CVSS_V4`, then `CVSS_V2` (their base score, computed with the
`cvss` package, bucketed as GitHub does: >= 9.0 critical, >= 7.0 high, >= 4.0 medium, > 0 low); then a
`database_specific.severity` word (GitHub advisories: LOW, MODERATE, HIGH, CRITICAL); then **medium**, because a
known vulnerability of unstated severity must neither fail open (info) nor drown real criticals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cvss import CVSS2, CVSS3, CVSS4  # type: ignore[import-untyped]
from cvss.exceptions import CVSSError  # type: ignore[import-untyped]

from bastion.core.severity import Severity

_CVSS_PREFERENCE = ("CVSS_V3", "CVSS_V4", "CVSS_V2")
_CVSS_CLASSES: dict[str, Any] = {"CVSS_V3": CVSS3, "CVSS_V4": CVSS4, "CVSS_V2": CVSS2}
_DATABASE_WORDS = {
    "LOW": Severity.LOW,
    "MODERATE": Severity.MEDIUM,
    "MEDIUM": Severity.MEDIUM,
    "HIGH": Severity.HIGH,
    "CRITICAL": Severity.CRITICAL,
}
DEFAULT_SEVERITY = Severity.MEDIUM


@dataclass(frozen=True, slots=True)
class AdvisorySeverity:
    level: Severity
    score: float | None = None
    vector: str | None = None
    source: str = "default"  # "cvss", "database" or "default"


def level_for_score(score: float) -> Severity:
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    if score > 0.0:
        return Severity.LOW
    return Severity.INFO


def cvss_base_score(kind: str, vector: str) -> float | None:
    """The base score of a CVSS vector, or None when the kind is not CVSS or the vector is malformed."""
    cls = _CVSS_CLASSES.get(kind)
    if cls is None:
        return None
    try:
        return float(cls(vector).base_score)
    except (CVSSError, ValueError, KeyError, TypeError, ArithmeticError):
        return None


def advisory_severity(severity: Sequence[Any] | None, database_specific: Any) -> AdvisorySeverity:
    """Severity from an OSV record's `severity[]` list and `database_specific` object."""
    entries = [entry for entry in severity or () if isinstance(entry, Mapping)]
    for kind in _CVSS_PREFERENCE:
        for entry in entries:
            vector = entry.get("score")
            if entry.get("type") != kind or not isinstance(vector, str):
                continue
            score = cvss_base_score(kind, vector)
            if score is not None:
                return AdvisorySeverity(level_for_score(score), score, vector, "cvss")
    if isinstance(database_specific, Mapping):
        word = database_specific.get("severity")
        if isinstance(word, str) and word.strip().upper() in _DATABASE_WORDS:
            return AdvisorySeverity(_DATABASE_WORDS[word.strip().upper()], source="database")
    return AdvisorySeverity(DEFAULT_SEVERITY)
