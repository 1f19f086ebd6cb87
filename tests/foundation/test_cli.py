"""The command line as a user meets it: exit codes, formats, selection, output files."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.foundation.conftest import run_cli, run_cli_process, write_tree

VULNERABLE = {
    "app.py": """\
        import subprocess
        import yaml


        def run(command, text):
            subprocess.run(command, shell=True)
            return yaml.load(text)
        """,
}
CLEAN = {"app.py": "def add(a, b):\n    return a + b\n"}


def test_version() -> None:
    # One run as a real process: the installed entry point, `python -m bastion`, works end to end.
    result = run_cli_process("--version")
    assert result.returncode == 0
    assert "bastion" in result.stdout and "0.1.0" in result.stdout


def test_exit_codes(tmp_path: Path) -> None:
    assert run_cli("scan", str(write_tree(tmp_path / "clean", CLEAN))).returncode == 0
    assert run_cli("scan", str(write_tree(tmp_path / "bad", VULNERABLE))).returncode == 1
    missing = run_cli("scan", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert "no such file or directory" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_text_report_shows_line_caret_fix_and_summary(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", VULNERABLE)
    result = run_cli("scan", str(project), "--isolated")
    out = result.stdout
    assert "app.py" in out
    assert "6:5" in out and "PAT301" in out and "high" in out
    assert "subprocess.run(command, shell=True)" in out
    assert "^^^^" in out
    assert "fix: pass the command as a list" in out
    assert "Found 2 findings" in out and "By family: PAT 2" in out
    assert "\x1b[" not in out, "piped output must not contain colour codes"


def test_piped_output_is_stable(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", VULNERABLE)
    first = run_cli("scan", str(project), "--isolated").stdout
    second = run_cli("scan", str(project), "--isolated").stdout
    strip = [line for line in first.splitlines() if not line.startswith("Scanned")]
    assert strip == [line for line in second.splitlines() if not line.startswith("Scanned")]


def test_fail_on_threshold(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {"app.py": "import os\nos.system('clear')\n"})
    assert run_cli("scan", str(project), "--isolated").returncode == 1  # a low finding
    assert run_cli("scan", str(project), "--isolated", "--fail-on", "medium").returncode == 0
    assert run_cli("scan", str(project), "--isolated", "--fail-on", "bogus").returncode == 2


def test_select_and_ignore_by_prefix(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", VULNERABLE)

    def codes(*options: str) -> set[str]:
        result = run_cli("scan", str(project), "--isolated", "-f", "json", *options)
        return {finding["code"] for finding in json.loads(result.stdout)["findings"]}

    assert codes() == {"PAT301", "PAT202"}
    assert codes("--select", "PAT3") == {"PAT301"}
    assert codes("--ignore", "PAT2") == {"PAT301"}
    assert codes("--select", "PAT202,PAT301", "--ignore", "PAT3") == {"PAT202", "PAT301"}  # exact code wins
    assert codes("--ignore", "PAT") == set()
    unknown = run_cli("scan", str(project), "--isolated", "--select", "PAT999")
    assert unknown.returncode == 2 and "matches no rule" in unknown.stderr


def test_output_file_keeps_summary_on_terminal(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", VULNERABLE)
    for fmt in ("json", "sarif", "html", "text"):
        target = tmp_path / f"report.{fmt}"
        result = run_cli("scan", str(project), "--isolated", "-f", fmt, "-o", str(target))
        assert result.returncode == 1
        assert target.is_file() and target.stat().st_size > 0
        assert "Found 2 findings" in result.stdout
        assert "written to" in result.stdout
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["findings"] == 2
    assert "<html" in (tmp_path / "report.html").read_text()
    assert "PAT301" in (tmp_path / "report.text").read_text()


def test_output_file_in_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", VULNERABLE)
    result = run_cli("scan", str(project), "-f", "json", "-o", str(tmp_path / "no" / "such" / "dir.json"))
    assert result.returncode == 2
    assert "cannot write the report" in result.stderr and "Traceback" not in result.stderr


def test_rules_and_rule_docs() -> None:
    listing = run_cli("rules")
    assert listing.returncode == 0
    assert "PAT202" in listing.stdout and "unsafe-yaml-load" in listing.stdout and "CWE-502" in listing.stdout
    doc = run_cli("rule", "PAT202")
    assert doc.returncode == 0
    assert "## Why is this bad?" in doc.stdout and "yaml.safe_load" in doc.stdout
    assert run_cli("rule", "unsafe-yaml-load").returncode == 0
    unknown = run_cli("rule", "NOPE123")
    assert unknown.returncode == 2 and "unknown rule" in unknown.stderr
    as_json = json.loads(run_cli("rules", "--format", "json").stdout)
    assert any(rule["code"] == "PAT101" and rule["cwe"] == ["CWE-95"] for rule in as_json)


def test_show_suppressed_and_unused(tmp_path: Path) -> None:
    project = write_tree(
        tmp_path / "p",
        {
            "app.py": """\
                import subprocess


                def run(command):
                    subprocess.run(command, shell=True)  # bastion: ignore[PAT301] trusted input
                    return command  # bastion: ignore[PAT202]
                """
        },
    )
    quiet = run_cli("scan", str(project), "--isolated")
    assert quiet.returncode == 0 and "1 suppressed" in quiet.stdout
    shown = run_cli("scan", str(project), "--isolated", "--show-suppressed")
    assert "Suppressed (1)" in shown.stdout and "bastion: ignore[PAT301]" in shown.stdout
    unused = run_cli("scan", str(project), "--isolated", "--report-unused-suppressions", "-f", "json")
    findings = json.loads(unused.stdout)["findings"]
    assert [(f["code"], f["line"]) for f in findings] == [("BST001", 6)]


def test_baseline_reports_only_new_findings(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", VULNERABLE)
    baseline = tmp_path / "baseline.json"
    written = run_cli("scan", str(project), "--isolated", "--write-baseline", str(baseline))
    assert written.returncode == 0 and "Wrote 2 finding(s)" in written.stdout
    assert run_cli("scan", str(project), "--isolated", "--baseline", str(baseline)).returncode == 0
    source = (project / "app.py").read_text()
    # Move code down (unrelated edit above) and add one new finding: only the new one is reported.
    moved = "import os\n\n\n" + source + "\n\ndef more(cmd):\n    os.system(cmd)\n"
    (project / "app.py").write_text(moved)
    result = run_cli("scan", str(project), "--isolated", "--baseline", str(baseline), "-f", "json")
    codes = [f["code"] for f in json.loads(result.stdout)["findings"]]
    assert codes == ["PAT302"]
    assert run_cli("scan", str(project), "--baseline", str(tmp_path / "missing.json")).returncode == 2


def test_baseline_file_is_checked(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", CLEAN)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = run_cli("scan", str(project), "--baseline", str(broken))
    assert result.returncode == 2 and "not valid JSON" in result.stderr
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"results": []}')
    result = run_cli("scan", str(project), "--baseline", str(wrong))
    assert result.returncode == 2 and "not a bastion baseline" in result.stderr


def test_jobs_do_not_change_the_output(tmp_path: Path) -> None:
    files = {f"pkg/module_{n:03d}.py": f"import os\n\ndef f{n}(x):\n    os.system(x)\n" for n in range(60)}
    files["pkg/__init__.py"] = ""
    project = write_tree(tmp_path / "p", files)

    def report(jobs: str) -> list[dict[str, object]]:
        result = run_cli("scan", str(project), "--isolated", "-f", "json", "--jobs", jobs)
        return json.loads(result.stdout)["findings"]

    sequential = report("1")
    assert len(sequential) == 60
    assert report("2") == sequential
    assert report("3") == sequential


@pytest.mark.skipif(shutil.which("script") is None, reason="needs util-linux `script` for a pseudo-terminal")
def test_colour_and_progress_only_on_a_terminal(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", VULNERABLE)
    command = f"{shlex.quote(sys.executable)} -m bastion scan {shlex.quote(str(project))} --isolated"
    on_tty = subprocess.run(  # bastion: ignore[PAT305] util-linux script, found on PATH on purpose
        ["script", "-qec", command, "/dev/null"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TERM": "xterm"},
    )
    assert "\x1b[" in on_tty.stdout, "colour on a terminal"
    assert "scanning" in on_tty.stdout, "progress bar on a terminal"
    piped = run_cli("scan", str(project), "--isolated")
    assert "\x1b[" not in piped.stdout + piped.stderr and "scanning" not in piped.stderr


def test_expired_baseline_entries_come_back_with_a_notice(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", VULNERABLE)
    baseline = tmp_path / "baseline.json"
    run_cli("scan", str(project), "--isolated", "--write-baseline", str(baseline))
    document = json.loads(baseline.read_text())
    document["findings"][0]["expires"] = "2000-01-01"
    document["findings"][0]["reason"] = "accepted until the rewrite"
    baseline.write_text(json.dumps(document))
    result = run_cli("scan", str(project), "--isolated", "--baseline", str(baseline), "-f", "json")
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert [f["fingerprint"] for f in report["findings"]] == [document["findings"][0]["fingerprint"]]
    assert report["summary"]["baselined"] == 1
    assert any("expired on 2000-01-01" in n["message"] for n in report["notices"])
