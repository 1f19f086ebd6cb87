"""Options for triaging a long report, as ruff/bandit/semgrep users expect them: --sort, --min-severity,
--statistics, --quiet/--verbose, --exit-zero, --fail-on info, paths relative to the current directory, a summary
whose numbers agree, and selectors that cancel out being an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bastion.cli.main import cli
from tests.foundation.conftest import write_tree

APP = {
    "app.py": """\
        import hashlib
        import os
        import subprocess

        import yaml


        def run(command, text, api_key):
            subprocess.run("tar -xf " + command, shell=True)
            os.system("clear")
            hashlib.md5(api_key)
            return yaml.load(text)
        """,
}
# high PAT301 (line 9), low PAT302 + PAT305 (10), medium PAT401 (11), high PAT202 (12). PAT305 is opt-in: the
# scans below switch it on (unless they select rules themselves).


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "project", APP)


def _run(*args: str) -> Result:
    opt_in = [] if "--select" in args else ["--extend-select", "PAT305"]
    return CliRunner().invoke(cli, ["scan", *args, "--isolated", "--offline", "--no-progress", *opt_in])


def _findings(result: Result) -> list[tuple[str, str, int]]:
    return [(f["code"], f["severity"], f["line"]) for f in json.loads(result.stdout)["findings"]]


def test_sort_orders(project: Path) -> None:
    by_file = _findings(_run(str(project), "-f", "json"))
    assert [line for _, _, line in by_file] == sorted(line for _, _, line in by_file)
    by_severity = _findings(_run(str(project), "-f", "json", "--sort", "severity"))
    assert [s for _, s, _ in by_severity] == ["high", "high", "medium", "low", "low"]
    assert [(c, line) for c, _, line in by_severity[:2]] == [("PAT301", 9), ("PAT202", 12)], "then file order"
    by_rule = _findings(_run(str(project), "-f", "json", "--sort", "rule"))
    assert [c for c, _, _ in by_rule] == ["PAT202", "PAT301", "PAT302", "PAT305", "PAT401"]
    text = _run(str(project), "--sort", "severity").stdout
    first = next(line for line in text.splitlines() if "PAT" in line)
    position, code = first.split()[:2]
    assert position.endswith("project/app.py:9:5") and code == "PAT301", "ungrouped: each line names its file"
    assert _run(str(project), "--sort", "size").exit_code == 2


def test_min_severity_reports_and_fails_on_what_it_shows(project: Path) -> None:
    result = _run(str(project), "-f", "json", "--min-severity", "high")
    report = json.loads(result.stdout)
    assert {f["severity"] for f in report["findings"]} == {"high"}
    assert report["summary"]["below_min_severity"] == 3 and report["summary"]["min_severity"] == "high"
    assert result.exit_code == 1
    only_low = write_tree(project.parent / "low", {"tool.py": "import os\nos.system('clear')\n"})
    assert _run(str(only_low), "--min-severity", "medium").exit_code == 0, "nothing shown, nothing fails"
    text = _run(str(project), "--min-severity", "high").stdout
    assert "Found 2 findings: 0 critical, 2 high, 0 medium, 0 low, 0 info; 2 at or above --fail-on low" in text
    assert "(--min-severity high: 3 below it not shown)" in text


def test_statistics(project: Path) -> None:
    text = _run(str(project), "--statistics").stdout
    rows = [line.split() for line in text.splitlines() if line.strip()[:1].isdigit()]
    assert ["1", "PAT301", "high", "subprocess-shell-true"] in [row[:4] for row in rows]
    assert "subprocess.run(command, shell=True)" not in text, "counts instead of the findings"
    assert "Found 5 findings" in text
    counts = json.loads(_run(str(project), "--statistics", "-f", "json").stdout)
    assert {row["code"]: row["count"] for row in counts} == {
        "PAT202": 1,
        "PAT301": 1,
        "PAT302": 1,
        "PAT305": 1,
        "PAT401": 1,
    }
    assert next(row for row in counts if row["code"] == "PAT202")["fixable"] == 1
    refused = _run(str(project), "--statistics", "-f", "sarif")
    assert refused.exit_code == 2 and "--statistics" in refused.output


def test_quiet_and_verbose(project: Path, tmp_path: Path) -> None:
    quiet = _run(str(project), "--quiet")
    assert "PAT301" in quiet.stdout and "Found" not in quiet.stdout and "Scanned" not in quiet.stdout
    written = _run(str(project), "-q", "-f", "json", "-o", str(tmp_path / "r.json"))
    assert written.stdout == "" and json.loads((tmp_path / "r.json").read_text())["findings"]
    plain = _run(str(project), "-f", "json")
    verbose = _run(str(project), "-f", "json", "--verbose")
    assert verbose.stdout == plain.stdout, "the report is the same; what ran goes to stderr"
    assert "bastion: rules:" in verbose.stderr and "bastion: time:" in verbose.stderr
    both = _run(str(project), "-q", "-v")
    assert both.exit_code == 2 and "cannot be used together" in both.output


def test_exit_zero_and_fail_on_info(project: Path) -> None:
    assert _run(str(project)).exit_code == 1
    assert _run(str(project), "--exit-zero").exit_code == 0
    manifest = write_tree(project.parent / "deps", {"requirements.txt": "flask==3.0.0\n"})
    informational = ("--select", "DEP203")
    assert _run(str(manifest), *informational).exit_code == 0, "an info finding is below the default --fail-on low"
    assert _run(str(manifest), *informational, "--fail-on", "info").exit_code == 1


def test_exit_zero_still_reports_an_incomplete_audit(project: Path) -> None:
    from tests.deps.osv_server import closed_port_url

    write_tree(project, {"requirements.txt": "flask==3.0.0\n"})
    args = ["scan", str(project), "--isolated", "--no-progress", "--exit-zero", "--osv-url", closed_port_url()]
    result = CliRunner().invoke(cli, [*args, "--cache-dir", str(project.parent / "cache")])
    assert result.exit_code == 2


def test_selectors_that_cancel_out_are_an_error(project: Path) -> None:
    result = _run(str(project), "--select", "TNT1", "--ignore", "TNT10")
    assert result.exit_code == 2
    assert "leaves no rule to run" in result.output and "TNT10" in result.output


def test_paths_are_relative_to_the_current_directory(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project.parent)
    text = _run("project").stdout
    assert "project/app.py" in text.splitlines()
    monkeypatch.chdir(project)
    assert "app.py" in _run(".").stdout.splitlines()
    report = json.loads(_run(".", "-f", "json").stdout)
    assert {f["path"] for f in report["findings"]} == {"app.py"}, "machine formats stay relative to the root"


def test_the_summary_adds_up(project: Path) -> None:
    text = _run(str(project)).stdout
    summary = json.loads(_run(str(project), "-f", "json").stdout)["summary"]
    line = next(line for line in text.splitlines() if line.startswith("Found"))
    assert line == (
        f"Found {summary['findings']} findings: 0 critical, 2 high, 1 medium, 2 low, 0 info; "
        f"{summary['failing']} at or above --fail-on low."
    )
