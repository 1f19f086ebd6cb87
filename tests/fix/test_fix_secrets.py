"""No secret leaves through a fix: not in a fix's edits (JSON, SARIF), not in `bastion fix --diff`."""

from __future__ import annotations

import json
from pathlib import Path

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from bastion.core.severity import Severity
from bastion.report.json_report import render_json
from bastion.report.sarif import render_sarif
from bastion.rules.base import ScanServices
from tests.foundation.conftest import run_cli, write_tree

# Assembled at run time: the repository itself holds no secret-shaped string.
TOKEN = "gh" + "p_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def test_a_fix_that_would_carry_a_secret_is_not_offered(tmp_path: Path) -> None:
    command = f"curl -H 'Authorization: token {TOKEN}' https://api.example.org"
    source = f"import subprocess\n\nsubprocess.run({command!r}, shell=True)\n"
    project = write_tree(tmp_path / "p", {"job.py": source})
    options = ScanOptions(
        config=BastionConfig(select=("PAT301",)), root=project, jobs=1, services=ScanServices(offline=True)
    )
    result = scan([project], options)
    (finding,) = result.findings
    assert finding.fix is None
    for report in (render_json(result, threshold=Severity.LOW), render_sarif(result)):
        assert TOKEN not in report and TOKEN[:12] not in report
    assert json.loads(render_json(result, threshold=Severity.LOW))["findings"][0]["fix"] is None


def test_the_diff_never_shows_a_secret_the_file_keeps(tmp_path: Path) -> None:
    call = f'requests.get("https://api.example.org", headers={{"Authorization": "token {TOKEN}"}})'
    source = f"import requests\n\n\ndef me():\n    return {call}\n"
    project = write_tree(tmp_path / "p", {"client.py": source})
    shown = run_cli("fix", "--diff", "--isolated", "--select", "PAT507", str(project))
    assert shown.returncode == 1 and "+    return requests.get(" in shown.stdout and "timeout=30" in shown.stdout
    assert TOKEN not in shown.stdout + shown.stderr and TOKEN[:12] not in shown.stdout
    applied = run_cli("fix", "--isolated", "--select", "PAT507", str(project))
    assert applied.returncode == 0 and TOKEN not in applied.stdout
    assert (project / "client.py").read_text(encoding="utf-8") == source.replace("})\n", "}, timeout=30)\n")
