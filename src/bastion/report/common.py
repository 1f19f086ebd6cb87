"""Bits every reporter shares: rule lookup, summaries, documentation splitting."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.fix import Applicability
from bastion.core.result import ConfigurationReport, ScanResult
from bastion.core.rule import FAMILIES, Rule, get_rule
from bastion.core.severity import Severity

_HEADING = patterns.compile(r"^##\s+(.+?)\s*$", multiline=True)


def rule_for(code: str) -> type[Rule] | None:
    return get_rule(code)


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(finding.severity for finding in findings)
    return {severity.label: counts.get(severity, 0) for severity in sorted(Severity, reverse=True)}


def family_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(finding.code[:3] for finding in findings)
    return {family: counts[family] for family in FAMILIES if counts.get(family)}


def fix_counts(findings: Iterable[Finding]) -> Counter[Applicability]:
    """How many findings have a fix of each applicability."""
    return Counter(finding.fix.applicability for finding in findings if finding.fix is not None)


def doc_sections(documentation: str) -> dict[str, str]:
    """Split a rule's Markdown doc into its `## Heading` sections."""
    sections: dict[str, str] = {}
    matches = list(_HEADING.finditer(documentation))
    for position, match in enumerate(matches):
        end = matches[position + 1].start() if position + 1 < len(matches) else len(documentation)
        sections[match.group(1)] = documentation[match.end() : end].strip()
    return sections


def first_paragraph(text: str) -> str:
    return text.strip().split("\n\n", 1)[0].replace("\n", " ").strip()


def rule_description(rule: type[Rule]) -> str:
    """A sentence or two saying why the rule matters (the doc's *Why is this bad?*)."""
    sections = doc_sections(rule.documentation())
    return first_paragraph(sections.get("Why is this bad?", "")) or rule.summary


def sorted_findings(findings: Iterable[Finding], order: str) -> list[Finding]:
    """Findings in `--sort` order: `file` (path, line, column), `severity` (most severe first, then file order),
    `rule` (by code, then file order). Every order is total, so reports stay byte-identical run to run."""
    if order == "severity":
        return sorted(findings, key=lambda f: (-int(f.severity), f.sort_key()))
    if order == "rule":
        return sorted(findings, key=lambda f: (f.code, f.sort_key()))
    return sorted(findings, key=Finding.sort_key)


def configuration_dict(result: ScanResult) -> dict[str, Any]:
    """The configuration section of the machine reports (JSON, SARIF properties, HTML, checklist JSON)."""
    report = result.configuration
    if report is None:  # a library caller that built no report: the file is still named
        path = str(result.config_path) if result.config_path is not None else None
        return {"file": path, "origin": "unknown", "user_file": None, "advisories": None, "changes": []}
    return {
        "file": report.file,
        "origin": report.origin,
        "user_file": report.user_file,
        "advisories": report.advisories,
        "changes": [
            {"setting": c.setting, "value": c.value, "effect": c.effect, "source": c.source, "warning": c.warning}
            for c in report.changes
        ],
    }


def configuration_lines(result: ScanResult) -> list[str]:
    """The configuration section of the human reports: the file in effect, what it switched off, the advisories."""
    return report_lines(result.configuration, result.config_path)


def report_lines(report: ConfigurationReport | None, config_path: Path | None = None) -> list[str]:
    if report is None:
        path = str(config_path) if config_path is not None else "none found: defaults"
        return [f"Configuration: {path}"]
    lines = [f"Configuration: {report.headline()}"]
    if report.user_file is not None:
        lines.append(f"  your settings: {report.user_file}")
    for change in report.changes:
        mark = "! " if change.warning else ""
        lines.append(f"  {mark}{change.setting} = {change.value} ({change.source}): {change.effect}")
    lines.append(f"Advisories: {report.advisories}")
    return lines
