"""The GitHub Action: `action.yml` and the script it runs, exercised locally with a fake `GITHUB_*` environment."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.foundation.conftest import write_tree
from tests.secrets.gitrepo import GitRepo

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "github_action.py"
VULNERABLE = {
    "app.py": """\
        import requests
        import yaml


        def read(text):
            return yaml.load(text, Loader=yaml.Loader)


        def fetch(url):
            return requests.get(url)
        """
}


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("github_action", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("github_action", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _run(
    workspace: Path, tmp_path: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    # The checkout of a pull request: the base commit has none of the workspace's files, the head adds them all.
    repository = GitRepo(workspace)
    repository.git("commit", "-q", "--allow-empty", "-m", "base")
    base = repository.git("rev-parse", "HEAD")
    repository.commit("the pull request")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": base}, "head": {"repo": {"fork": False}}}}))
    output, step_summary = tmp_path / "output.txt", tmp_path / "summary.md"
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("INPUT_", "GITHUB_", "BASTION_"))
    }
    environment.update(
        {
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(step_summary),
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event),
            "RUNNER_TEMP": str(tmp_path / "runner-temp"),
            "INPUT_ARGS": "--isolated --offline",
            **{f"INPUT_{name.upper()}": value for name, value in inputs.items()},
        }
    )
    completed = subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300
    )
    outputs = {}
    if output.is_file():
        outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
    return completed, outputs, step_summary.read_text(encoding="utf-8") if step_summary.is_file() else ""


def test_findings_at_the_threshold_fail_the_job(tmp_path: Path) -> None:
    workspace = write_tree(tmp_path / "repo", VULNERABLE)
    completed, outputs, step_summary = _run(workspace, tmp_path)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    sarif = Path(outputs["sarif-file"])
    assert sarif == tmp_path / "runner-temp" / "bastion.sarif" and not (workspace / "bastion.sarif").exists()
    results = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert sorted(result["ruleId"] for result in results) == ["PAT202", "PAT507"]
    assert outputs == {
        "sarif-file": str(sarif),
        "findings": "2",
        "failing": "1",
        "exit-code": "1",
        "critical": "0",
        "high": "1",
        "medium": "1",
        "low": "0",
        "info": "0",
    }
    assert "**failed: findings at or above the threshold** (fail-on: `high`" in step_summary
    assert "| `app.py:6` | PAT202 | high |" in step_summary and "PAT507" not in step_summary.split("### At")[1]
    # Annotations on the pull request, from bastion's `--format github`.
    (annotation,) = [line for line in completed.stdout.splitlines() if line.startswith("::error file=")]
    assert annotation.startswith("::error file=app.py,line=6,") and "title=bastion PAT202" in annotation
    # A pull request is compared with its base commit, when this bastion can.
    command = next(line for line in completed.stdout.splitlines() if line.startswith("bastion: "))
    base = subprocess.run(
        ["git", "rev-parse", "HEAD~1"], cwd=workspace, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert f"--diff {base}" in command and "this bastion has no --diff" not in completed.stdout


def test_below_the_threshold_the_job_passes(tmp_path: Path) -> None:
    workspace = write_tree(tmp_path / "repo", VULNERABLE)
    completed, outputs, step_summary = _run(workspace, tmp_path, fail_on="critical", diff_base="none")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert (outputs["findings"], outputs["failing"], outputs["exit-code"]) == ("2", "0", "0")
    assert step_summary.startswith("## bastion security scan\n\n**passed**")
    command = next(line for line in completed.stdout.splitlines() if line.startswith("bastion: "))
    assert "--diff" not in command


def test_a_report_written_in_the_tree_is_not_scanned_again(tmp_path: Path) -> None:
    workspace = write_tree(tmp_path / "repo", VULNERABLE)
    completed, outputs, _ = _run(workspace, tmp_path, sarif_file="reports/bastion.sarif")
    assert outputs["sarif-file"] == str(workspace / "reports" / "bastion.sarif")
    assert "file=reports/bastion.sarif" not in completed.stdout, "the annotations run read the report"


def test_a_baseline_accepts_findings(tmp_path: Path) -> None:
    workspace = write_tree(tmp_path / "repo", VULNERABLE)
    subprocess.run(
        [sys.executable, "-m", "bastion", "scan", "--isolated", "--offline", "--write-baseline", "baseline.json"],
        cwd=workspace,
        check=True,
        capture_output=True,
    )
    completed, outputs, step_summary = _run(workspace, tmp_path, baseline="baseline.json", diff_base="")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert outputs["findings"] == "0" and "baseline `baseline.json`" in step_summary


def test_a_bad_input_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    completed, outputs, _ = _run(write_tree(tmp_path / "repo", VULNERABLE), tmp_path, fail_on="severe")
    assert completed.returncode == 2 and "::error title=bastion::fail-on must be one of" in completed.stdout
    assert "Traceback" not in completed.stderr and outputs == {}


def test_text_from_the_scanned_tree_cannot_break_the_summary() -> None:
    script = _script()
    assert script.plain("a|b`c<d\n## heading") == "a\\|b'c&lt;d ## heading"
    result = {
        "ruleId": "PAT101",
        "message": {"text": "evil | cell\n### forged heading"},
        "properties": {"severity": "high"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a|b.py"}, "region": {"startLine": 3}}}],
    }
    inputs = script.Inputs.from_environment({})
    text = script.summary(inputs, script.count([result], "high"), [result], None, 1)
    row = next(line for line in text.splitlines() if "PAT101" in line)
    assert row == "| `a\\|b.py:3` | PAT101 | high | evil \\| cell ### forged heading |"


def test_action_metadata_matches_the_script() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = {step.get("id", step["name"]): step for step in action["runs"]["steps"]}
    scan = steps["scan"]
    # Inputs reach the script through the environment only: never pasted into shell code.
    assert "inputs." not in scan["run"] and "${{" not in scan["run"]
    assert {
        name: scan["env"][f"INPUT_{name.upper().replace('-', '_')}"]
        for name in action["inputs"]
        if f"INPUT_{name.upper().replace('-', '_')}" in scan["env"]
    }
    for name in ("paths", "fail-on", "baseline", "diff-base", "args", "sarif-file"):
        assert scan["env"][f"INPUT_{name.upper().replace('-', '_')}"] == f"${{{{ inputs.{name} }}}}"
    install = steps["Install bastion"]
    assert "github.action_path" in install["env"]["BASTION_SOURCE"] and "${{" not in install["run"]
    upload = steps["Upload SARIF to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@") and upload["if"].startswith("always()")
    written = {"sarif-file", "findings", "failing", "exit-code", "critical", "high", "medium", "low"}
    assert set(action["outputs"]) <= written
    for output in action["outputs"].values():
        assert output["value"].startswith("${{ steps.scan.outputs.")


@pytest.mark.parametrize(("event_name", "expected"), [("pull_request", "0123abc"), ("push", None)])
def test_the_diff_base_of_auto(tmp_path: Path, event_name: str, expected: str | None) -> None:
    script = _script()
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": "0123abc"}}}))
    inputs = script.Inputs.from_environment({})
    environ = {"GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event)}
    assert script.diff_base(inputs, environ) == expected
