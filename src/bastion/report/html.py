"""The HTML report: one self-contained page that a browser opens with no network, and that the scanned project
cannot script.

- Autoescaping is on, and every value from the project goes through it (file names, messages, code lines, notices);
  the page carries no inline data for a script to parse, only escaped text and attributes.
- A Content-Security-Policy meta tag allows nothing (`default-src 'none'`) but the page's own style sheet and
  script, each by its SHA-256 hash: a tag smuggled in by the project could not run or load anything even if it got
  through the escaping.
- Paths are relative to the project root; the root is named by its folder name only.
- Without JavaScript every finding is listed (grouped by file) and folds open natively; the script adds filters,
  search, sorting and grouping, and opens the fold a deep link (`#finding-<fingerprint>`) points into.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from bastion import __version__
from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.report.checklist import summary_line
from bastion.report.checklist_model import Checklist
from bastion.report.common import configuration_dict
from bastion.report.html_chart import family_chart
from bastion.report.html_view import RootStripper, build_view, notice_views, project_name
from bastion.report.markup import markdown_html, markdown_inline_html, message_html

# Lines shown before and after a finding, when the scan is asked for excerpts for this report.
EXCERPT_LINES = 2


def _asset(name: str) -> str:
    return resources.files("bastion.report").joinpath(name).read_text("utf-8")


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline script or style sheet."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(*, style: str, script: str | None) -> str:
    """Nothing by default; the page's own style and script by hash; no base URL, no form submission, no frames."""
    script_source = csp_hash(script) if script is not None else "'none'"
    return (
        f"default-src 'none'; style-src {csp_hash(style)}; script-src {script_source}; "
        "base-uri 'none'; form-action 'none'"
    )


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("bastion.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["message"] = message_html
    environment.filters["markdown"] = markdown_html
    environment.filters["markdown_inline"] = markdown_inline_html
    return environment


def _page(template: str, **context: Any) -> str:
    style = _asset("static/report.css")
    script = _asset("static/report.js") if context.get("interactive") else None
    return (
        _environment()
        .get_template(template)
        .render(
            version=__version__,
            csp=content_security_policy(style=style, script=script),
            style=Markup(style),
            script=Markup(script) if script is not None else None,
            **context,
        )
    )


def render_html(result: ScanResult, *, threshold: Severity, checklist: Checklist | None = None) -> str:
    """The scan's report; with `checklist`, the checklist's verdicts too. Suppressed and baselined findings are
    always in the page, folded away and not counted."""
    strip = RootStripper(result.root)
    view = build_view(result, strip=strip)
    severity_counts = Counter(finding.severity for finding in result.findings)
    return _page(
        "report.html.jinja",
        interactive=True,
        project=view.project,
        result=result,
        view=view,
        threshold=threshold.label,
        failing=len(result.failing(threshold)),
        severity_counts=[(s.label, severity_counts.get(s, 0)) for s in sorted(Severity, reverse=True)],
        chart=family_chart(result.findings),
        checklist=checklist,
        checklist_summary=summary_line(checklist) if checklist is not None else "",
        linked={v.finding.fingerprint for v in view.active if v.finding.fingerprint},
        strip=strip,
        configuration=configuration_dict(result),
    )


def render_checklist_html(checklist: Checklist) -> str:
    """`bastion checklist --format html`: the checklist alone, with the notices that make it incomplete."""
    result = checklist.result
    strip = RootStripper(result.root)
    return _page(
        "checklist.html.jinja",
        interactive=False,
        project=project_name(result.root),
        result=result,
        checklist=checklist,
        checklist_summary=summary_line(checklist),
        notices=notice_views(result.notices, strip),
        linked=set(),
        strip=strip,
        configuration=configuration_dict(result),
    )
