"""Pattern rules are high only where the code itself shows the danger; a wrapper that passes on its caller's
command is a guess about the callers, reported at medium."""

from __future__ import annotations

from pathlib import Path

from bastion.core.severity import Severity
from tests.harness import scan_fixture

WRAPPER = """import subprocess


def run_command(command):
    return subprocess.Popen(command, shell=True).communicate()


def merge(label):
    return subprocess.run(f"gh pr list -l {label}", shell=True)


def status():
    return subprocess.run("git status", shell=True)
"""


def test_shell_severity_follows_what_the_call_shows(tmp_path: Path) -> None:
    (tmp_path / "tool.py").write_text(WRAPPER, encoding="utf-8")
    result = scan_fixture(tmp_path, "PAT301")
    severities = {finding.location.line: finding.severity for finding in result.findings}
    assert severities == {5: Severity.MEDIUM, 9: Severity.HIGH, 13: Severity.LOW}
