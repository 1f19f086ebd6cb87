"""A scan that reuses the cache reports exactly what a scan without it does, through edits, deletions and renames;
a damaged entry is a miss; the CLI keeps the cache where the user says, never where the tree says."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bastion.api import ScanOptions, scan
from bastion.cli.main import cli
from bastion.core.config import BastionConfig
from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.report import render
from tests.conftest import make_services

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "vulnerable-flask-app"
FORMATS = ("json", "sarif", "text")


def _scan(root: Path, cache: Path | None, jobs: int = 1) -> ScanResult:
    options = ScanOptions(config=BastionConfig(), root=root, jobs=jobs, services=make_services(), cache_dir=cache)
    return dataclasses.replace(scan([root], options), duration=0.0)


def _reports(result: ScanResult) -> dict[str, str]:
    return {fmt: render(result, fmt, threshold=Severity.LOW) for fmt in FORMATS if fmt != "text"} | {
        "findings": "\n".join(f"{f.location} {f.code} {f.message} {f.fingerprint}" for f in result.findings),
        "notices": "\n".join(n.render() for n in result.notices),
    }


def _edit(path: str, text: str) -> Callable[[Path], None]:
    return lambda root: (root / path).write_text((root / path).read_text() + text)


STEPS: list[tuple[str, Callable[[Path], None]]] = [
    ("unchanged", lambda root: None),
    ("a sink added", _edit("app/views.py", "\n\ndef later(cmd):\n    import os\n    os.system(cmd)\n")),
    ("a file deleted", lambda root: (root / "app" / "security.py").unlink()),
    ("a file renamed", lambda root: (root / "app" / "db.py").rename(root / "app" / "database.py")),
    ("a new module", lambda root: (root / "extra.py").write_text("import pickle\npickle.loads(b'')\n")),
    ("a Dockerfile", lambda root: (root / "Dockerfile").write_text("FROM python:3.12\nRUN curl -s x | sh\n")),
    ("a suppression", _edit("extra.py", "eval(input())  # bastion: ignore[PAT101]\n")),
    ("a requirements pin", lambda root: (root / "requirements.txt").write_text("django==2.0\n")),
    # The taint solve is kept per part of the project (`bastion.taint.incremental`): edits that change what another
    # module sees must re-solve that module too.
    ("a sanitising helper", lambda root: _write(root, {"app/clean.py": SANITISING, "app/tools.py": TOOLS})),
    ("the helper stops sanitising", lambda root: _write(root, {"app/clean.py": PASSING_ON})),
    ("lines shifted above the call", lambda root: _write(root, {"app/tools.py": "# tools\n" + TOOLS})),
    ("the helper sanitises again", lambda root: _write(root, {"app/clean.py": SANITISING})),
    ("the helper renamed", lambda root: _write(root, {"app/clean.py": SANITISING.replace("def clean", "def tidy")})),
    ("the helper deleted", lambda root: (root / "app" / "clean.py").unlink()),
]
# The finding each step must (True) or must not (False) have in app/tools.py: the steps do what they say.
TOOLS_FINDING = {
    "a sanitising helper": False,
    "the helper stops sanitising": True,
    "lines shifted above the call": True,
    "the helper sanitises again": False,
    "the helper renamed": True,  # an unknown call passes its argument on
    "the helper deleted": True,
}
SANITISING = "import shlex\n\n\ndef clean(value):\n    return shlex.quote(value)\n"
PASSING_ON = "def clean(value):\n    return value.strip()\n"
TOOLS = (
    "import subprocess\n\nfrom flask import request\n\nfrom app.clean import clean\nfrom app.views import app\n\n\n"
    "@app.route('/list')\ndef listing():\n"
    "    return subprocess.check_output('ls ' + clean(request.args['d']), shell=True)\n"
)


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).write_text(text)


def _replay(
    tmp_path: Path, steps: list[tuple[str, Callable[[Path], None]]], expected: dict[str, bool], sink: str, code: str
) -> None:
    """Each step, then a cold scan and two warm ones (the second takes every result from the cache): the same
    reports. `expected`: whether a `code` finding (a prefix) in `sink` follows the step, so that the steps do what
    they say."""
    root = tmp_path / "app"
    shutil.copytree(EXAMPLE, root)
    cache = tmp_path / "cache"
    _scan(root, cache)  # fill the cache
    for label, step in steps:
        step(root)
        cold_result = _scan(root, None)
        if label in expected:
            found = any(f.location.path == sink and f.code.startswith(code) for f in cold_result.findings)
            assert found == expected[label], f"after {label}"
        cold = _reports(cold_result)
        assert _reports(_scan(root, cache)) == cold, f"after {label}"
        assert _reports(_scan(root, cache)) == cold, f"after {label}, fully warm"


def test_warm_scans_report_exactly_what_cold_scans_do(tmp_path: Path) -> None:
    _replay(tmp_path, STEPS, TOOLS_FINDING, "app/tools.py", "TNT")


# A module many others call, with a redefined method (`@prefix.setter`: its facts name it by line, so shifting
# lines changes what links it to the others): its edits re-solve the taint part most of the project is in.
CORE = """import subprocess


class Runner:
    def __init__(self, prefix):
        self._prefix = prefix

    @property
    def prefix(self):
        return self._prefix

    @prefix.setter
    def prefix(self, value):
        self._prefix = value

    def run(self, argument):
        return subprocess.check_output(self._prefix + argument, shell=True)


def run(argument):
    return Runner("ls ").run(argument)


def shout(text):
    return text.upper()
"""
USERS = (
    "from flask import request\n\nfrom app.core import run, shout\nfrom app.views import app\n\n\n"
    "@app.route('/users')\ndef users():\n    return run(shout(request.args['name']))\n"
)
ADMIN = (
    "from flask import request\n\nfrom app.core import Runner\nfrom app.views import app\n\n\n"
    "@app.route('/admin')\ndef admin():\n    return Runner('cat ').run(request.form['file'])\n"
)
QUOTING = CORE.replace("import subprocess", "import shlex\nimport subprocess").replace(
    "self._prefix + argument", "self._prefix + shlex.quote(argument)"
)
CORE_STEPS: list[tuple[str, Callable[[Path], None]]] = [
    ("a core module and its callers", lambda root: _write(root, {"app/core.py": CORE, "app/users.py": USERS})),
    ("a second caller", lambda root: _write(root, {"app/admin.py": ADMIN})),
    ("lines shifted above the redefined method", lambda root: _write(root, {"app/core.py": "# core\n" + CORE})),
    ("the core quotes what it runs", lambda root: _write(root, {"app/core.py": QUOTING})),
    ("a comment in the core", lambda root: _write(root, {"app/core.py": QUOTING + "# reviewed\n"})),
    ("the core runs input again, lines shifted", lambda root: _write(root, {"app/core.py": "\n\n" + CORE})),
    ("a core helper renamed", lambda root: _write(root, {"app/core.py": CORE.replace("def shout", "def yell")})),
    ("a caller deleted", lambda root: (root / "app" / "admin.py").unlink()),
    ("a caller renamed", lambda root: (root / "app" / "users.py").rename(root / "app" / "people.py")),
    ("the core deleted", lambda root: (root / "app" / "core.py").unlink()),
]
# Whether each step leaves request data reaching the core's sink: the steps do what they say.
CORE_FINDING = {
    "a core module and its callers": True,
    "lines shifted above the redefined method": True,
    "the core quotes what it runs": False,
    "a comment in the core": False,
    "the core runs input again, lines shifted": True,
    "a caller deleted": True,
    "a caller renamed": True,
    "the core deleted": False,
}


def test_edits_of_a_core_module_keep_warm_scans_equal_to_cold_ones(tmp_path: Path) -> None:
    _replay(tmp_path, CORE_STEPS, CORE_FINDING, "app/core.py", "TNT102")


def test_parallel_and_sequential_warm_scans_agree(tmp_path: Path) -> None:
    root = tmp_path / "app"
    shutil.copytree(EXAMPLE, root)
    for number in range(30):  # enough files for worker processes
        (root / f"m{number}.py").write_text(f"import os\nos.system('x{number}' + input())\n")
    cache = tmp_path / "cache"
    cold = _reports(_scan(root, None, jobs=2))
    assert _reports(_scan(root, cache, jobs=2)) == cold
    assert _reports(_scan(root, cache, jobs=1)) == cold


@pytest.mark.parametrize("damage", ["garbage", '{"@c": "os.system", "a": ["echo"]}', "truncated-facts"])
def test_a_damaged_entry_is_a_miss_with_a_notice(tmp_path: Path, damage: str) -> None:
    root = tmp_path / "app"
    shutil.copytree(EXAMPLE, root)
    cache = tmp_path / "cache"
    cold = _scan(root, None)
    _scan(root, cache)
    with sqlite3.connect(cache / "results-v1.sqlite") as connection:
        if damage == "truncated-facts":
            # A valid entry whose facts name a class the codec does not know: found when a project rule asks.
            rows = connection.execute("SELECT key, value FROM entries WHERE value LIKE '%ModuleFacts%'").fetchall()
            for key, value in rows:
                connection.execute(
                    "UPDATE entries SET value = ? WHERE key = ?", (value.replace("ModuleFacts", "Nonesuch"), key)
                )
        else:
            connection.execute("UPDATE entries SET value = ?", (damage,))
    warm = _scan(root, cache)
    assert [f.fingerprint for f in warm.findings] == [f.fingerprint for f in cold.findings]
    if damage != "truncated-facts":
        assert any("result cache" in notice.message for notice in warm.notices)


def test_the_cli_keeps_results_where_the_user_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "app"
    shutil.copytree(EXAMPLE, root)
    chosen = tmp_path / "chosen"
    runner = CliRunner()
    arguments = ["scan", str(root), "--offline", "--no-progress", "-f", "json", "-o", str(tmp_path / "r.json")]
    runner.invoke(cli, [*arguments, "--cache-dir", str(chosen)])
    assert (chosen / "results-v1.sqlite").exists()
    elsewhere = tmp_path / "from-env"
    monkeypatch.setenv("BASTION_CACHE_DIR", str(elsewhere))
    runner.invoke(cli, [*arguments, "--no-cache"])
    assert not elsewhere.exists()
    runner.invoke(cli, arguments)
    assert (elsewhere / "results-v1.sqlite").exists()
    cleaned = runner.invoke(cli, ["cache", "clean"])
    assert cleaned.exit_code == 0 and "Removed 1" in cleaned.output
    assert not (elsewhere / "results-v1.sqlite").exists()


def test_a_tree_cannot_choose_the_cache(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    (root / "pyproject.toml").write_text('[tool.bastion]\ncache-dir = "/tmp/elsewhere"\n')
    (root / "a.py").write_text("x = 1\n")
    result = CliRunner().invoke(cli, ["scan", str(root), "--offline", "--no-progress"])
    assert result.exit_code == 2 and "cache-dir" in result.output
