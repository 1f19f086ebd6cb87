"""The pre-deployment checklist as data: what `bastion checklist` decided, item by item, and why.

Defined here, under the renderers that print it and above the scan result it is built from
(`bastion.api.checklist` fills it in).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import Enum

from bastion.core.finding import Finding
from bastion.core.result import ScanResult


class ItemStatus(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return self.value.upper()


@dataclass(frozen=True)
class ChecklistEvidence:
    """One piece of evidence: a place in a file (or none, for a statement about the scan) and what it shows."""

    text: str
    path: str | None = None
    line: int | None = None

    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    title: str
    status: ItemStatus
    evidence: tuple[ChecklistEvidence, ...] = ()
    findings: tuple[Finding, ...] = ()
    # Why the item could not be decided, and how to check it by hand.
    reasons: tuple[str, ...] = ()
    verify: str = ""
    # What decided the status: the most severe failing finding, the first evidence, or the first reason.
    decided_by: str = ""
    # The rule codes and families whose findings decide the item.
    rules: tuple[str, ...] = ()
    families: tuple[str, ...] = ()


@dataclass(frozen=True)
class Checklist:
    items: tuple[ChecklistItem, ...]
    result: ScanResult

    def counts(self) -> dict[str, int]:
        counted = Counter(item.status for item in self.items)
        return {status.value: counted.get(status, 0) for status in ItemStatus}

    @property
    def exit_code(self) -> int:
        """2 when the audit is incomplete (as for `bastion scan`), 1 when an item fails, else 0."""
        if self.result.incomplete:
            return 2
        return 1 if any(item.status is ItemStatus.FAIL for item in self.items) else 0
