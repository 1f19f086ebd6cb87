"""Run a request with a progress bar on a terminal, then show the result the way the request asks."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from bastion.api import ScanRequest, ScanResult, run
from bastion.api.checklist import evaluate_checklist
from bastion.cli.console import stdout_console
from bastion.core.atomic_write import atomic_writer
from bastion.core.errors import UsageError
from bastion.core.severity import Severity
from bastion.report import render
from bastion.report.checklist_model import Checklist
from bastion.report.escape import visible
from bastion.report.html import EXCERPT_LINES
from bastion.report.options import ReportOptions
from bastion.report.text import render_findings, render_summary


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    if not enabled:
        yield None
        return
    console = Console(stderr=True)
    with Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("scan", total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def progress_bar(request: ScanRequest) -> AbstractContextManager[Callable[[int, int], None] | None]:
    """A progress callback drawing on stderr when it is a terminal and the request does not forbid it."""
    return _progress(not request.report.no_progress and sys.stderr.isatty())


def run_with_progress(request: ScanRequest) -> ScanResult:
    """`api.run`, with a progress bar on stderr when it is a terminal and the request does not forbid it."""
    with progress_bar(request) as progress:
        return run(request, progress=progress)


def scan_and_report(request: ScanRequest) -> int:
    """Run the request, show the result (or say the baseline was written), and return the exit code."""
    if request.report.fmt == "html":
        # The HTML report shows the code around each finding, and the checklist (which reads the facts).
        request = replace(request, keep_facts=True, excerpt_lines=EXCERPT_LINES)
    result = run_with_progress(request)
    threshold = result.fail_on
    if request.write_baseline is not None:
        click.echo(f"Wrote {len(result.findings)} finding(s) to the baseline {visible(str(request.write_baseline))}.")
        return 2 if result.incomplete else 0
    checklist = evaluate_checklist(result) if request.report.fmt == "html" and _has_checklist_data(result) else None
    emit(result, request.report, threshold=threshold, checklist=checklist)
    return result.exit_code(threshold)


def _has_checklist_data(result: ScanResult) -> bool:
    """Whether the scan ran the configuration rules, whose facts give the checklist its evidence (a per-family
    command such as `bastion secrets` does not, and its report has no checklist)."""
    return any(rule.family() == "CFG" for rule in result.rules)


def emit(
    result: ScanResult, options: ReportOptions, *, threshold: Severity, checklist: Checklist | None = None
) -> None:
    """Print the report, or write it to `options.output` and print the summary."""
    terminal = stdout_console(highlight=False, soft_wrap=not sys.stdout.isatty())
    fmt, output, show_suppressed = options.fmt, options.output, options.show_suppressed
    if fmt == "text":
        if output is None:
            render_findings(terminal, result, show_suppressed=show_suppressed)
            render_summary(terminal, result, threshold=threshold)
            return
        with open_output(output) as handle:
            file_console = Console(file=handle, highlight=False, no_color=True, width=110, soft_wrap=True)
            render_findings(file_console, result, show_suppressed=show_suppressed)
            render_summary(file_console, result, threshold=threshold)
        render_summary(terminal, result, threshold=threshold)
        terminal.print(Text(f"Report written to {visible(str(output))}."))
        return
    text = render(result, fmt, threshold=threshold, show_suppressed=show_suppressed, checklist=checklist)
    if output is None:
        click.echo(text, nl=False)
        return
    with open_output(output) as handle:
        handle.write(text)
    render_summary(terminal, result, threshold=threshold)
    terminal.print(Text(f"{fmt.upper()} report written to {visible(str(output))}."))


@contextmanager
def open_output(path: Path, what: str = "the report") -> Iterator[Any]:
    """A handle on a new version of `path`, which replaces the old one only once everything is written: an error
    half-way leaves the previous file as it was (and a symlink at `path` is replaced, not written through)."""
    try:
        with atomic_writer(path) as handle:
            yield handle
    except OSError as error:
        raise UsageError(f"{path}: cannot write {what}: {error.strerror or error}") from None
