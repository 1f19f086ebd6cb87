"""No bastion process imports from the scanned tree or the current directory.

The hostile tree is a git repository of application code whose root also holds a shadow module for every module
bastion's processes load (third-party and standard library alike, found by running each command and listing
`sys.modules`), plus names next to bastion's own. Each shadow leaves a marker file when imported. Every command
runs as a real subprocess, from inside the tree, at `--jobs 1`, `2` and the default: no marker may appear, and the
scan must still report what is in the tree.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import OSV_TEST_DATA
from tests.hostile.attack import (
    bastion_command,
    dependency_modules,
    markers,
    modules_imported_by,
    plant_markers,
    run,
)
from tests.secrets.gitrepo import GitRepo
from tests.secrets.tokens import GITHUB

VIEWS = """\
import subprocess

import yaml
from flask import Flask, request

app = Flask(__name__)


@app.route("/run")
def run():
    return str(eval(request.args["expr"]))


def load(text):
    return yaml.load(text)


def ping(host):
    subprocess.run("ping " + host, shell=True)
"""

# Names a hostile tree would try beside the modules actually loaded and every dependency's: bastion itself, the
# files Python's `site` looks for, the start-up modules of `python -m` and of multiprocessing's helper processes.
ADJACENT = ["bastion", "sitecustomize", "usercustomize", "runpy", "multiprocessing", "concurrent", "pygit2"]

PROBED_COMMANDS = [
    ["scan", "--jobs", "1", "--db", str(OSV_TEST_DATA), "--no-progress"],
    ["secrets", "--history", "--no-progress"],
    ["checklist", "--jobs", "1", "--db", str(OSV_TEST_DATA), "--no-progress"],
    ["config"],
]


class Tree:
    def __init__(self, root: Path, marker_dir: Path, home: Path) -> None:
        self.root = root
        self.marker_dir = marker_dir
        self.home = home

    def bastion(self, *args: str, command: list[str] | None = None) -> subprocess.CompletedProcess[str]:
        completed = run([*(command or bastion_command()), *args], cwd=self.root, home=self.home)
        planted = markers(self.marker_dir)
        assert not planted, f"bastion {' '.join(args)} imported from the scanned tree: {planted}\n{completed.stderr}"
        return completed


def _shadow_names(root: Path, home: Path) -> list[str]:
    probe_dir = home / "probe"
    probe_dir.mkdir()
    loaded: set[str] = set()
    for number, args in enumerate(PROBED_COMMANDS):
        loaded |= modules_imported_by([*args, str(root)], cwd=probe_dir, home=home, out=probe_dir / f"{number}.json")
    # A built-in module is never looked up on sys.path; everything else may be.
    names = (
        (loaded | dependency_modules() | set(ADJACENT)) - set(sys.builtin_module_names) - {"__main__", "__mp_main__"}
    )
    return sorted(names)


def _build(base: Path) -> Tree:
    home = base / "home"
    home.mkdir()
    repo = GitRepo(base / "checkout")
    token = GITHUB
    repo.commit("first", **{"settings.py": f'GITHUB_TOKEN = "{token}"\n'})
    files = {"app__views.py": VIEWS, "requirements.txt": "flask==0.12.2\n", "settings.py": "import os\n"}
    files.update({f"app__module_{number}.py": f"VALUE = {number}\n" for number in range(32)})
    repo.commit("application", **files)
    names = _shadow_names(repo.path, home)
    marker_dir = base / "markers"
    marker_dir.mkdir()
    plant_markers(repo.path, names, marker_dir)
    return Tree(repo.path, marker_dir, home)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    return _build(tmp_path_factory.mktemp("shadowing"))


def _codes(completed: subprocess.CompletedProcess[str]) -> set[str]:
    assert completed.returncode in (0, 1), completed.stderr
    return {finding["code"] for finding in json.loads(completed.stdout)["findings"]}


def test_the_tree_shadows_every_loaded_dependency(tree: Tree) -> None:
    shadows = {path.stem for path in tree.root.glob("*.py")}
    for expected in ("re2", "pathspec", "yaml", "rich", "click", "httpx", "jinja2", "json", "bastion"):
        assert expected in shadows
    assert len(list(tree.root.rglob("*.py"))) > 30


@pytest.mark.parametrize("jobs", [["--jobs", "1"], ["--jobs", "2"], []], ids=["jobs1", "jobs2", "default"])
def test_scan(tree: Tree, jobs: list[str]) -> None:
    cache = str(tree.home / "osv-cache")
    completed = tree.bastion("scan", *jobs, "--db", str(OSV_TEST_DATA), "--cache-dir", cache, "-f", "json")
    assert completed.returncode == 1
    assert {"TNT103", "PAT202", "PAT301", "DEP101"} <= _codes(completed)


@pytest.mark.parametrize("jobs", [["--jobs", "1"], ["--jobs", "2"], []], ids=["jobs1", "jobs2", "default"])
def test_secrets(tree: Tree, jobs: list[str]) -> None:
    completed = tree.bastion("secrets", *jobs, "-f", "json")
    # The token left the working tree: only the hygiene and history views could see it, not a tree scan.
    assert completed.returncode in (0, 1), completed.stderr


def test_secrets_history(tree: Tree) -> None:
    completed = tree.bastion("secrets", "--history", "-f", "json")
    findings = json.loads(completed.stdout)["findings"]
    assert completed.returncode == 1
    assert [(f["path"], f["properties"]["in_working_tree"]) for f in findings] == [("settings.py", False)]


def test_deps(tree: Tree) -> None:
    cache = str(tree.home / "osv-cache")
    completed = tree.bastion("deps", "--db", str(OSV_TEST_DATA), "--cache-dir", cache, "-f", "json")
    assert "DEP101" in _codes(completed)


@pytest.mark.parametrize("jobs", [["--jobs", "1"], ["--jobs", "2"], []], ids=["jobs1", "jobs2", "default"])
def test_checklist(tree: Tree, jobs: list[str]) -> None:
    cache = str(tree.home / "osv-cache")
    completed = tree.bastion("checklist", *jobs, "--db", str(OSV_TEST_DATA), "--cache-dir", cache, "-f", "json")
    assert completed.returncode in (0, 1), completed.stderr
    assert json.loads(completed.stdout)


@pytest.mark.parametrize("args", [["config"], ["rules"], ["rule", "PAT202"], ["--version"], ["--help"]])
def test_other_commands(tree: Tree, args: list[str]) -> None:
    completed = tree.bastion(*args)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip()


def _loaded_by_python_dash_m(workdir: Path, home: Path) -> set[str]:
    """Top-level modules Python loads for `python -m NAME` before NAME's code runs (from the current directory
    first, when it holds them)."""
    workdir.mkdir()
    (workdir / "start_probe.py").write_text(
        "import json, sys\nprint(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))\n", encoding="utf-8"
    )
    completed = run([sys.executable, "-m", "start_probe"], cwd=workdir, home=home)
    return set(json.loads(completed.stdout)) - {"start_probe", "__main__"}


def test_python_dash_m(tree: Tree, tmp_path: Path) -> None:
    """`python -m bastion` from inside the tree: Python itself imports `bastion`, and what `runpy` needs that is
    not loaded yet (`importlib` on 3.11), from the current directory before any of bastion's code runs;
    docs/security.md says so and what to run instead. On a copy of the tree without those shadows, nothing else
    is imported from it: from its first line on, bastion keeps the current directory off every path."""
    before_bastion = _loaded_by_python_dash_m(tmp_path / "probe", tree.home) | {"bastion"}
    copy = tmp_path / "checkout"
    shutil.copytree(tree.root, copy, symlinks=True)
    for name in before_bastion:
        (copy / f"{name}.py").unlink(missing_ok=True)
    cache = str(tree.home / "osv-cache")
    args = ["scan", "--jobs", "2", "--db", str(OSV_TEST_DATA), "--cache-dir", cache, "-f", "json"]
    completed = run([sys.executable, "-m", "bastion", *args], cwd=copy, home=tree.home)
    assert markers(tree.marker_dir) == [], completed.stderr
    assert "TNT103" in _codes(completed)


@pytest.mark.parametrize(
    "flag",
    [
        pytest.param("-P", marks=pytest.mark.skipif(sys.version_info < (3, 11), reason="-P is new in Python 3.11")),
        "-I",
    ],
)
def test_python_dash_m_with_a_safe_path_flag(tree: Tree, flag: str) -> None:
    """What docs/security.md tells users of `python -m`: with `-P` (3.11+) or `-I`, even `bastion` itself is
    not taken from the current directory."""
    cache = str(tree.home / "osv-cache")
    args = ["scan", "--jobs", "2", "--db", str(OSV_TEST_DATA), "--cache-dir", cache, "-f", "json"]
    completed = tree.bastion(*args, command=[sys.executable, flag, "-m", "bastion"])
    assert "TNT103" in _codes(completed)
