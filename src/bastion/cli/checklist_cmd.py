"""`bastion checklist`: the pre-deployment security checklist, answered for this project with evidence."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from bastion.api.checklist import evaluate_checklist
from bastion.cli.main import handle_errors
from bastion.cli.scan_cmd import run_scan, scan_options
from bastion.core.errors import UsageError
from bastion.core.result import ScanResult
from bastion.report.checklist import (
    render_checklist_json,
    render_checklist_markdown,
    render_checklist_text,
    summary_line,
)

CHECKLIST_FORMATS = ("text", "markdown", "json")
# Scan options that mean nothing for a checklist (it has its own pass/fail and no findings list).
_SCAN_ONLY = {"fail_on": None, "write_baseline": None, "show_suppressed": False, "report_unused_suppressions": False}


@click.command("checklist")
@scan_options
@handle_errors
def checklist_command(paths: tuple[Path, ...], **kwargs: Any) -> None:
    """Answer the pre-deployment security checklist for PATHS (default: the current directory).

    Runs the full scan and prints one line per item: PASS with the evidence (the setting, middleware or decorator
    and its file:line), FAIL with the findings, or UNKNOWN with the reason and how to check by hand. Exit code 1
    when an item fails, 2 when part of the audit could not run (for example the advisory service was unreachable).
    """
    fmt = kwargs.pop("fmt")
    output = kwargs.pop("output")
    for name, default in _SCAN_ONLY.items():
        kwargs.setdefault(name, default)
    kwargs["write_baseline_to"] = kwargs.pop("write_baseline")

    def emit(result: ScanResult) -> int:
        checklist = evaluate_checklist(result)
        terminal = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
        if output is None:
            if fmt == "text":
                render_checklist_text(terminal, checklist)
            else:
                click.echo(_render(checklist, fmt), nl=False)
            return checklist.exit_code
        try:
            with output.open("w", encoding="utf-8") as handle:
                if fmt == "text":
                    render_checklist_text(Console(file=handle, no_color=True, width=140, highlight=False), checklist)
                else:
                    handle.write(_render(checklist, fmt))
        except OSError as error:
            raise UsageError(f"{output}: cannot write the checklist: {error.strerror or error}") from None
        terminal.print(f"{summary_line(checklist)}. Checklist written to {output}.")
        return checklist.exit_code

    sys.exit(run_scan(paths, fmt="text", output=None, keep_facts=True, on_result=emit, **kwargs))


def _render(checklist: Any, fmt: str) -> str:
    return render_checklist_markdown(checklist) if fmt == "markdown" else render_checklist_json(checklist)


def _adapt_options(command: click.Command) -> None:
    """The shared scan options, with the checklist's formats and without the options that only `scan` uses."""
    kept = []
    for parameter in command.params:
        if parameter.name in _SCAN_ONLY:
            continue
        if parameter.name == "fmt" and isinstance(parameter, click.Option):
            parameter.type = click.Choice(CHECKLIST_FORMATS)
            parameter.help = "Checklist format: a table, Markdown (for a pull request or release notes), or JSON."
        kept.append(parameter)
    command.params = kept


_adapt_options(checklist_command)
