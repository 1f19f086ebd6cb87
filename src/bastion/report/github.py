"""`--format github`: GitHub Actions workflow commands, one annotation per finding on the pull request's diff.

`::error file=app/db.py,line=16,endLine=16,col=5,endColumn=26,title=bastion TNT101 (high)::message`. Critical and
high findings are errors, medium warnings, low and info notices; notices about the scan itself follow, without a
file when they have none. Values are escaped as the Actions toolkit does (`%`, CR and LF in the message; also `:`
and `,` in properties), and every control character from the scanned tree is made visible first, so a file name
or a message can neither end its command early nor start another one.
"""

from __future__ import annotations

from bastion.core.finding import Finding
from bastion.core.notice import Notice
from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.report.escape import visible

_COMMAND = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(command: str, message: str, properties: dict[str, str | int]) -> str:
    rendered = ",".join(f"{name}={_property(str(value))}" for name, value in properties.items())
    return f"::{command}{' ' + rendered if rendered else ''}::{_data(message)}"


def finding_annotation(finding: Finding) -> str:
    location = finding.location
    properties: dict[str, str | int] = {"file": visible(location.path), "line": location.line}
    end_line = location.end_line or location.line
    properties["endLine"] = end_line
    properties["col"] = location.column
    if location.end_column is not None and end_line == location.line:
        properties["endColumn"] = location.end_column
    properties["title"] = f"bastion {finding.code} ({finding.severity.label})"
    message = visible(finding.message)
    if finding.fix_hint:
        message += f"\nfix: {visible(finding.fix_hint)}"
    return _annotation(_COMMAND[finding.severity], message, properties)


def notice_annotation(notice: Notice) -> str:
    properties: dict[str, str | int] = {}
    if notice.path:
        properties["file"] = visible(notice.path)
        if notice.line:
            properties["line"] = notice.line
    properties["title"] = f"bastion {notice.kind.value}"
    return _annotation("error" if notice.kind.blocking else "warning", visible(notice.message), properties)


def render_github(result: ScanResult) -> str:
    lines = [finding_annotation(finding) for finding in result.findings]
    lines += [notice_annotation(notice) for notice in result.notices]
    return "".join(line + "\n" for line in lines)
