"""Pick a reporter by name. Machine formats return a string; `text` prints to a rich console."""

from __future__ import annotations

from collections.abc import Callable

from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.report.html import render_html
from bastion.report.json_report import render_json
from bastion.report.sarif import render_sarif

FORMATS = ("text", "json", "sarif", "html")


def render(result: ScanResult, fmt: str, *, threshold: Severity, show_suppressed: bool = False) -> str:
    """The report as a string, for the machine formats (json, sarif, html)."""
    renderers: dict[str, Callable[[], str]] = {
        "json": lambda: render_json(result, threshold=threshold, show_suppressed=show_suppressed),
        "sarif": lambda: render_sarif(result, show_suppressed=show_suppressed),
        "html": lambda: render_html(result, threshold=threshold, show_suppressed=show_suppressed),
    }
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return renderers[fmt]()
