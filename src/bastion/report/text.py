"""The human report: findings grouped by file, each with its source line, a caret and a fix; then a summary.

Colour only when the console is a terminal; piped output is plain ASCII-safe text in a stable order. Everything
that comes from the scanned tree (paths, messages quoting code, source lines, notices) goes through `visible()`:
no control character from it ever reaches the terminal raw.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rich.console import Console
from rich.text import Text

from bastion.core.finding import Finding
from bastion.core.fix import Applicability
from bastion.core.notice import Notice
from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.report.common import configuration_lines, family_counts, fix_counts, severity_counts
from bastion.report.escape import visible

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def _same(path: str) -> str:
    return path


@dataclass(frozen=True)
class TextLayout:
    """How findings are laid out: grouped under their file (the `file` sort order), or one per line with the
    file in front (any other order); and how a root-relative path is shown (relative to the current directory)."""

    grouped: bool = True
    path: Callable[[str], str] = _same


def render_findings(
    console: Console, result: ScanResult, *, show_suppressed: bool = False, layout: TextLayout = TextLayout()
) -> None:
    findings = result.findings
    if layout.grouped:
        for path, group in itertools.groupby(findings, key=lambda f: f.location.path):
            console.print(Text(visible(layout.path(path)), style="bold underline"))
            for finding in group:
                _render_finding(console, finding, layout)
            console.print()
    elif findings:
        for finding in findings:
            _render_finding(console, finding, layout)
        console.print()
    if show_suppressed and result.suppressed:
        console.print(Text(f"Suppressed ({len(result.suppressed)}):", style="bold"))
        for item in result.suppressed:
            finding = item.finding
            location = finding.location
            line = Text("  ")
            line.append(visible(f"{layout.path(location.path)}:{location.line}:{location.column}"), style="bold")
            line.append(f"  {finding.code}  {visible(finding.message)}  ")
            line.append(f"(by {visible(item.suppression.describe())})", style="dim")
            console.print(line)
        console.print()


# Column widths of a finding's first line: position, code, severity (the longest label, `critical`, is 8).
_POSITION_WIDTH = 8
_SEVERITY_WIDTH = max(len(severity.label) for severity in Severity)
_DETAIL_INDENT = " " * 10


def _render_finding(console: Console, finding: Finding, layout: TextLayout) -> None:
    location = finding.location
    head = Text("  ")
    if layout.grouped:
        head.append(f"{location.line}:{location.column}".ljust(_POSITION_WIDTH - 1) + " ", style="bold")
    else:
        head.append(visible(f"{layout.path(location.path)}:{location.line}:{location.column}") + "  ", style="bold")
    head.append(f"{finding.code}  ", style="bold magenta")
    head.append(finding.severity.label.ljust(_SEVERITY_WIDTH) + "  ", style=SEVERITY_STYLE[finding.severity])
    message = Text(visible(finding.message))
    if finding.confidence.label != "high":
        message.append(f"  ({finding.confidence.label} confidence)", style="dim")
    print_hanging(console, head, message)
    snippet = finding.snippet
    if snippet:
        stripped = snippet.lstrip()
        indent = len(snippet) - len(stripped)
        console.print(Text(_DETAIL_INDENT + "| ", style="blue") + Text(visible(stripped)))
        start = max(location.column - 1 - indent, 0)
        if location.end_line in (None, location.line) and location.end_column:
            width = max(location.end_column - location.column, 1)
        else:
            width = max(len(stripped) - start, 1)
        width = min(width, max(len(stripped) - start, 1))
        # The caret under the same characters once escapes have widened what precedes and what is marked.
        shown_start = len(visible(stripped[:start]))
        shown_width = max(len(visible(stripped[start : start + width])), 1)
        caret = Text(" " * shown_start + "^" * shown_width, style="bold red")
        console.print(Text(_DETAIL_INDENT + "| ", style="blue") + caret)
    for number, step in enumerate(finding.flow, start=1):
        step_head = Text(f"{_DETAIL_INDENT}{number}. ", style="dim")
        step_head.append(visible(f"{layout.path(step.location.path)}:{step.location.line}"), style="bold")
        step_head.append("  ")
        print_hanging(console, step_head, Text(visible(step.message)))
    if finding.fix_hint:
        hint = Text(visible(finding.fix_hint))
        if finding.fix is not None and finding.fix.applicability is not Applicability.DISPLAY_ONLY:
            hint.append(f"  [{_FIX_COMMAND[finding.fix.applicability]}]", style="green")
        print_hanging(console, Text(f"{_DETAIL_INDENT}fix: ", style="green bold"), hint)
    if finding.fix is not None and finding.fix.applicability is Applicability.DISPLAY_ONLY:
        print_hanging(console, Text(f"{_DETAIL_INDENT}do:  ", style="green bold"), Text(visible(finding.fix.message)))


_FIX_COMMAND = {Applicability.SAFE: "bastion fix", Applicability.UNSAFE: "bastion fix --unsafe-fixes"}


def print_hanging(console: Console, head: Text, body: Text) -> None:
    """`head` then `body`; where the console wraps (a terminal), the body's further lines start under its first.
    Piped output is never wrapped: one finding, one line, for grep."""
    if console.soft_wrap:
        console.print(head + body)
        return
    indent = head.cell_len
    width = console.width - indent
    if width < 20:  # too narrow to indent: let the terminal wrap
        console.print(head + body)
        return
    lines = body.wrap(console, width)
    for line in lines:
        line.rstrip()
    console.print(head + lines[0])
    for line in lines[1:]:
        console.print(Text(" " * indent) + line)


def summary_title(result: ScanResult, threshold: Severity) -> Text:
    """One line whose numbers add up: how many findings, by severity, how many of them reach --fail-on (they
    decide the exit code), and how many --min-severity left out."""
    findings = result.findings
    total = len(findings)
    title = Text()
    if total:
        breakdown = ", ".join(f"{count} {label}" for label, count in severity_counts(findings).items())
        failing = len(result.failing(threshold))
        title.append(f"Found {total} finding{'s' if total != 1 else ''}", style="bold")
        title.append(f": {breakdown}; {failing} at or above --fail-on {threshold.label}")
    else:
        title.append("No findings", style="bold green")
    if result.min_severity is not None:
        title.append(f" (--min-severity {result.min_severity.label}: {result.below_min_severity} below it not shown)")
    title.append(".")
    return title


def render_summary(
    console: Console, result: ScanResult, *, threshold: Severity, layout: TextLayout = TextLayout()
) -> None:
    findings = result.findings
    console.print(summary_title(result, threshold))
    families = family_counts(findings)
    if families:
        console.print("By family: " + ", ".join(f"{family} {count}" for family, count in families.items()))
    fixable = fix_counts(findings)
    if fixable[Applicability.SAFE] or fixable[Applicability.UNSAFE]:
        console.print(
            f"Fixable: {fixable[Applicability.SAFE]} with `bastion fix`, "
            f"{fixable[Applicability.UNSAFE]} more with `bastion fix --unsafe-fixes` (see `--diff` first)."
        )
    extra = []
    if result.suppressed:
        ignored = sum(1 for item in result.suppressed if item.suppression.kind == "external")
        by_ignores = f" ({ignored} by advisory ignores)" if ignored else ""
        extra.append(f"{len(result.suppressed)} suppressed{by_ignores}")
    if result.baselined:
        extra.append(f"{len(result.baselined)} accepted by the baseline")
    if result.stale_baseline:
        extra.append(f"{len(result.stale_baseline)} baseline entries no longer match (fixed or moved)")
    if result.held_back:
        extra.append(
            f"{len(result.held_back)} in test, CI, docs or example code held back (--include-tests shows them)"
        )
    console.print(
        f"Scanned {result.files_read} files ({result.lines:,} lines, {result.python_files} Python) "
        f"with {len(result.rules)} rules" + (f"; {'; '.join(extra)}" if extra else "") + "."
    )
    for line in configuration_lines(result):
        console.print(Text(visible(line)))
    # The configuration's warnings were just listed (marked `!`); the other notices follow.
    said = {change.describe() for change in result.configuration.changes} if result.configuration else set()
    _render_notices(console, [notice for notice in result.notices if notice.message not in said], layout)
    if result.incomplete:
        console.print(
            Text(
                "INCOMPLETE: part of the audit could not run (see the findings and notices above); exit code 2.",
                style="bold red",
            )
        )


def _render_notices(console: Console, notices: Sequence[Notice], layout: TextLayout) -> None:
    if not notices:
        return
    console.print(Text(f"Notices ({len(notices)}):", style="bold"))
    for notice in notices:
        style = "bold red" if notice.kind.blocking else "yellow"
        line = Text("  ")
        line.append(f"[{notice.kind.value}] ", style=style)
        shown = notice if notice.path is None else replace(notice, path=layout.path(notice.path))
        line.append(visible(shown.render()))
        console.print(line)
