"""Show a result the way the request asks: the report on stdout or in a file, the summary on the terminal."""

from __future__ import annotations

import os
import posixpath
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.text import Text

from bastion.cli.console import stdout_console
from bastion.core.atomic_write import atomic_writer
from bastion.core.errors import UsageError
from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.report.common import sorted_findings
from bastion.report.escape import visible
from bastion.report.options import ReportOptions
from bastion.report.text import TextLayout, render_findings, render_summary

if TYPE_CHECKING:
    from bastion.report.checklist_model import Checklist


def emit(
    result: ScanResult, options: ReportOptions, *, threshold: Severity, checklist: Checklist | None = None
) -> None:
    """Print the report, or write it to `options.output` and print the summary (not with --quiet)."""
    result = replace(result, findings=sorted_findings(result.findings, options.sort))
    layout = TextLayout(grouped=options.sort == "file", path=relative_to_cwd(result.root))
    terminal = stdout_console(highlight=False, soft_wrap=not sys.stdout.isatty())
    if options.fmt == "text":

        def write_text(console: Console) -> None:
            if options.statistics:
                from bastion.report.statistics import render_statistics_text

                render_statistics_text(console, result)
            else:
                render_findings(console, result, show_suppressed=options.show_suppressed, layout=layout)

        if options.output is None:
            write_text(terminal)
            if not options.quiet:
                render_summary(terminal, result, threshold=threshold, layout=layout)
        else:
            with open_output(options.output) as handle:
                file_console = Console(file=handle, highlight=False, no_color=True, width=110, soft_wrap=True)
                write_text(file_console)
                render_summary(file_console, result, threshold=threshold, layout=layout)
            _written(terminal, result, threshold, layout, options, "Report")
    else:
        if options.statistics:
            from bastion.report.statistics import render_statistics_json

            text = render_statistics_json(result)
        else:
            from bastion.report.formats import render  # here: the machine formats' modules load only for them

            text = render(
                result, options.fmt, threshold=threshold, show_suppressed=options.show_suppressed, checklist=checklist
            )
        if options.output is None:
            click.echo(text, nl=False)
        else:
            with open_output(options.output) as handle:
                handle.write(text)
            _written(terminal, result, threshold, layout, options, f"{options.fmt.upper()} report")
    if options.verbose:
        _explain(result)


def _written(
    terminal: Console, result: ScanResult, threshold: Severity, layout: TextLayout, options: ReportOptions, what: str
) -> None:
    if options.quiet:
        return
    render_summary(terminal, result, threshold=threshold, layout=layout)
    terminal.print(Text(f"{what} written to {visible(str(options.output))}."))


def _explain(result: ScanResult) -> None:
    """--verbose: what ran, on stderr (the report on stdout stays byte-identical run to run)."""
    families = ", ".join(sorted({rule.family() for rule in result.rules}))
    lines = [
        f"configuration: {result.config_path or '(none found: defaults)'}",
        f"project root: {result.root}",
        f"rules: {len(result.rules)} ({families})",
        f"files: {result.files_read} analysed of {result.files_discovered} found; {result.skipped_by_exclude} "
        f"excluded, {result.skipped_by_gitignore} ignored by .gitignore; {result.lines:,} lines",
        f"time: {result.duration:.2f} s",
    ]
    for line in lines:
        click.echo(f"bastion: {visible(line)}", err=True)


def relative_to_cwd(root: Path) -> Callable[[str], str]:
    """Root-relative report paths as the user can click them: relative to the current directory (as ruff prints
    them); absolute when there is no relative path (another drive)."""
    try:
        prefix = Path(os.path.relpath(root, Path.cwd())).as_posix()
    except (ValueError, OSError):
        return lambda path: (root / path).as_posix()
    if prefix == ".":
        return lambda path: path
    return lambda path: posixpath.normpath(f"{prefix}/{path}")


@contextmanager
def open_output(path: Path, what: str = "the report") -> Iterator[Any]:
    """A handle on a new version of `path`, which replaces the old one only once everything is written: an error
    half-way leaves the previous file as it was (and a symlink at `path` is replaced, not written through)."""
    try:
        with atomic_writer(path) as handle:
            yield handle
    except OSError as error:
        raise UsageError(f"{path}: cannot write {what}: {error.strerror or error}") from None
