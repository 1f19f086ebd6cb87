"""Pick a reporter by name. Machine formats return a string; `text` prints to a rich console."""

from __future__ import annotations

from collections.abc import Callable

from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.report.checklist_model import Checklist
from bastion.report.github import render_github
from bastion.report.gitlab import render_gitlab
from bastion.report.json_report import render_json
from bastion.report.junit import render_junit
from bastion.report.options import FORMATS
from bastion.report.sarif import render_sarif

__all__ = ["FORMATS", "render"]


def render(
    result: ScanResult,
    fmt: str,
    *,
    threshold: Severity,
    show_suppressed: bool = False,
    checklist: Checklist | None = None,
) -> str:
    """The report as a string, for the machine formats (json, sarif, html). The HTML report always holds the
    suppressed findings (folded away), and the checklist when one is given."""
    from bastion.report.html import render_html  # here: Jinja and Markdown are for the HTML report alone

    renderers: dict[str, Callable[[], str]] = {
        "json": lambda: render_json(result, threshold=threshold, show_suppressed=show_suppressed),
        "sarif": lambda: render_sarif(result, show_suppressed=show_suppressed),
        "html": lambda: render_html(result, threshold=threshold, checklist=checklist),
        "github": lambda: render_github(result),
        "gitlab": lambda: render_gitlab(result),
        "junit": lambda: render_junit(result),
    }
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return renderers[fmt]()
