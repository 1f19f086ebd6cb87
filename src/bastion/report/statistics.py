"""`--statistics`: how many findings each rule made, most first (as ruff's `--statistics`), for a first look at
a long report."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from bastion.core.fix import Applicability
from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.report.common import rule_for


@dataclass(frozen=True)
class RuleCount:
    code: str
    slug: str
    severity: str  # the most severe of the rule's findings
    count: int
    fixable: int  # how many `bastion fix` (with or without --unsafe-fixes) can apply


def rule_counts(result: ScanResult) -> list[RuleCount]:
    counts = Counter(finding.code for finding in result.findings)
    worst: dict[str, Severity] = {}
    fixable: Counter[str] = Counter()
    for finding in result.findings:
        worst[finding.code] = max(worst.get(finding.code, Severity.INFO), finding.severity)
        if finding.fix is not None and finding.fix.applicability is not Applicability.DISPLAY_ONLY:
            fixable[finding.code] += 1
    rows = []
    for code, count in counts.items():
        rule = rule_for(code)
        rows.append(RuleCount(code, rule.slug if rule else "", worst[code].label, count, fixable[code]))
    return sorted(rows, key=lambda row: (-row.count, row.code))


def render_statistics_text(console: Console, result: ScanResult) -> None:
    rows = rule_counts(result)
    if not rows:
        return
    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
    for column in ("count", "code", "severity", "rule", "fixable"):
        table.add_column(column, justify="right" if column in ("count", "fixable") else "left")
    for row in rows:
        table.add_row(str(row.count), row.code, row.severity, row.slug, str(row.fixable) if row.fixable else "")
    console.print(table)
    console.print()


def render_statistics_json(result: ScanResult) -> str:
    rows = [
        {"code": r.code, "slug": r.slug, "severity": r.severity, "count": r.count, "fixable": r.fixable}
        for r in rule_counts(result)
    ]
    return json.dumps(rows, indent=2) + "\n"
