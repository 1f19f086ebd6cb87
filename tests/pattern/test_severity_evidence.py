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


BACKUP = """import os
import subprocess
import time
from subprocess import Popen
from urllib.parse import urlparse

from shop.settings import settings


def download_backup():
    db_url = settings.database_url
    dump = f"{settings.data_folder}/shop-{int(time.time())}.dmp"
    p = urlparse(db_url)
    command = f"pg_dump --host={p.hostname} --dbname={p.path.replace('/', '')} --file={dump}"
    Popen(command, shell=True, env={**os.environ, "PGPASSWORD": p.password or ""}).wait()
    Popen(f"rm {dump}", shell=True).wait()
    subprocess.run(f"du -sh {os.environ['DATA_DIR']}", shell=True)


def restore(request):
    name = request.args["name"]
    p = urlparse(settings.database_url)
    subprocess.run(f"pg_restore --host={p.hostname} {name}", shell=True)
"""


def test_a_command_built_from_configuration_is_low(tmp_path: Path) -> None:
    # Shaped like an admin backup endpoint that runs pg_dump with the server's own database URL.
    (tmp_path / "backup.py").write_text(BACKUP, encoding="utf-8")
    result = scan_fixture(tmp_path, "PAT301")
    severities = {finding.location.line: finding.severity for finding in result.findings}
    assert severities == {15: Severity.LOW, 16: Severity.LOW, 17: Severity.LOW, 23: Severity.HIGH}
