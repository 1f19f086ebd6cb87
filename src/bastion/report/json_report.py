"""The JSON report. Its shape is versioned (`schema_version`) and described by `schemas/report-v2.json`."""

from __future__ import annotations

import json
from typing import Any

from bastion import __version__
from bastion.core.finding import Finding
from bastion.core.fix import Fix
from bastion.core.notice import Notice
from bastion.core.result import ScanResult, SuppressionInfo
from bastion.core.severity import Severity
from bastion.report.common import configuration_dict, family_counts, rule_for, severity_counts

SCHEMA_VERSION = 2


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    rule = rule_for(finding.code)
    location = finding.location
    return {
        "code": finding.code,
        "slug": rule.slug if rule else "",
        "family": finding.code[:3],
        "severity": finding.severity.label,
        "confidence": finding.confidence.label,
        "message": finding.message,
        "path": location.path,
        "line": location.line,
        "column": location.column,
        "end_line": location.end_line,
        "end_column": location.end_column,
        "snippet": finding.snippet.strip(),
        "fix_hint": finding.fix_hint,
        "fix": fix_to_dict(finding.fix),
        "cwe": [f"CWE-{number}" for number in (rule.cwe if rule else ())],
        "scope": finding.scope,
        "fingerprint": finding.fingerprint,
        "flow": [
            {
                "path": step.location.path,
                "line": step.location.line,
                "column": step.location.column,
                "message": step.message,
            }
            for step in finding.flow
        ],
        "properties": _plain(dict(finding.properties)),
    }


def fix_to_dict(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "applicability": fix.applicability.value,
        "message": fix.message,
        "edits": [
            {
                "line": edit.line,
                "column": edit.column,
                "end_line": edit.end_line,
                "end_column": edit.end_column,
                "content": edit.content,
            }
            for edit in fix.edits
        ],
    }


def notice_to_dict(notice: Notice) -> dict[str, Any]:
    return {
        "kind": notice.kind.value,
        "path": notice.path,
        "line": notice.line,
        "message": notice.message,
        "blocking": notice.kind.blocking,
        "rule": notice.rule,
    }


def suppression_to_dict(suppression: SuppressionInfo) -> dict[str, Any]:
    """What silenced a suppressed finding: the comment (`inSource`), or the configuration's ignore (`external`)
    with the file and line it is written on, its reason and its expiry date."""
    return {
        "suppressed_by": suppression.text,
        "suppression": {
            "kind": suppression.kind,
            "path": suppression.path,
            "line": suppression.line,
            "reason": suppression.reason,
            "expires": suppression.expires.isoformat() if suppression.expires is not None else None,
        },
    }


def report_dict(result: ScanResult, *, threshold: Severity, show_suppressed: bool = False) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "bastion", "version": __version__},
        "root": str(result.root),
        "summary": {
            "findings": len(result.findings),
            "by_severity": severity_counts(result.findings),
            "by_family": family_counts(result.findings),
            "failing": len(result.failing(threshold)),
            "fail_on": threshold.label,
            "suppressed": len(result.suppressed),
            "ignored_advisories": sum(1 for item in result.suppressed if item.suppression.kind == "external"),
            "baselined": len(result.baselined),
            "held_back": len(result.held_back),
            "stale_baseline_entries": len(result.stale_baseline),
            "files_scanned": result.files_read,
            "python_files": result.python_files,
            "lines": result.lines,
            "rules": len(result.rules),
            "incomplete": result.incomplete,
            "min_severity": result.min_severity.label if result.min_severity is not None else None,
            "below_min_severity": result.below_min_severity,
        },
        "findings": [finding_to_dict(finding) for finding in result.findings],
        "suppressed": [
            {**finding_to_dict(item.finding), **suppression_to_dict(item.suppression)}
            for item in (result.suppressed if show_suppressed else [])
        ],
        "notices": [notice_to_dict(notice) for notice in result.notices],
        "configuration": configuration_dict(result),
    }


def render_json(result: ScanResult, *, threshold: Severity, show_suppressed: bool = False) -> str:
    return json.dumps(report_dict(result, threshold=threshold, show_suppressed=show_suppressed), indent=2) + "\n"


def _plain(value: Any) -> Any:
    """Properties may hold tuples or sets; JSON wants lists."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(item) for item in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
