"""`--format junit`: JUnit XML, which CI systems show as test results (GitLab's `artifacts:reports:junit`,
Jenkins, Azure Pipelines, GitHub test-report actions).

One `<testsuite>` per file with findings, one failing `<testcase>` per finding (`type` is its severity, the body
says where, what and how to fix it); a scan with no finding is one passing test case, so that the report is never
empty. Notices that mean part of the audit did not run are `<error>`s of a `bastion` suite; the other notices are
that suite's `<system-out>`. Text from the scanned
tree has its control characters made visible (XML 1.0 cannot carry most of them at all).
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from bastion.core.finding import Finding
from bastion.core.result import ScanResult
from bastion.report.escape import visible

# Characters XML 1.0 cannot hold, even escaped (`visible` already rewrote the C0/C1 controls): lone surrogates
# (a file name that was not valid UTF-8) and the two non-characters.
_NOT_XML = {**dict.fromkeys(range(0xD800, 0xE000), "\ufffd"), 0xFFFE: "\ufffd", 0xFFFF: "\ufffd"}


def _text(value: str, *, keep_newlines: bool = False) -> str:
    """Text for an attribute (one line) or, with `keep_newlines`, for an element's body."""
    return visible(value, keep_newlines=keep_newlines).translate(_NOT_XML)


def _testcase(suite: ET.Element, finding: Finding) -> None:
    location = finding.location
    path = _text(location.path)
    case = ET.SubElement(
        suite,
        "testcase",
        {
            "name": f"{finding.code} {path}:{location.line}:{location.column}",
            "classname": path,
            "file": path,
            "line": str(location.line),
        },
    )
    body = f"{path}:{location.line}:{location.column}: {finding.code} ({finding.severity.label}) {finding.message}"
    if finding.fix_hint:
        body += f"\nfix: {finding.fix_hint}"
    failure = ET.SubElement(case, "failure", {"message": _text(finding.message), "type": finding.severity.label})
    failure.text = _text(body, keep_newlines=True)


def render_junit(result: ScanResult) -> str:
    root = ET.Element("testsuites", {"name": "bastion"})
    failures = 0
    for path, group in itertools.groupby(result.findings, key=lambda f: f.location.path):
        findings = list(group)
        failures += len(findings)
        suite = ET.SubElement(
            root,
            "testsuite",
            {"name": _text(path), "tests": str(len(findings)), "failures": str(len(findings)), "errors": "0"},
        )
        for finding in findings:
            _testcase(suite, finding)
    blocking = [notice for notice in result.notices if notice.kind.blocking]
    others = [notice for notice in result.notices if not notice.kind.blocking]
    tests = failures + len(blocking)
    if blocking or not result.findings or others:
        own_tests = len(blocking) or (0 if result.findings else 1)
        suite = ET.SubElement(
            root,
            "testsuite",
            {"name": "bastion", "tests": str(own_tests), "failures": "0", "errors": str(len(blocking))},
        )
        if not blocking and not result.findings:
            ET.SubElement(suite, "testcase", {"name": "no findings", "classname": "bastion"})
            tests = max(tests, 1)
        for notice in blocking:
            case = ET.SubElement(suite, "testcase", {"name": f"audit {notice.kind.value}", "classname": "bastion"})
            error = ET.SubElement(case, "error", {"message": _text(notice.message), "type": notice.kind.value})
            error.text = _text(notice.render(), keep_newlines=True)
        if others:
            # The other notices (an expired advisory ignore, a configuration that switched rules off ...) are
            # no test result, but a reader of the report must see them: the suite's output holds them.
            output = ET.SubElement(suite, "system-out")
            output.text = "\n".join(_text(f"[{n.kind.value}] {n.render()}", keep_newlines=True) for n in others)
    root.set("tests", str(tests))
    root.set("failures", str(failures))
    root.set("errors", str(len(blocking)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
