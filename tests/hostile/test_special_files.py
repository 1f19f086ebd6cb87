"""Special files: every file bastion reads is opened as a regular file with a size bound.

The hostile tree puts a symlink to `/dev/zero` (read without end), a symlink to `/dev/stdin` (a pipe the test
holds open and never writes: a read blocks for ever) and FIFOs (opening one blocks until a writer comes) where
bastion reads: `.gitignore` files, `.git/info/exclude`, `pyproject.toml`, `bastion.toml`, a requirements file, a
tracked `.env` (the hygiene check reads its head), the working-tree copy of a file whose history holds a secret,
and an advisory record in a `--db` folder. Every command runs as a subprocess from inside it, with a timeout and a
bound on its address space: it must finish, and still report the rest of the tree.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
from pathlib import Path

import pytest

from tests.conftest import OSV_TEST_DATA
from tests.hostile.attack import bastion_command, clean_environment
from tests.secrets.gitrepo import GitRepo
from tests.secrets.tokens import GITHUB, PROVIDER_TOKENS

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and /dev/zero")

TIMEOUT = 120
ADDRESS_SPACE = 4 * 1024**3  # far above what a scan of this tree needs, far below reading /dev/zero for 2 minutes
STRIPE = PROVIDER_TOKENS["stripe-live-key"]
VIEWS = "import yaml\n\n\ndef load(text):\n    return yaml.load(text)\n"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _hostile(path: Path, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(f"/dev/{kind}")


def _build(base: Path, *, special_git_files: bool) -> Path:
    git = GitRepo(base / "checkout")
    git.commit("settings", **{"settings.py": f'TOKEN = "{GITHUB}"\n'})
    git.commit("app", **{"app__views.py": VIEWS, "app__helpers.py": "X = 1\n", ".env": f"STRIPE_SECRET_KEY={STRIPE}\n"})
    root = git.path
    # After the commits: what git tracks stays, what the working tree holds is hostile.
    _hostile(root / ".gitignore", "zero")
    _hostile(root / "app" / ".gitignore", "stdin")
    _hostile(root / "lib" / ".gitignore", "fifo")
    (root / "lib" / "util.py").write_text("import pickle\n\n\ndef load(b):\n    return pickle.loads(b)\n")
    if special_git_files:
        _hostile(root / ".git" / "info" / "exclude", "fifo")
    _hostile(root / "lib" / "pyproject.toml", "zero")  # a manifest of a sub-project
    _hostile(root / "sub" / "pyproject.toml", "fifo")  # the configuration `bastion config` finds from sub/
    _hostile(root / "sub" / "bastion.toml", "stdin")
    (root / "sub" / "code.py").write_text("import os\n\n\ndef run(c):\n    os.system(c)\n")
    _hostile(root / "requirements.txt", "zero")
    _hostile(root / "requirements-dev.txt", "fifo")
    _hostile(root / "constraints.txt", "stdin")
    _hostile(root / ".env", "fifo")  # tracked: the hygiene check reads the head of the working-tree copy
    _hostile(root / "settings.py", "fifo")  # its history holds a secret: is it still in the working tree?
    _hostile(root / "big.py", "zero")
    _hostile(root / "pipe.py", "fifo")
    return root


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("special"), special_git_files=True)


@pytest.fixture(scope="module")
def tree_with_a_sound_git_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("special-history"), special_git_files=False)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("db")
    for record in sorted(OSV_TEST_DATA.rglob("*.json"))[:50]:
        (folder / record.name).write_bytes(record.read_bytes())
    _hostile(folder / "ZERO-0000.json", "zero")
    _hostile(folder / "FIFO-0000.json", "fifo")
    return folder


def _bastion(root: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    home.mkdir(exist_ok=True)
    # stdin is a pipe nobody writes to and that stays open: a read of /dev/stdin would wait for ever.
    with subprocess.Popen(
        [*bastion_command(), *args],
        cwd=root,
        env=clean_environment(home),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limit_memory,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            pytest.fail(f"bastion {' '.join(args)} hung on a special file\n{stderr[-3000:]}")
    assert "Traceback" not in stderr, stderr
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def _report(completed: subprocess.CompletedProcess[str]) -> dict:  # type: ignore[type-arg]
    assert completed.returncode in (0, 1), completed.stderr
    return json.loads(completed.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_scan(tree: Path, tmp_path: Path, jobs: str) -> None:
    report = _report(_bastion(tree, "scan", "--jobs", jobs, "-f", "json", "--offline", home=tmp_path / "home"))
    codes = {(finding["code"], finding["path"]) for finding in report["findings"]}
    assert {("PAT202", "app/views.py"), ("PAT201", "lib/util.py"), ("PAT302", "sub/code.py")} <= codes
    # Each special file is named, in a notice or in a "not analysed" finding.
    said = " ".join(f"{item.get('path')}: {item['message']}" for item in [*report["notices"], *report["findings"]])
    for name in (".gitignore", "lib/.gitignore", "lib/pyproject.toml", "requirements-dev.txt", "pipe.py", "big.py"):
        assert name in said, (name, said)


def test_secrets(tree: Path, tmp_path: Path) -> None:
    report = _report(_bastion(tree, "secrets", "-f", "json", home=tmp_path / "home"))
    assert ".env" in {finding["path"] for finding in report["findings"]}  # tracked, whatever its working copy


def test_secrets_history(tree_with_a_sound_git_directory: Path, tmp_path: Path) -> None:
    root = tree_with_a_sound_git_directory
    report = _report(_bastion(root, "secrets", "--history", "-f", "json", home=tmp_path / "home"))
    found = {(f["path"], f["properties"]["in_working_tree"]) for f in report["findings"]}
    assert ("settings.py", False) in found  # its working copy is a FIFO: not read, so not "still there"


@pytest.mark.parametrize("name", ["info/exclude", "index", "HEAD", "packed-refs", "config"])
def test_secrets_history_in_a_git_directory_holding_a_fifo(tmp_path: Path, name: str) -> None:
    """libgit2 would open it and wait: the repository is refused, with a clear error, at once."""
    git = GitRepo(tmp_path / "checkout")
    git.commit("settings", **{"settings.py": f'TOKEN = "{GITHUB}"\n'})
    git.git("pack-refs", "--all")
    _hostile(git.path / ".git" / name, "fifo")
    completed = _bastion(git.path, "secrets", "--history", "-f", "json", home=tmp_path / "home")
    assert completed.returncode == 2
    assert "not a regular file" in completed.stderr and name.split("/")[-1] in completed.stderr


def test_deps_and_checklist(tree: Path, tmp_path: Path, database: Path) -> None:
    home = tmp_path / "home"
    cache = str(home / "osv-cache")
    _report(_bastion(tree, "deps", "-f", "json", "--db", str(database), "--cache-dir", cache, home=home))
    completed = _bastion(tree, "checklist", "-f", "json", "--db", str(database), "--cache-dir", cache, home=home)
    assert completed.returncode in (0, 1), completed.stderr


@pytest.mark.parametrize("command", [["config"], ["scan", "--offline"]])
def test_configuration_that_is_not_a_regular_file(tree: Path, tmp_path: Path, command: list[str]) -> None:
    """Like a configuration that does not parse: a clear error naming the file, at once."""
    completed = _bastion(tree / "sub", *command, home=tmp_path / "home")
    assert completed.returncode == 2
    assert "bastion.toml" in completed.stderr and "regular file" in completed.stderr, completed.stderr


@pytest.mark.parametrize("kind", ["zero", "stdin", "fifo"])
@pytest.mark.parametrize("option", ["--baseline", "--config"])
def test_files_named_on_the_command_line(tmp_path: Path, option: str, kind: str) -> None:
    """A special file the user names is an error with a clear message, at once."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(VIEWS)
    named = tmp_path / f"named-{kind}"
    _hostile(named, kind)
    completed = _bastion(project, "scan", option, str(named), "--offline", home=tmp_path / "home")
    assert completed.returncode == 2
    assert "regular file" in completed.stderr, completed.stderr
