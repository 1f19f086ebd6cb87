"""SARIF 2.1.0, shaped for GitHub code scanning.

Relative `artifactLocation.uri` with `uriBaseId` `%SRCROOT%`; one `rules[]` entry per rule that ran, with
`shortDescription`, `fullDescription`, `help` (text and Markdown), `properties.tags` (`security`,
`external/cwe/cwe-NNN`), `properties.security-severity` (a string) and `precision`; results with
`partialFingerprints["bastion/v1"]`, `codeFlows` for taint paths, `fixes` (the edits of `bastion fix`, with
their applicability in `properties`), and `invocations[0]` saying whether the run
succeeded, with a notification for each file that could not be scanned.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from bastion import __version__
from bastion.core.finding import Finding, Location
from bastion.core.fix import Fix
from bastion.core.notice import Notice, NoticeKind
from bastion.core.result import ScanResult, SuppressedFinding, SuppressionInfo
from bastion.core.rule import FAMILIES, Rule
from bastion.core.severity import Confidence, Severity
from bastion.report.common import configuration_dict, rule_description
from bastion.report.rule_pages import REPOSITORY_URL, rule_page, rule_page_url

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "bastion/v1"
INFORMATION_URI = REPOSITORY_URL
SRCROOT = "%SRCROOT%"

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
_PRECISION = {Confidence.HIGH: "high", Confidence.MEDIUM: "medium", Confidence.LOW: "low"}


# RFC 3986 `pchar` minus ":": a colon in the first segment would make the reference absolute (`C:x.py`,
# `javascript:alert(1)/a.py` have a scheme), so it is percent-encoded everywhere, with `%`, `?`, `#` and spaces.
_PATH_SAFE = "/@-._~!$&'()*+,;="


def artifact_location(path: str) -> dict[str, str]:
    """Where a finding's file is, for SARIF. A path under the root is a relative reference resolved against
    `%SRCROOT%` (every byte outside the unreserved set percent-encoded from UTF-8, no scheme, no authority, no
    query or fragment, whatever the file name holds); a path outside the root (an audited environment) is an
    absolute `file:` URI with no base, as SARIF requires of an absolute reference."""
    # A file name that is not UTF-8 reaches here with surrogate escapes: its original bytes are encoded.
    encoded = quote(path.encode("utf-8", "surrogateescape"), safe=_PATH_SAFE)
    if path.startswith("/"):
        return {"uri": "file://" + encoded}
    return {"uri": encoded or ".", "uriBaseId": SRCROOT}


def _physical(location: Location, snippet: str | None = None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(location.line, 1), "startColumn": max(location.column, 1)}
    if location.end_line is not None and location.end_line >= location.line:
        region["endLine"] = location.end_line
        if location.end_column is not None and (
            location.end_line > location.line or location.end_column > location.column
        ):
            region["endColumn"] = location.end_column
    if snippet:
        region["snippet"] = {"text": snippet}
    return {"artifactLocation": artifact_location(location.path), "region": region}


def rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    page = rule_page(rule)
    tags = ["security", FAMILIES.get(rule.family(), rule.family())]
    tags += [f"external/cwe/cwe-{number:03d}" for number in rule.cwe]
    tags += [tag for tag in rule.tags if tag not in tags]
    return {
        "id": rule.code,
        "name": rule.name(),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule_description(rule)},
        "help": {"text": page, "markdown": page},
        "helpUri": rule_page_url(rule),
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": tags[:20],
            "security-severity": f"{rule.severity.security_score:.1f}",
            "precision": _PRECISION[rule.confidence],
        },
    }


def _result(
    finding: Finding, rule_index: dict[str, int], suppressed: SuppressedFinding | None = None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": _LEVEL[finding.severity],
        # The message says what is wrong; how to fix it is in the rule's help and in the result's properties.
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": _physical(finding.location, finding.snippet.strip() or None)}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint} if finding.fingerprint else {},
        "properties": {"severity": finding.severity.label, "confidence": finding.confidence.label},
    }
    if finding.fix_hint:
        result["properties"]["fix"] = finding.fix_hint
    cwes = finding.properties.get("cwe")
    if isinstance(cwes, (list, tuple)) and cwes:
        # The weaknesses this result is (a cookie missing only Secure is CWE-614), narrower than the rule's tags.
        result["properties"]["tags"] = ["security", *(f"external/cwe/cwe-{number:03d}" for number in cwes)]
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    if not result["partialFingerprints"]:
        del result["partialFingerprints"]
    if finding.flow:
        result["codeFlows"] = [
            {
                "threadFlows": [
                    {
                        "locations": [
                            {
                                "location": {
                                    "physicalLocation": _physical(step.location, step.snippet or None),
                                    "message": {"text": step.message},
                                }
                            }
                            for step in finding.flow[:1000]
                        ]
                    }
                ]
            }
        ]
        first = finding.flow[0]
        result["relatedLocations"] = [
            {"id": 1, "physicalLocation": _physical(first.location), "message": {"text": first.message}}
        ]
    if finding.fix is not None and finding.fix.edits:
        result["fixes"] = [_fix(finding.location.path, finding.fix)]
    if suppressed is not None:
        result["suppressions"] = [_suppression(suppressed.suppression)]
    return result


def _suppression(suppression: SuppressionInfo) -> dict[str, Any]:
    """SARIF's `suppression`: a comment is `inSource` and its own justification; an ignore in the configuration
    is `external`, justified by its reason, located at its line in the configuration file."""
    if suppression.kind == "inSource":
        return {"kind": "inSource", "justification": suppression.text}
    item: dict[str, Any] = {"kind": "external", "justification": suppression.reason or suppression.text}
    if suppression.path is not None and not suppression.path.startswith("/"):  # a file outside the root: no URI
        physical: dict[str, Any] = {"artifactLocation": artifact_location(suppression.path)}
        if suppression.line:
            physical["region"] = {"startLine": suppression.line}
        item["location"] = {"physicalLocation": physical}
    properties: dict[str, Any] = {"ignore": suppression.text}
    if suppression.expires is not None:
        properties["expires"] = suppression.expires.isoformat()
    item["properties"] = properties
    return item


def _fix(path: str, fix: Fix) -> dict[str, Any]:
    """SARIF's `fix`: one artifact change, the file of the finding, with one replacement per edit. An empty
    deleted region (end = start) is an insertion."""
    replacements = [
        {
            "deletedRegion": {
                "startLine": edit.line,
                "startColumn": edit.column,
                "endLine": edit.end_line,
                "endColumn": edit.end_column,
            },
            "insertedContent": {"text": edit.content},
        }
        for edit in fix.edits
    ]
    return {
        "description": {"text": fix.message},
        "artifactChanges": [{"artifactLocation": artifact_location(path), "replacements": replacements}],
        "properties": {"applicability": fix.applicability.value},
    }


def _notification(notice: Notice) -> dict[str, Any]:
    item: dict[str, Any] = {
        "level": "error" if notice.kind.blocking else "warning",
        "message": {"text": notice.render()},
        "descriptor": {"id": notice.kind.value},
    }
    if notice.rule:
        item["associatedRule"] = {"id": notice.rule}
    if notice.path:
        physical: dict[str, Any] = {"artifactLocation": artifact_location(notice.path)}
        if notice.line:
            physical["region"] = {"startLine": notice.line}
        item["locations"] = [{"physicalLocation": physical}]
    return item


def _not_analysed_notification(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    """A BST1xx finding (something not analysed) also as an execution notification, where SARIF consumers that
    read only notifications look for files that could not be scanned."""
    notice = Notice(
        NoticeKind(finding.properties["notice_kind"]), finding.message, finding.location.path, finding.location.line
    )
    item = _notification(notice)
    item["associatedRule"] = {"id": finding.code}
    if finding.code in rule_index:
        item["associatedRule"]["index"] = rule_index[finding.code]
    return item


def sarif_document(result: ScanResult, *, show_suppressed: bool = False) -> dict[str, Any]:
    rules = sorted(result.rules, key=lambda rule: rule.code)
    rule_index = {rule.code: position for position, rule in enumerate(rules)}
    results = [_result(finding, rule_index) for finding in result.findings]
    if show_suppressed:
        results += [_result(item.finding, rule_index, item) for item in result.suppressed]
    root_uri = result.root.as_uri().rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "bastion",
                "semanticVersion": __version__,
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"bastion/configuration": configuration_dict(result)},
        "invocations": [
            {
                "executionSuccessful": not result.incomplete,
                # What the configuration switched off that could blind the audit (whole families, every file,
                # a lowered size cap, trust settings a scanned repository may not make).
                "toolConfigurationNotifications": [
                    _notification(notice) for notice in result.notices if notice.kind is NoticeKind.CONFIG
                ],
                "toolExecutionNotifications": [
                    _notification(notice) for notice in result.notices if notice.kind is not NoticeKind.CONFIG
                ]
                + [
                    _not_analysed_notification(finding, rule_index)
                    for finding in (*result.findings, *result.baselined, *(s.finding for s in result.suppressed))
                    if "notice_kind" in finding.properties
                ],
            }
        ],
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(result: ScanResult, *, show_suppressed: bool = False) -> str:
    return json.dumps(sarif_document(result, show_suppressed=show_suppressed), indent=2) + "\n"
