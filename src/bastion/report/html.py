"""A single self-contained HTML page, rendered with autoescaping on (messages and snippets are untrusted text)."""

from __future__ import annotations

from importlib import resources

import jinja2

from bastion import __version__
from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.report.json_report import report_dict


def render_html(result: ScanResult, *, threshold: Severity, show_suppressed: bool = False) -> str:
    template_text = resources.files("bastion.report").joinpath("templates/report.html.jinja").read_text("utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    data = report_dict(result, threshold=threshold, show_suppressed=show_suppressed)
    return environment.from_string(template_text).render(version=__version__, **data)
