"""What a scan returns. Defined here, below the reporters, so that every layer can read it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bastion.core.finding import Finding
from bastion.core.notice import Notice
from bastion.core.rule import Rule, get_rule
from bastion.core.severity import Severity


@dataclass(frozen=True)
class SuppressionInfo:
    """What suppressed a finding (for `--show-suppressed` and SARIF `suppressions`): a comment on the finding's
    line (`inSource`), or an entry of the configuration (`external`: `[tool.bastion.deps] ignore`, `--ignore-vuln`),
    which says where it is written, why, and until when."""

    line: int  # the comment's line, or the entry's line in `path` (0: the command line)
    text: str
    kind: str = "inSource"  # SARIF's suppression kinds: "inSource" or "external"
    path: str | None = None  # the configuration file of an external suppression
    reason: str = ""
    expires: dt.date | None = None

    def describe(self) -> str:
        """`# bastion: ignore[...]` on line 3; `[tool.bastion.deps] ignore GHSA-...` in pyproject.toml:12: why."""
        if self.kind == "inSource":
            return f"`{self.text}` on line {self.line}"
        where = f" in {self.path}:{self.line}" if self.path else ""
        until = f" (until {self.expires})" if self.expires is not None else ""
        because = f": {self.reason}" if self.reason else ""
        return f"`{self.text}`{where}{until}{because}"


@dataclass(frozen=True)
class SuppressedFinding:
    finding: Finding
    suppression: SuppressionInfo


@dataclass(frozen=True)
class BaselineEntry:
    fingerprint: str
    code: str
    path: str
    message: str
    reason: str = ""
    expires: dt.date | None = None
    # From a version 1 baseline, whose fingerprints for secrets were plain SHA-256 of the value: such an entry is
    # matched to a secret finding by rule, file and message instead (see api/baseline.py).
    legacy: bool = False

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today


@dataclass(frozen=True)
class ConfigChange:
    """One setting that narrows what the audit looks at or reports, and who set it."""

    setting: str  # "exclude", "select/ignore", "per-file-ignores['tests/**']", "max-file-size", "baseline" ...
    value: str  # as set, shortened for reports
    effect: str  # what it switches off, in words
    source: str  # the configuration file (relative to the root), or "command line"
    # Could blind the audit (whole families off, every file excluded, the size cap lowered): also a notice.
    warning: bool = False

    def describe(self) -> str:
        return f"{self.setting} = {self.value} {self.effect}"


@dataclass(frozen=True)
class ConfigurationReport:
    """What configured the scan, for every report to state (the scanned repository's file may not stay silent)."""

    file: str | None  # the project configuration file in effect, None for none
    origin: str  # "found" (searched up from the path), "--config", "--isolated", "none"
    user_file: str | None  # the user's own configuration file, when one was read
    advisories: str  # where the dependency audit's advisories came from, and who chose it
    changes: tuple[ConfigChange, ...] = ()

    def headline(self) -> str:
        if self.file is not None:
            where = "given with --config" if self.origin == "--config" else "found from the scanned path"
            return f"{self.file} ({where})"
        return "none (--isolated): defaults" if self.origin == "--isolated" else "none found: defaults"


@dataclass
class ScanResult:
    root: Path
    findings: list[Finding]
    suppressed: list[SuppressedFinding]
    baselined: list[Finding]
    stale_baseline: list[BaselineEntry]
    notices: list[Notice]
    rules: list[type[Rule]]
    files_discovered: int
    files_read: int
    python_files: int
    lines: int
    duration: float
    # Findings in test, CI, docs and example code, not reported (the test-path policy; `include-tests` shows them).
    held_back: list[Finding] = field(default_factory=list)
    skipped_by_exclude: int = 0
    skipped_by_gitignore: int = 0
    config_path: Path | None = None
    # The configured `fail-on`: findings at or above it make the exit code 1.
    fail_on: Severity = Severity.LOW
    # `--min-severity`: findings below it were left out of this result (how many, for the summary).
    min_severity: Severity | None = None
    below_min_severity: int = 0
    # Collected facts by collector name, then file path; kept only when ScanOptions.keep_facts asks (checklist).
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    # What configured the scan and what the configuration switched off (None when the caller built no report).
    configuration: ConfigurationReport | None = None

    @property
    def incomplete(self) -> bool:
        """Part of the audit did not run (a service was unreachable, a rule crashed)."""
        if any(notice.kind.blocking for notice in self.notices):
            return True
        return any((rule := get_rule(finding.code)) is not None and rule.marks_incomplete for finding in self.findings)

    def failing(self, threshold: Severity) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity >= threshold]

    def exit_code(self, threshold: Severity) -> int:
        """2 when the audit is incomplete, 1 when findings reach the threshold, else 0."""
        if self.incomplete:
            return 2
        return 1 if self.failing(threshold) else 0
