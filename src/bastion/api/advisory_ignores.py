"""Advisories the configuration ignores: `[tool.bastion.deps] ignore = [{ id, reason, expires }]` (or `[deps]` in
`bastion.toml`) and `--ignore-vuln ID` on the command line, as pip-audit and safety users expect.

An ignore names one advisory by any of its ids (PYSEC, GHSA, CVE ...: matched against the advisory's id and
aliases, as an advisory id in a suppression comment is) and silences the DEP101 findings of that advisory only,
in every manifest. Ignored findings are not dropped: they are listed as suppressed (SARIF `suppressions` of kind
`external`, with the reason as the justification) and counted in the summary. After its expiry date an ignore
silences nothing and a notice says so; an ignored advisory that a release now fixes gets a notice naming it; an
ignore that matched no advisory of an audit that ran in full is a stale entry, reported as an unused suppression
(BST001, with `--report-unused-suppressions`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bastion.api.suppressing import advisories_of, meta_finding
from bastion.core import patterns
from bastion.core.advisory_ids import same_advisory
from bastion.core.config import AdvisoryIgnore, BastionConfig
from bastion.core.finding import Finding
from bastion.core.notice import Notice, NoticeKind
from bastion.core.result import SuppressedFinding, SuppressionInfo
from bastion.rules.meta.unused_suppression import UnusedSuppression
from bastion.source.discovery import relative_to_root
from bastion.source.files import read_text_file

COMMAND_LINE_REASON = "ignored with --ignore-vuln on the command line"
# Notices that say part of the dependency audit did not run: an ignore may have matched what was not audited.
# A quoted id in the configuration file (`id = "GHSA-..."`), to point a notice or finding at its line.
_QUOTED_WORD = patterns.compile(r"[\"']\s*([A-Za-z0-9][A-Za-z0-9._-]{0,79})\s*[\"']")
_AUDIT_GAPS = frozenset({NoticeKind.AUDIT_SKIPPED, NoticeKind.SERVICE_UNAVAILABLE, NoticeKind.NOT_AUDITED})


@dataclass(frozen=True)
class ConfiguredIgnore:
    """One ignore and where it is written: a line of the configuration file, or the command line."""

    ignore: AdvisoryIgnore
    # The configuration file (relative to the root, or as given when outside it); None for `--ignore-vuln`.
    source: str | None = None
    line: int = 0
    # Whether `source` lies inside the project root (a finding can point at it).
    in_tree: bool = False

    @property
    def id(self) -> str:
        return self.ignore.id

    @property
    def text(self) -> str:
        return f"deps.ignore {self.id}" if self.source is not None else f"--ignore-vuln {self.id}"

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.source is not None else "the command line"

    def names(self, finding: Finding) -> bool:
        return any(same_advisory(self.id, advisory) for advisory in advisories_of(finding))

    def suppression(self) -> SuppressionInfo:
        return SuppressionInfo(self.line, self.text, "external", self.source, self.ignore.reason, self.ignore.expires)


def configured_ignores(
    config: BastionConfig, config_path: Path | None, root: Path, command_line: Sequence[str] = ()
) -> list[ConfiguredIgnore]:
    """The configuration file's ignores (each with its line in the file), then the command line's."""
    ignores: list[ConfiguredIgnore] = []
    entries = config.deps.ignore
    if entries and config_path is not None:
        source = relative_to_root(config_path.resolve(), root.resolve())
        in_tree = not source.startswith("/")
        lines = _quoted_lines(config_path)
        ignores.extend(ConfiguredIgnore(entry, source, lines.get(entry.id.casefold(), 1), in_tree) for entry in entries)
    elif entries:  # validated from a table that came from no file (a library caller)
        ignores.extend(ConfiguredIgnore(entry, "configuration", 0) for entry in entries)
    ignores.extend(ConfiguredIgnore(AdvisoryIgnore(id=text, reason=COMMAND_LINE_REASON)) for text in command_line)
    return ignores


def _quoted_lines(path: Path) -> dict[str, int]:
    """The line each quoted word of the file first appears on, outside comment lines (TOML keeps no positions):
    one pass, however many entries there are."""
    try:
        text = read_text_file(path, follow_symlinks=True, errors="replace")
    except OSError:
        return {}
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        for match in _QUOTED_WORD.finditer(line):
            found.setdefault(match.group(1).strip().casefold(), number)
    return found


def audit_complete(notices: Sequence[Notice]) -> bool:
    """Whether every pinned dependency was audited (no skipped, failed or unaudited part), so that an ignore that
    matched nothing really names an advisory absent from the project."""
    return not any(notice.kind in _AUDIT_GAPS for notice in notices)


@dataclass(frozen=True)
class IgnoreOutcome:
    active: list[Finding]
    ignored: list[SuppressedFinding]
    notices: list[Notice]
    # Live ignores that named no advisory of this scan (stale entries).
    unused: list[ConfiguredIgnore]


# The code of `rules.deps.vulnerable_dependency.VulnerableDependency` (a test holds them equal): that module is not
# imported here, so that a scan without the dependency audit does not load it.
VULNERABLE_DEPENDENCY = "DEP101"


def apply_advisory_ignores(
    findings: Sequence[Finding],
    suppressed: Sequence[Finding],
    ignores: Sequence[ConfiguredIgnore],
    today: dt.date,
) -> IgnoreOutcome:
    """Split `findings` into those still reported and those an ignore silences. `suppressed` are the findings a
    comment already silenced: an ignore naming one of them is in use, not stale."""
    live = [item for item in ignores if not item.ignore.expired(today)]
    expired = [item for item in ignores if item.ignore.expired(today)]
    active: list[Finding] = []
    ignored: list[tuple[ConfiguredIgnore, Finding]] = []
    for finding in findings:
        match = _first(live, finding)
        if match is None:
            active.append(finding)
        else:
            ignored.append((match, finding))
    advisories = [f for f in (*findings, *suppressed) if f.code == VULNERABLE_DEPENDENCY]
    unused = [item for item in live if not any(item.names(finding) for finding in advisories)]
    notices = [_expired_notice(item, active) for item in expired]
    notices.extend(_fixable_notices(ignored))
    listed = [SuppressedFinding(finding, item.suppression()) for item, finding in ignored]
    return IgnoreOutcome(active, listed, notices, unused)


def _first(ignores: Sequence[ConfiguredIgnore], finding: Finding) -> ConfiguredIgnore | None:
    if finding.code != VULNERABLE_DEPENDENCY:
        return None
    return next((item for item in ignores if item.names(finding)), None)


def _expired_notice(item: ConfiguredIgnore, active: Sequence[Finding]) -> Notice:
    again = sum(1 for finding in active if finding.code == VULNERABLE_DEPENDENCY and item.names(finding))
    if again:
        plural = "s" if again != 1 else ""
        effect = f"{item.id} is reported again ({again} finding{plural}): fix it, or renew the ignore with a new date"
    else:
        effect = "it ignores nothing now: remove it, or renew it with a new date"
    where = "" if item.in_tree else f" ({item.where})"  # a notice inside the tree points at the line itself
    message = f"the ignore `{item.text}`{where} expired on {item.ignore.expires}; {effect}"
    return Notice(
        NoticeKind.CONFIG, message, path=item.source if item.in_tree else None, line=item.line if item.in_tree else None
    )


def _fixable_notices(ignored: Sequence[tuple[ConfiguredIgnore, Finding]]) -> list[Notice]:
    """For each ignored advisory of a package version that a release now fixes: one notice, at the first pin."""
    notices: list[Notice] = []
    seen: set[tuple[str, str, str]] = set()
    for item, finding in ignored:
        package, version = str(finding.properties.get("package", "")), str(finding.properties.get("version", ""))
        fix = _smallest_fix_above(version, finding.properties.get("fixed_versions"))
        key = (item.text, package, version)
        if fix is None or key in seen:
            continue
        seen.add(key)
        notices.append(
            Notice(
                NoticeKind.INFO,
                f"{item.id} is ignored but fixed in {fix}: upgrade {package} {version} and remove the ignore "
                f"(`{item.text}`, {item.where})",
                path=finding.location.path,
                line=finding.location.line,
            )
        )
    return notices


def _smallest_fix_above(version: str, fixed: object) -> str | None:
    """The first fixed release after `version`; when none compares (an unparsable version), the first fixed one."""
    if not isinstance(fixed, (list, tuple)) or not fixed:
        return None
    from bastion.deps.versions import parse_version, version_key

    releases = sorted((str(v) for v in fixed), key=version_key)
    current = parse_version(version)
    if current is None:
        return releases[0]
    later = [v for v in releases if (parsed := parse_version(v)) is not None and parsed > current]
    return later[0] if later else None


def unused_ignore_findings(unused: Sequence[ConfiguredIgnore]) -> list[Finding]:
    """BST001 for each stale ignore: at its line in the configuration file, or at the root for the command
    line's (and a file outside the project)."""
    return [
        meta_finding(
            UnusedSuppression,
            item.source if item.in_tree and item.source is not None else ".",
            item.line or 1,
            f"unused advisory ignore `{item.text}` ({item.where}): no audited dependency has {item.id} in this scan",
            item.text,
            fix_hint="remove the stale entry from `[tool.bastion.deps] ignore`"
            if item.source is not None
            else "drop the stale --ignore-vuln",
        )
        for item in unused
    ]
