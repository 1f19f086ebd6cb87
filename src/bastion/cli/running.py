"""Run a request with a progress bar on a terminal, then show the result the way the request asks."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace

import click
from rich.console import Console

from bastion.api import ScanRequest, ScanResult, run
from bastion.cli.emitting import emit
from bastion.report.escape import visible


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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
    report = request.report
    return _progress(not report.no_progress and not report.quiet and sys.stderr.isatty())


def run_with_progress(request: ScanRequest) -> ScanResult:
    """`api.run`, with a progress bar on stderr when it is a terminal and the request does not forbid it."""
    with progress_bar(request) as progress:
        return run(request, progress=progress)


def scan_and_report(request: ScanRequest) -> int:
    """Run the request, show the result (or say the baseline was written), and return the exit code."""
    html = request.report.fmt == "html"
    if html:
        from bastion.report.html import EXCERPT_LINES  # here: the HTML report's modules load only for it

        # The HTML report shows the code around each finding, and the checklist (which reads the facts).
        request = replace(request, keep_facts=True, excerpt_lines=EXCERPT_LINES)
    result = run_with_progress(request)
    threshold = result.fail_on
    if request.write_baseline is not None:
        click.echo(f"Wrote {len(result.findings)} finding(s) to the baseline {visible(str(request.write_baseline))}.")
        return 2 if result.incomplete else 0
    checklist = None
    if html and _has_checklist_data(result):
        from bastion.api.checklist import evaluate_checklist

        checklist = evaluate_checklist(result)
    emit(result, request.report, threshold=threshold, checklist=checklist)
    code = result.exit_code(threshold)
    # --exit-zero: findings never fail the command; an incomplete audit (2) still does.
    return 0 if code == 1 and request.report.exit_zero else code


def _has_checklist_data(result: ScanResult) -> bool:
    """Whether the scan ran the configuration rules, whose facts give the checklist its evidence (a per-family
    command such as `bastion secrets` does not, and its report has no checklist)."""
    return any(rule.family() == "CFG" for rule in result.rules)
