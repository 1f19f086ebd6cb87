"""`bastion fix`: apply the fixes of the findings (safe ones unless `--unsafe-fixes`), or show them (`--diff`)."""

from __future__ import annotations

import difflib
import sys
from collections import Counter
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from bastion.api.fixing import FixReport, fix
from bastion.api.request import ScanRequest
from bastion.cli.console import stdout_console
from bastion.cli.errors import handle_errors
from bastion.cli.options import (
    ADVISORIES,
    BASELINE,
    CONFIGURATION,
    FAIL_ON,
    PATHS,
    PROGRESS,
    SELECTION,
    combine,
    request_from,
)
from bastion.cli.running import progress_bar
from bastion.core.fix import Applicability
from bastion.core.severity import Severity
from bastion.fix.engine import FixSettings
from bastion.secrets.scrub import scrub_lines

# What `bastion fix` shares with `bastion scan`: which files and rules, the configuration, the advisories.
FIX_OPTIONS = combine(PATHS, SELECTION, FAIL_ON, CONFIGURATION, BASELINE, PROGRESS, ADVISORIES)
DIFF = click.option("--diff", "show_diff", is_flag=True, help="Print the changes as a unified diff; change no file.")


@click.command("fix")
@FIX_OPTIONS
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="Also apply fixes that change behaviour (each rule's 'Fix safety' says how); read the diff first.",
)
@DIFF
@handle_errors
def fix_command(unsafe_fixes: bool, show_diff: bool, **params: Any) -> None:
    """Fix the findings in PATHS (default: the current directory) that have an automatic fix.

    Safe fixes only, unless --unsafe-fixes. Fixes are applied, the code scanned again and fixed again until
    nothing changes; a fix whose result does not parse, does not resolve its finding or adds another is dropped
    with a notice. Exit 0 when no finding at or above --fail-on is left, 1 otherwise, 2 when a changed file could
    not be written (it changed meanwhile); with --diff, exit 1 when there are changes to make.
    """
    applicability = Applicability.UNSAFE if unsafe_fixes else Applicability.SAFE
    sys.exit(fix_and_report(request_from(params), FixSettings(applicability=applicability), show_diff=show_diff))


def fix_and_report(request: ScanRequest, settings: FixSettings, *, show_diff: bool) -> int:
    """Fix (or, with `show_diff`, print the diff of the fixes), print the summary, return the exit code."""
    with progress_bar(request) as progress:
        report = fix(request, settings, write=not show_diff, progress=progress)
    threshold = report.result.fail_on
    if show_diff:
        click.echo(render_diff(report), nl=False)
        render_fix_summary(Console(stderr=True, highlight=False, soft_wrap=True), report, threshold=threshold)
        if report.result.incomplete:
            return 2
        return 1 if report.outcome.changed else 0
    render_fix_summary(stdout_console(highlight=False, soft_wrap=not sys.stdout.isatty()), report, threshold=threshold)
    # A file that could not be written still holds what the summary counts as fixed: the run did not complete.
    return 2 if report.not_written else report.result.exit_code(threshold)


def render_diff(report: FixReport) -> str:
    """The changes as one unified diff, file by file (`a/` and `b/` paths, as git prints them)."""
    outcome = report.outcome
    chunks: list[str] = []
    for rel in outcome.changed:
        # The lines around an edit may hold a secret (a token beside the request a timeout is added to).
        before = _redacted(outcome.files[rel].text.splitlines(keepends=True), rel)
        after = _redacted(outcome.texts[rel].splitlines(keepends=True), rel)
        for line in difflib.unified_diff(before, after, fromfile=f"a/{rel}", tofile=f"b/{rel}"):
            chunks.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)


def _redacted(lines: list[str], path: str) -> list[str]:
    bodies = [line.rstrip("\r\n") for line in lines]
    cleaned = scrub_lines(bodies, path)
    return [clean + line[len(body) :] for clean, body, line in zip(cleaned, bodies, lines, strict=True)]


def render_fix_summary(console: Console, report: FixReport, *, threshold: Severity) -> None:
    outcome = report.outcome
    verb = "Fixed" if report.written else "Would fix"
    files = len(report.changed)
    if outcome.applied:
        console.print(
            Text(f"{verb} {len(outcome.applied)} finding(s) in {files} file(s):", style="bold")
            if files
            else Text(f"{verb} {len(outcome.applied)} finding(s):", style="bold")
        )
        # One line per edit: a pin raised once can fix several advisories (several findings).
        grouped = Counter((a.path, a.line, a.code, a.message, a.applicability.value) for a in outcome.applied)
        for (path, line, code, message, applicability), count in sorted(grouped.items()):
            several = f" ({count} findings)" if count > 1 else ""
            console.print(Text(f"  {path}:{line}  {code}  {message}{several}  [{applicability}]"))
    else:
        console.print(Text("Nothing to fix automatically.", style="bold"))
    if outcome.dropped:
        console.print(Text(f"Dropped {len(outcome.dropped)} fix(es):", style="bold yellow"))
        for dropped in outcome.dropped:
            console.print(Text(f"  {dropped.path}:{dropped.line}  {dropped.code}  {dropped.message}: {dropped.reason}"))
    for rel, reason in sorted({**outcome.unreadable, **report.not_written}.items()):
        console.print(Text(f"  {rel}: not edited: {reason}", style="yellow"))
    if not outcome.converged:
        console.print(Text(f"Stopped after {outcome.rounds} rounds with fixes still to apply; run bastion fix again."))
    _render_left(console, report, threshold)


def _render_left(console: Console, report: FixReport, threshold: Severity) -> None:
    findings = report.result.findings
    by_hand = sorted(
        {
            (finding.location.path, finding.fix.message)
            for finding in findings
            if finding.fix is not None and finding.fix.applicability is Applicability.DISPLAY_ONLY
        }
    )
    if by_hand:
        console.print(Text("To do by hand:", style="bold"))
        for path, message in by_hand:
            console.print(Text(f"  {path}: {message}"))
    if not findings:
        console.print(Text("No findings left.", style="bold green"))
        return
    kinds: Counter[str] = Counter()
    for finding in findings:
        kinds[finding.fix.applicability.value if finding.fix is not None else "none"] += 1
    parts = []
    if kinds["safe"]:
        parts.append(f"{kinds['safe']} with a safe fix not applied (it overlapped another or was dropped)")
    if kinds["unsafe"]:
        parts.append(f"{kinds['unsafe']} with an unsafe fix (apply with --unsafe-fixes, after reading the diff)")
    if kinds["display-only"]:
        parts.append(f"{kinds['display-only']} with a change to make by hand (`bastion scan` shows it)")
    if kinds["none"]:
        parts.append(f"{kinds['none']} without an automatic fix")
    console.print(Text(f"Left: {len(findings)} finding(s): " + "; ".join(parts) + "."))
    failing = len(report.result.failing(threshold))
    if failing:
        console.print(Text(f"{failing} finding(s) at or above '{threshold.label}' left.", style="bold"))
