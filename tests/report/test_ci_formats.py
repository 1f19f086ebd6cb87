"""The formats CI systems read natively: GitHub workflow annotations, GitLab's SAST report (validated against
GitLab's published schema) and JUnit XML. Each carries every finding, and text from the scanned tree can break
none of them."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from bastion.api import ScanRequest, run
from bastion.core.finding import Finding, FlowStep, Location
from bastion.core.notice import Notice, NoticeKind
from bastion.core.result import ScanResult
from bastion.core.severity import Confidence, Severity
from bastion.report.github import render_github
from bastion.report.gitlab import gitlab_document, render_gitlab
from bastion.report.junit import render_junit
from tests.conftest import TEST_DATA, make_services

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "vulnerable-flask-app"
GITLAB_SCHEMA = TEST_DATA / "gitlab" / "sast-report-format-15.2.1.json"
HOSTILE_PATH = "app/evil%,:\n::error file=x::forged\x1b[2J.py"


@pytest.fixture(scope="module")
def example() -> ScanResult:
    return run(ScanRequest(paths=(EXAMPLE,), isolated=True, jobs=1), services=make_services())


def _result(findings: list[Finding], notices: list[Notice] | None = None) -> ScanResult:
    return ScanResult(Path("."), findings, [], [], [], notices or [], [], 1, 1, 1, 1, 0.5)


def _hostile_finding() -> Finding:
    return Finding(
        "PAT301",
        "runs `x`\r\n::warning::also forged 100%",
        Location(HOSTILE_PATH, 3, 5, 3, 9),
        Severity.HIGH,
        Confidence.HIGH,
        fix_hint="pass a list",
    )


def test_github_annotations_one_per_finding_with_levels(example: ScanResult) -> None:
    lines = render_github(example).splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == len(example.findings) + len(example.notices) and example.findings
    levels = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}
    for line, finding in zip(annotations, example.findings, strict=False):
        command, properties, message = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line).groups()  # type: ignore[union-attr]
        assert command == levels[finding.severity.label]
        assert f"file={finding.location.path.replace(':', '%3A').replace(',', '%2C')}," in properties + ","
        assert f"line={finding.location.line}," in properties
        assert f"title=bastion {finding.code} ({finding.severity.label})" in properties
        assert message.startswith(finding.message.replace("%", "%25")[:40])


def test_github_annotations_cannot_be_broken_out_of() -> None:
    text = render_github(_result([_hostile_finding()]))
    assert text.count("\n") == 1, "one finding, one line: no newline from the tree survives"
    line = text.rstrip("\n")
    assert line.startswith("::error file=app/evil%25%2C%3A\\n%3A%3Aerror file=x%3A%3Aforged\\x1b[2J.py,line=3,")
    assert "::runs `x`\\r\\n::warning::also forged 100%25%0Afix: pass a list" in line
    assert "\x1b" not in line and "\r" not in line


def test_gitlab_report_validates_against_gitlabs_schema(example: ScanResult) -> None:
    schema = json.loads(GITLAB_SCHEMA.read_text(encoding="utf-8"))
    document = gitlab_document(example)
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    vulnerabilities = document["vulnerabilities"]
    assert len(vulnerabilities) == len(example.findings)
    assert len({v["id"] for v in vulnerabilities}) == len(vulnerabilities), "ids are unique"
    assert gitlab_document(example)["vulnerabilities"] == vulnerabilities, "ids are stable run to run"
    taint = next(v for v in vulnerabilities if v["identifiers"][0]["value"] == "TNT101")
    flow = taint["details"]["code_flows"]["items"][0]
    assert flow[0]["node_type"] == "source" and flow[-1]["node_type"] == "sink"
    assert {"type": "cwe", "name": "CWE-89", "value": "89"}.items() <= taint["identifiers"][1].items()
    dependency = next(v for v in vulnerabilities if v["identifiers"][0]["value"] == "DEP101")
    assert any(i["type"] == "pysec" for i in dependency["identifiers"]), "the advisory is an identifier"
    assert document["scan"]["status"] == "success"


def test_gitlab_report_says_when_the_audit_was_incomplete(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    down = Notice(NoticeKind.SERVICE_UNAVAILABLE, "OSV could not be reached", "requirements.txt")
    document = json.loads(render_gitlab(_result([_hostile_finding()], [down])))
    assert document["scan"]["status"] == "failure"
    assert document["scan"]["messages"] == [{"level": "warn", "value": "requirements.txt: OSV could not be reached"}]
    assert document["scan"]["start_time"] == document["scan"]["end_time"] == "2023-11-14T22:13:20"
    schema = json.loads(GITLAB_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(document, schema, cls=jsonschema.Draft7Validator)


def test_junit_has_a_failing_case_per_finding(example: ScanResult) -> None:
    root = ET.fromstring(render_junit(example))
    cases = root.findall("./testsuite/testcase")
    failures = [case for case in cases if case.find("failure") is not None]
    assert len(failures) == len(example.findings) == int(root.get("failures", "-1"))
    suites = {suite.get("name") for suite in root.findall("testsuite")}
    assert suites == {finding.location.path for finding in example.findings}
    first = failures[0].find("failure")
    assert first is not None and first.get("type") in {"critical", "high", "medium", "low", "info"}


def test_junit_stays_valid_xml_and_is_never_empty() -> None:
    hostile = render_junit(_result([_hostile_finding()]))
    root = ET.fromstring(hostile)  # raises on a character XML cannot hold
    assert root.find("./testsuite").get("name").startswith("app/evil%,:\\n::error")  # type: ignore[union-attr]
    clean = ET.fromstring(render_junit(_result([])))
    assert clean.get("tests") == "1" and clean.find("./testsuite/testcase").get("name") == "no findings"  # type: ignore[union-attr]
    down = Notice(NoticeKind.INTERNAL_ERROR, "PAT301 crashed", "app.py")
    broken = ET.fromstring(render_junit(_result([], [down])))
    assert broken.get("errors") == "1" and broken.find("./testsuite/testcase/error") is not None


def test_flow_nodes_are_typed_from_source_to_sink() -> None:
    steps = tuple(FlowStep(Location("a.py", line), f"step {line}") for line in (1, 2, 3))
    finding = Finding("TNT101", "m", Location("a.py", 3), Severity.HIGH, Confidence.HIGH, flow=steps)
    (vulnerability,) = gitlab_document(_result([finding]))["vulnerabilities"]
    kinds = [node["node_type"] for node in vulnerability["details"]["code_flows"]["items"][0]]
    assert kinds == ["source", "propagation", "sink"]


def test_a_file_name_that_is_not_utf8_stays_writable() -> None:
    """Undecodable bytes in a file name arrive as lone surrogates, which UTF-8 cannot encode: each format
    escapes them."""
    finding = Finding("PAT301", "m", Location("bad\udcff.py", 1), Severity.HIGH, Confidence.HIGH)
    result = _result([finding])
    for text in (render_github(result), render_junit(result), render_gitlab(result)):
        text.encode("utf-8")  # raises if a surrogate is left
        assert "udcff" in text
