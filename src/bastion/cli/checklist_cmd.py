"""`bastion checklist`: the pre-deployment security checklist, answered for this project with evidence."""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from bastion.api.checklist import evaluate_checklist
from bastion.cli.console import stdout_console
from bastion.cli.emitting import open_output
from bastion.cli.errors import handle_errors
from bastion.cli.options import (
    ADVISORIES,
    BASELINE,
    CONFIGURATION,
    OUTPUT,
    PATHS,
    PROGRESS,
    SELECTION,
    combine,
    format_option,
    request_from,
)
from bastion.cli.running import run_with_progress
from bastion.report.checklist import (
    render_checklist_json,
    render_checklist_markdown,
    render_checklist_text,
    summary_line,
)
from bastion.report.checklist_model import Checklist
from bastion.report.escape import visible
from bastion.report.html import render_checklist_html

CHECKLIST_FORMATS = ("text", "markdown", "json", "html")

# The scan options minus those that mean nothing for a checklist (it has its own pass/fail, no findings list).
CHECKLIST_OPTIONS = combine(
    PATHS,
    format_option(
        CHECKLIST_FORMATS,
        "Checklist format: a table, Markdown (for a pull request or release notes), JSON, or a self-contained "
        "HTML page.",
    ),
    OUTPUT,
    SELECTION,
    CONFIGURATION,
    BASELINE,
    PROGRESS,
    ADVISORIES,
)


@click.command("checklist")
@CHECKLIST_OPTIONS
@handle_errors
def checklist_command(**params: Any) -> None:
    """Answer the pre-deployment security checklist for PATHS (default: the current directory).

    Runs the full scan and prints one line per item: PASS with the evidence (the setting, middleware or decorator
    and its file:line), FAIL with the findings, or UNKNOWN with the reason and how to check by hand. Exit code 1
    when an item fails, 2 when part of the audit could not run (for example the advisory service was unreachable).
    """
    request = request_from(params, keep_facts=True)
    checklist = evaluate_checklist(run_with_progress(request))
    fmt, output = request.report.fmt, request.report.output
    if output is None:
        if fmt == "text":
            render_checklist_text(
                stdout_console(highlight=False, width=None if sys.stdout.isatty() else 140), checklist
            )
        else:
            click.echo(_render(checklist, fmt), nl=False)
        sys.exit(checklist.exit_code)
    with open_output(output, "the checklist") as handle:
        if fmt == "text":
            render_checklist_text(Console(file=handle, no_color=True, width=140, highlight=False), checklist)
        else:
            handle.write(_render(checklist, fmt))
    stdout_console(highlight=False).print(
        Text(f"{summary_line(checklist)}. Checklist written to {visible(str(output))}.")
    )
    sys.exit(checklist.exit_code)


def _render(checklist: Checklist, fmt: str) -> str:
    renderers = {"markdown": render_checklist_markdown, "json": render_checklist_json, "html": render_checklist_html}
    return renderers[fmt](checklist)
