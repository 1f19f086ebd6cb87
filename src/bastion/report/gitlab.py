"""`--format gitlab`: GitLab's SAST report (`artifacts:reports:sast`, schema 15.2.1), so that findings show in
the merge request's security widget and the vulnerability report.

Each finding is a vulnerability: a stable `id` (its fingerprint as a UUID, so GitLab follows it across pipelines),
the rule's summary as `name`, the message as `description`, the fix as `solution`, identifiers (the bastion rule
with its page, each CWE, and for a dependency its advisory id and aliases), its location, and a taint path as a
`code-flows` detail. The schema requires the scan's start and end times: they are the only part of this report
that changes between two runs of the same scan; set `SOURCE_DATE_EPOCH` (the reproducible-builds convention) to
fix them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from typing import Any

from bastion import __version__
from bastion.core.finding import Finding
from bastion.core.notice import Notice
from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.report.common import rule_for
from bastion.report.rule_pages import REPOSITORY_URL, RULE_PAGES_URL

SCHEMA_VERSION = "15.2.1"
SCHEMA_URL = (
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
    f"v{SCHEMA_VERSION}/dist/sast-report-format.json"
)
_SEVERITY = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
    Severity.INFO: "Info",
}
# Where the identifiers of an advisory go (DEP findings carry the advisory id and its aliases).
_ADVISORY_PROPERTIES = ("id", "aliases")
_TOOL = {
    "id": "bastion",
    "name": "bastion",
    "version": __version__,
    "vendor": {"name": "bastion"},
    "url": REPOSITORY_URL,
}
_NAME_LIMIT = 255
_SOLUTION_LIMIT = 7000


def _identifiers(finding: Finding) -> list[dict[str, str]]:
    rule = rule_for(finding.code)
    found = [
        {
            "type": "bastion_rule_id",
            "name": f"bastion {finding.code}",
            "value": finding.code,
            "url": f"{RULE_PAGES_URL}/{finding.code}.md",
        }
    ]
    for number in rule.cwe if rule is not None else ():
        found.append(
            {
                "type": "cwe",
                "name": f"CWE-{number}",
                "value": str(number),
                "url": f"https://cwe.mitre.org/data/definitions/{number}.html",
            }
        )
    advisories: list[str] = []
    for key in _ADVISORY_PROPERTIES:
        value = finding.properties.get(key)
        advisories += [value] if isinstance(value, str) else [str(v) for v in value or () if isinstance(v, str)]
    for advisory in dict.fromkeys(advisories):
        prefix = advisory.split("-", 1)[0].lower()
        found.append(
            {"type": prefix, "name": advisory, "value": advisory, "url": f"https://osv.dev/vulnerability/{advisory}"}
        )
    return found


def _code_flows(finding: Finding) -> dict[str, Any]:
    last = len(finding.flow) - 1
    nodes = [
        {
            "type": "code-flow-node",
            "node_type": "source" if index == 0 else "sink" if index == last else "propagation",
            "file_location": {
                "type": "file-location",
                "file_name": step.location.path,
                "line_start": max(step.location.line, 1),
            },
        }
        for index, step in enumerate(finding.flow)
    ]
    return {"name": "Path from the source to the sink", "type": "code-flows", "items": [nodes]}


def _vulnerability(finding: Finding) -> dict[str, Any]:
    rule = rule_for(finding.code)
    location = finding.location
    identity = finding.fingerprint or f"{finding.code}:{location.path}:{location.line}:{location.column}"
    identity = identity.encode("utf-8", "surrogatepass").hex()  # any path, even one that is not UTF-8
    vulnerability: dict[str, Any] = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{REPOSITORY_URL}#{identity}")),
        "name": (rule.summary if rule is not None else finding.code)[:_NAME_LIMIT],
        "description": finding.message,
        "severity": _SEVERITY[finding.severity],
        "identifiers": _identifiers(finding),
        "location": {
            "file": location.path,
            "start_line": location.line,
            "end_line": max(location.end_line or location.line, location.line),
        },
        "links": [{"name": f"bastion {finding.code}", "url": f"{RULE_PAGES_URL}/{finding.code}.md"}],
    }
    if finding.fix_hint:
        vulnerability["solution"] = finding.fix_hint[:_SOLUTION_LIMIT]
    if len(finding.flow) >= 2:
        vulnerability["details"] = {"code_flows": _code_flows(finding)}
    return vulnerability


def _message(notice: Notice) -> dict[str, str]:
    return {"level": "warn" if notice.kind.blocking else "info", "value": notice.render() or notice.kind.value}


def _times(result: ScanResult) -> tuple[str, str]:
    pinned = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if pinned.isdigit():
        end = dt.datetime.fromtimestamp(int(pinned), tz=dt.timezone.utc)
        start = end
    else:
        end = dt.datetime.now(dt.timezone.utc)
        start = end - dt.timedelta(seconds=max(result.duration, 0.0))
    pattern = "%Y-%m-%dT%H:%M:%S"
    return start.strftime(pattern), end.strftime(pattern)


def gitlab_document(result: ScanResult) -> dict[str, Any]:
    start, end = _times(result)
    return {
        "version": SCHEMA_VERSION,
        "schema": SCHEMA_URL,
        "scan": {
            "analyzer": _TOOL,
            "scanner": _TOOL,
            "type": "sast",
            "start_time": start,
            "end_time": end,
            "status": "failure" if result.incomplete else "success",
            "messages": [_message(notice) for notice in result.notices],
        },
        "vulnerabilities": [_vulnerability(finding) for finding in result.findings],
    }


def render_gitlab(result: ScanResult) -> str:
    # ASCII with escapes: a file name that was not UTF-8 (a lone surrogate) stays writable and valid JSON.
    return json.dumps(gitlab_document(result), indent=2) + "\n"
