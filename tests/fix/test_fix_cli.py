"""`bastion fix` as users run it, and fixes in the JSON and SARIF reports."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from bastion.api import ScanOptions, scan
from bastion.cli.main import cli
from bastion.core.config import BastionConfig
from bastion.core.severity import Severity
from bastion.fix.writing import NotEditable
from bastion.report.json_report import render_json
from bastion.report.sarif import sarif_document
from bastion.rules.base import ScanServices
from tests.foundation.conftest import run_cli, write_tree

SARIF_SCHEMA = Path(__file__).resolve().parent.parent / "data" / "sarif" / "sarif-schema-2.1.0.json"
SOURCE = """\
import yaml


def read(text):
    return yaml.load(text, Loader=yaml.Loader)
"""


def test_diff_shows_the_change_and_writes_nothing(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {"app.py": SOURCE})
    completed = run_cli("fix", "--diff", "--isolated", "--select", "PAT202", str(project))
    assert completed.returncode == 1, completed.stderr
    assert "-    return yaml.load(text, Loader=yaml.Loader)\n+    return yaml.safe_load(text)\n" in completed.stdout
    assert completed.stdout.startswith("--- a/app.py\n+++ b/app.py\n")
    assert "Would fix 1 finding(s) in 1 file(s)" in completed.stderr
    assert (project / "app.py").read_text(encoding="utf-8") == SOURCE


def test_fix_writes_and_exits_zero_when_nothing_is_left(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {"app.py": SOURCE})
    completed = run_cli("fix", "--isolated", "--select", "PAT202", str(project))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Fixed 1 finding(s) in 1 file(s)" in completed.stdout
    assert "No findings left." in completed.stdout
    assert "yaml.safe_load(text)" in (project / "app.py").read_text(encoding="utf-8")
    again = run_cli("fix", "--diff", "--isolated", "--select", "PAT202", str(project))
    assert again.returncode == 0 and again.stdout == ""


def test_fix_exits_one_when_findings_are_left(tmp_path: Path) -> None:
    project = write_tree(
        tmp_path / "p",
        {"app.py": "import yaml\n\n\ndef read(text, loader):\n    return yaml.load(text, Loader=loader)\n"},
    )
    completed = run_cli("fix", "--isolated", "--select", "PAT202", str(project))
    assert completed.returncode == 1
    assert "Nothing to fix automatically." in completed.stdout
    assert "Left: 1 finding(s): 1 without an automatic fix." in completed.stdout


def test_scan_text_report_says_what_is_fixable(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {"app.py": SOURCE})
    completed = run_cli("scan", "--isolated", "--select", "PAT202", str(project))
    assert "[bastion fix]" in completed.stdout
    assert "Fixable: 1 with `bastion fix`, 0 more with `bastion fix --unsafe-fixes`" in completed.stdout


def test_rules_list_the_fix_applicability() -> None:
    listing = json.loads(run_cli("rules", "--format", "json").stdout)
    by_code = {rule["code"]: rule for rule in listing}
    assert by_code["PAT202"]["fix"] == "safe" and by_code["PAT202"]["fix_availability"] == "sometimes"
    assert by_code["PAT101"]["fix"] == "none"
    assert "| Fix | safe, for some findings: applied by `bastion fix` |" in run_cli("rule", "PAT202").stdout


def test_fixes_in_json_and_sarif_match_their_schemas(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {"app.py": SOURCE})
    options = ScanOptions(
        config=BastionConfig(select=("PAT202",)), root=project, jobs=1, services=ScanServices(offline=True)
    )
    result = scan([project], options)
    schema = json.loads(resources.files("bastion.report").joinpath("schemas/report-v2.json").read_text("utf-8"))
    document = json.loads(render_json(result, threshold=Severity.LOW))
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    fix = document["findings"][0]["fix"]
    assert fix["applicability"] == "safe" and fix["message"] == "Use `yaml.safe_load`"
    assert {"line": 5, "column": 12, "end_line": 5, "end_column": 21, "content": "yaml.safe_load"} in fix["edits"]
    sarif = sarif_document(result)
    validator = jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    assert not list(validator.iter_errors(sarif))
    (sarif_fix,) = sarif["runs"][0]["results"][0]["fixes"]
    change = sarif_fix["artifactChanges"][0]
    assert change["artifactLocation"] == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
    assert {
        "deletedRegion": {"startLine": 5, "startColumn": 26, "endLine": 5, "endColumn": 46},
        "insertedContent": {"text": ""},
    } in change["replacements"]
    assert sarif_fix["properties"] == {"applicability": "safe"}


def test_the_command_line_does_not_import_libcst_until_it_fixes() -> None:
    code = "import sys, bastion.cli.main; print('libcst' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "False"


def test_a_file_that_cannot_be_written_makes_the_run_incomplete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = write_tree(tmp_path / "p", {"app.py": SOURCE})

    def refuse(*_: object) -> None:
        raise NotEditable("changed on disk since it was read; left as it is")

    monkeypatch.setattr("bastion.api.fixing.write_fixed", refuse)
    result = CliRunner().invoke(cli, ["fix", "--isolated", "--select", "PAT202", str(project)])
    assert result.exit_code == 2, result.output
    assert "app.py: not edited: changed on disk since it was read; left as it is" in result.output
    assert (project / "app.py").read_text(encoding="utf-8") == SOURCE
