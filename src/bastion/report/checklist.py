"""The checklist's three renderings: a table for the terminal, Markdown for a pull request or a release, JSON."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bastion import __version__
from bastion.core.finding import Finding
from bastion.core.notice import Notice, NoticeKind
from bastion.report.checklist_model import Checklist, ChecklistEvidence, ChecklistItem, ItemStatus
from bastion.report.common import configuration_dict, configuration_lines
from bastion.report.escape import markdown_code, markdown_text, visible

CHECKLIST_SCHEMA_VERSION = 1
_SHOWN = 4
_STYLE = {ItemStatus.PASS: "bold green", ItemStatus.FAIL: "bold red", ItemStatus.UNKNOWN: "bold yellow"}
_MARK = {ItemStatus.PASS: "✅", ItemStatus.FAIL: "❌", ItemStatus.UNKNOWN: "❔"}


def _evidence_line(evidence: ChecklistEvidence) -> str:
    where = evidence.where()
    return f"{where}  {evidence.text}" if where else evidence.text


def _finding_line(finding: Finding) -> str:
    location = finding.location
    return f"{finding.code} {location.path}:{location.line}  {finding.message}"


def item_lines(item: ChecklistItem, limit: int | None = _SHOWN) -> list[str]:
    """What the item shows: findings for FAIL, evidence for PASS, reasons and a manual check for UNKNOWN."""
    if item.status is ItemStatus.FAIL:
        lines = [_finding_line(finding) for finding in item.findings]
    elif item.status is ItemStatus.PASS:
        lines = [_evidence_line(evidence) for evidence in item.evidence]
    else:
        lines = list(item.reasons)
    # The line that decided the status comes first (findings are ordered most severe first).
    if limit is not None and len(lines) > limit:
        lines = [*lines[:limit], f"… and {len(lines) - limit} more"]
    if item.status is ItemStatus.UNKNOWN and item.verify:
        lines.append(f"verify by hand: {item.verify}")
    return lines


def summary_line(checklist: Checklist) -> str:
    counts = checklist.counts()
    return f"{counts['pass']} pass, {counts['fail']} fail, {counts['unknown']} unknown ({len(checklist.items)} items)"


def render_checklist_text(console: Console, checklist: Checklist) -> None:
    table = Table(title="Pre-deployment security checklist", show_lines=True, header_style="bold", expand=False)
    table.add_column("status", no_wrap=True)
    table.add_column("item", overflow="fold", max_width=34)
    table.add_column("evidence, findings or how to verify", overflow="fold")
    for item in checklist.items:
        # Text cells, not strings: a string cell is read as rich markup, and the lines quote the scanned tree.
        table.add_row(
            Text(item.status.label, style=_STYLE[item.status]),
            Text(item.title),
            Text("\n".join(visible(line) for line in item_lines(item))),
        )
    console.print(table)
    console.print(Text(summary_line(checklist), style="bold"))
    for line in configuration_lines(checklist.result):
        console.print(Text(visible(line)))
    for notice in _configuration_notices(checklist):
        console.print(Text(f"  [{notice.kind.value}] {visible(notice.render())}", style="yellow"))
    if checklist.result.incomplete:
        console.print(
            Text("INCOMPLETE: part of the audit could not run (see the notices); exit code 2.", style="bold red")
        )
        for notice in checklist.result.notices:
            if notice.kind.blocking:
                console.print(Text(f"  [{notice.kind.value}] {visible(notice.render())}"))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_checklist_markdown(checklist: Checklist) -> str:
    lines = [
        "## Pre-deployment security checklist",
        "",
        f"Answered by bastion {__version__} from the source: {summary_line(checklist)}.",
        "",
        "| Status | Item | Evidence, findings or how to verify |",
        "| --- | --- | --- |",
    ]
    for item in checklist.items:
        details = "<br>".join(_code_places(line) for line in item_lines(item))
        lines.append(f"| {_MARK[item.status]} {item.status.label} | {_cell(item.title)} | {details} |")
    if checklist.result.incomplete:
        lines.extend(["", "**Incomplete:** part of the audit could not run; the notices say which."])
    lines.extend(["", "### Configuration", ""])
    lines.extend(f"- {markdown_text(line.strip())}" for line in configuration_lines(checklist.result))
    lines.extend(f"- **Warning:** {markdown_text(notice.render())}" for notice in _configuration_notices(checklist))
    return "\n".join(lines) + "\n"


def _configuration_notices(checklist: Checklist) -> list[Notice]:
    """What the configuration switched off that could blind the checklist (every format shows them)."""
    return [notice for notice in checklist.result.notices if notice.kind is NoticeKind.CONFIG]


def _code_places(line: str) -> str:
    """Put the leading `path:line` (or finding code and place) in code spans, as a reviewer scans for them. The
    line quotes the scanned tree (file names, messages): neither part can close its span, break out of the table
    cell or add a row."""
    head, separator, rest = line.partition("  ")
    if separator and (":" in head or head[:3].isupper()):
        return f"{markdown_code(head)} {markdown_text(rest)}"
    return markdown_text(line)


def checklist_dict(checklist: Checklist) -> dict[str, Any]:
    result = checklist.result
    return {
        "schema_version": CHECKLIST_SCHEMA_VERSION,
        "tool": {"name": "bastion", "version": __version__},
        "root": str(result.root),
        "summary": {**checklist.counts(), "incomplete": result.incomplete, "exit_code": checklist.exit_code},
        "items": [
            {
                "id": item.id,
                "title": item.title,
                "status": item.status.value,
                "evidence": [{"path": e.path, "line": e.line, "text": e.text} for e in item.evidence],
                "findings": [
                    {
                        "code": f.code,
                        "path": f.location.path,
                        "line": f.location.line,
                        "column": f.location.column,
                        "severity": f.severity.label,
                        "confidence": f.confidence.label,
                        "message": f.message,
                    }
                    for f in item.findings
                ],
                "reasons": list(item.reasons),
                "verify": item.verify,
                "decided_by": item.decided_by,
                "rules": list(item.rules),
                "families": list(item.families),
            }
            for item in checklist.items
        ],
        "notices": [
            {"kind": notice.kind.value, "path": notice.path, "line": notice.line, "message": notice.message}
            for notice in result.notices
            if notice.kind.blocking or notice.kind is NoticeKind.CONFIG
        ],
        "configuration": configuration_dict(result),
    }


def render_checklist_json(checklist: Checklist) -> str:
    return json.dumps(checklist_dict(checklist), indent=2, ensure_ascii=False) + "\n"
