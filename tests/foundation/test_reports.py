"""Machine reports: SARIF validates against the official 2.1.0 schema and suits GitHub; JSON matches its schema."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.report.html import render_html
from bastion.report.json_report import render_json
from bastion.report.sarif import sarif_document
from tests.conftest import make_services
from tests.foundation.conftest import write_tree

SARIF_SCHEMA = Path(__file__).resolve().parent.parent / "data" / "sarif" / "sarif-schema-2.1.0.json"
REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLE_APP = REPOSITORY / "examples" / "vulnerable-flask-app"


def _scan(folder: Path, select: tuple[str, ...] | None = None) -> ScanResult:
    config = BastionConfig.model_validate({"select": list(select)} if select else {})
    return scan([folder], ScanOptions(config=config, root=folder, jobs=1, services=make_services()))


@pytest.fixture(scope="module")
def example_result() -> ScanResult:
    return _scan(EXAMPLE_APP)


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def test_example_app_sarif_validates(example_result: ScanResult, sarif_validator: jsonschema.Draft4Validator) -> None:
    document = sarif_document(example_result)
    errors = sorted(sarif_validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    assert example_result.findings


def test_sarif_has_what_github_reads(example_result: ScanResult) -> None:
    document = sarif_document(example_result)
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "bastion" and driver["semanticVersion"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    for rule in rules.values():
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "## What it does" in rule["help"]["markdown"]
        page = rule["helpUri"].removeprefix("https://github.com/bastion-security/bastion/blob/main/")
        assert page == f"docs/rules/{rule['id']}.md" and (REPOSITORY / page).is_file(), "helpUri names a real page"
        tags = rule["properties"]["tags"]
        assert "security" in tags and len(tags) <= 20
        assert any(tag.startswith("external/cwe/cwe-") and len(tag.rsplit("-", 1)[1]) >= 3 for tag in tags)
        score = rule["properties"]["security-severity"]
        assert isinstance(score, str) and 0.0 <= float(score) <= 10.0
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
    fingerprints = set()
    for result in run["results"]:
        assert result["ruleId"] in rules
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "\\" not in uri and "://" not in uri
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"]["startLine"] >= 1
        fingerprints.add(result["partialFingerprints"]["bastion/v1"])
        assert "Fix:" not in result["message"]["text"], "the fix is not glued to the message"
        finding = next(
            f for f in example_result.findings if f.fingerprint == result["partialFingerprints"]["bastion/v1"]
        )
        assert result["message"]["text"] == finding.message
        assert result["properties"].get("fix") == (finding.fix_hint or None)
    assert len(fingerprints) == len(run["results"]), "fingerprints must be unique"
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True


def test_sarif_notifications_for_unscannable_files(tmp_path: Path, sarif_validator: jsonschema.Draft4Validator) -> None:
    project = write_tree(tmp_path / "p", {"ok.py": "import os\nos.system(x)\n", "broken.py": "def f(:\n"})
    document = sarif_document(_scan(project))
    assert not list(sarif_validator.iter_errors(document))
    notifications = document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any(
        n["descriptor"]["id"] == "parse-error"
        and n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.py"
        for n in notifications
    )


def test_fingerprints_survive_unrelated_edits(tmp_path: Path) -> None:
    source = "import os\n\n\ndef ping(host):\n    os.system('ping ' + host)\n\n\ndef clear():\n    os.system('clear')\n"
    project = write_tree(tmp_path / "p", {"app.py": source})
    before = {f.code + f.scope: f.fingerprint for f in _scan(project, ("PAT302",)).findings}
    (project / "app.py").write_text(
        "# a new header comment\nimport sys\n\n" + source.replace("\n\n\ndef clear", "\n\n\n\n\ndef clear")
    )
    after = {f.code + f.scope: f.fingerprint for f in _scan(project, ("PAT302",)).findings}
    assert before == after and len(before) == 2
    (project / "app.py").write_text(source.replace("'ping '", "'ping -c 1 '"))
    changed = {f.code + f.scope: f.fingerprint for f in _scan(project, ("PAT302",)).findings}
    assert changed["PAT302app.ping"] != before["PAT302app.ping"]
    assert changed["PAT302app.clear"] == before["PAT302app.clear"]


def test_json_report_matches_its_schema(example_result: ScanResult, tmp_path: Path) -> None:
    schema = json.loads(
        resources.files("bastion.report").joinpath("schemas/report-v2.json").read_text(encoding="utf-8")
    )
    validator = jsonschema.Draft202012Validator(schema)
    document = json.loads(render_json(example_result, threshold=Severity.LOW, show_suppressed=True))
    errors = list(validator.iter_errors(document))
    assert not errors, errors[:3]
    assert document["summary"]["findings"] == len(example_result.findings)
    finding = document["findings"][0]
    assert finding["path"] and finding["line"] >= 1 and finding["cwe"][0].startswith("CWE-")
    # The schema itself must reject what it should.
    document["findings"][0]["severity"] = "severe"
    assert list(validator.iter_errors(document))


def test_html_report_escapes_untrusted_text(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {"app.py": "import os\nos.system('<script>alert(1)</script>' + x)\n"})
    page = render_html(_scan(project), threshold=Severity.LOW)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_text_layout_keeps_columns_apart_and_wrapped_lines_indented() -> None:
    from rich.console import Console

    from bastion.core.finding import Finding, FlowStep, Location
    from bastion.core.severity import Confidence
    from bastion.report.text import render_findings

    finding = Finding(
        "PAT301",
        "a long message that has to wrap over several lines on a narrow terminal window",
        Location("app.py", 12345, 17),
        Severity.CRITICAL,
        Confidence.HIGH,
        fix_hint="pass the command as a list of arguments and drop shell=True from the call",
        flow=(FlowStep(Location("views.py", 3), "a flow step whose message is long enough to wrap as well"),),
    )
    result = ScanResult(Path("."), [finding], [], [], [], [], [], 1, 1, 1, 1, 0.0)
    terminal = Console(width=60, soft_wrap=False, force_terminal=False, record=True)
    render_findings(terminal, result)
    lines = terminal.export_text().splitlines()
    head = lines[1]
    assert "12345:17 PAT301  critical  a long message" in head, "a space after every column, even the longest"
    message_column = head.index("a long message")
    continued = lines[2]
    assert continued[:message_column].strip() == "" and continued[message_column] != " ", continued
    assert all(line == line.rstrip() for line in lines)
    fix = next(index for index, line in enumerate(lines) if "fix: " in line)
    assert lines[fix + 1].startswith(" " * lines[fix].index("pass")), "the fix's second line is under its first"
    piped = Console(width=60, soft_wrap=True, force_terminal=False, record=True)
    render_findings(piped, result)
    assert any("narrow terminal window" in line and "critical" in line for line in piped.export_text().splitlines())


def test_cookie_results_name_the_cwe_of_each_missing_flag(
    tmp_path: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    """Issue #11: a cookie finding carries the CWE of what it says is missing, not the rule's union of three."""
    write_tree(
        tmp_path,
        {
            "views.py": (
                "def theme(response, value):\n"
                '    response.set_cookie("theme", value, httponly=True, samesite="Lax")\n'
                "\n\n"
                "def login(response, token):\n"
                '    response.set_cookie("session_token", token, secure=True)\n'
                '    response.set_cookie("access_token", token, httponly=True, samesite="Lax")\n'
                '    response.set_cookie("login_hint", "email", samesite="Lax")\n'
                '    response.set_cookie("is_user_authorized", "true", samesite="Lax")\n'
            )
        },
    )
    result = _scan(tmp_path, ("CFG206",))
    document = sarif_document(result)
    assert not list(sarif_validator.iter_errors(document))
    tags = {
        item["locations"][0]["physicalLocation"]["region"]["startLine"]: item["properties"]["tags"]
        for item in document["runs"][0]["results"]
    }
    assert tags == {
        2: ["security", "external/cwe/cwe-614"],
        6: ["security", "external/cwe/cwe-1004", "external/cwe/cwe-1275"],
        7: ["security", "external/cwe/cwe-614"],
        8: ["security", "external/cwe/cwe-614", "external/cwe/cwe-1004"],
    }
    # Severity by what the cookie holds: a preference or another constant is low; a token scripts can read is
    # high, one that lacks only Secure medium. A constant yes/no UI flag (line 9) holds nothing: not reported.
    severities = {f.location.line: f.severity for f in result.findings}
    assert severities == {2: Severity.LOW, 6: Severity.HIGH, 7: Severity.MEDIUM, 8: Severity.LOW}
