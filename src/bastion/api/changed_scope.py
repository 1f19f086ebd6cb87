"""`--diff REF` and `--new-only`: which files a scan analyses, and which of its findings it reports.

With `--diff REF` only the files changed since REF are analysed. The other files of the tree take part where the
result cache already holds their results (their facts are then as cheap as a lookup): a data flow from a changed
file into an unchanged one, or from an unchanged one into a changed one, is found when the unchanged file was
analysed by an earlier scan with the same settings; with a cold cache (or `--no-cache`) only the changed files are
known. What is reported is what concerns the changed files: findings located in them, and data flows with any
step in them. With `--new-only`, only findings on changed lines: a finding whose lines (or, for a data flow, any
of its steps' lines) are among the changed lines. Fingerprints and the baseline are computed before this
narrowing, on everything the scan saw, so they are those of a full scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bastion.core.finding import Finding
from bastion.core.notice import Notice, NoticeKind
from bastion.core.result import BaselineEntry, SuppressedFinding
from bastion.rules.meta.not_analysed import NOT_ANALYSED_PREFIX

if TYPE_CHECKING:
    from bastion.source.changes import ChangeSet

# The location of a finding about the whole scan (nothing analysed, the audit could not run).
SCAN_LEVEL_PATH = "."


@dataclass(frozen=True)
class ChangedScope:
    changes: ChangeSet
    new_only: bool = False

    def analyses(self, rel: str) -> bool:
        return self.changes.touches(rel)

    def reports(self, finding: Finding) -> bool:
        location = finding.location
        if location.path == SCAN_LEVEL_PATH:
            return True
        if finding.code.startswith(NOT_ANALYSED_PREFIX):
            # Not analysed: about the whole file, whichever line it names; never hidden for being on an old line.
            return self.changes.touches(location.path) or finding.properties.get("notice_kind") == (
                NoticeKind.NOTHING_SCANNED.value
            )
        if self.new_only:
            spans = [(location.path, location.line, location.end_line or location.line)]
            spans += [(step.location.path, step.location.line, step.location.line) for step in finding.flow]
            return any(self.changes.touches_lines(path, first, last) for path, first, last in spans)
        return self.changes.touches(location.path) or any(self.changes.touches(s.location.path) for s in finding.flow)

    def findings(self, findings: Sequence[Finding]) -> list[Finding]:
        return [finding for finding in findings if self.reports(finding)]

    def suppressed(self, suppressed: Sequence[SuppressedFinding]) -> list[SuppressedFinding]:
        return [item for item in suppressed if self.reports(item.finding)]

    def notices(self, notices: Sequence[Notice]) -> list[Notice]:
        return [notice for notice in notices if notice.path is None or self.changes.touches(notice.path)]

    def stale_baseline(self, entries: Sequence[BaselineEntry]) -> list[BaselineEntry]:
        """Entries that matched nothing, among those a narrowed scan can judge: in a changed file, and only when
        every finding of that file was looked at (not with `--new-only`)."""
        if self.new_only:
            return []
        return [entry for entry in entries if self.changes.touches(entry.path)]

    def nothing_changed(self) -> Notice:
        short = self.changes.commit[:12]
        return Notice(NoticeKind.INFO, f"no file changed since {self.changes.ref} ({short}): nothing to analyse")
