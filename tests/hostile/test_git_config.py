"""git can never run a program from the scanned repository's configuration, or from the user's.

The repository built here sets every git setting that makes the `git` program run something (each pointing at
its own marker script), in its own `.git/config` and in the user's `~/.gitconfig` and XDG configuration. A
control shows that the `git` program really runs them. bastion, run as a subprocess from inside the repository
(every command that reads git: the hygiene check of `scan` and `secrets`, `secrets --history`, `checklist`),
must leave no marker, start no `git` at all (a `git` first on PATH leaves a marker too), and still report the
secret that was committed and later removed.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import OSV_TEST_DATA
from tests.hostile.attack import bastion_command, markers, run
from tests.secrets.gitrepo import GitRepo
from tests.secrets.tokens import GITHUB, PROVIDER_TOKENS

STRIPE = PROVIDER_TOKENS["stripe-live-key"]

# Setting -> the program it makes git run. Each value is a marker script's name; `{}` marks where it goes.
EXECUTING_SETTINGS = {
    "core.fsmonitor": "{}",
    "core.pager": "{}",
    "pager.log": "{}",
    "pager.diff": "{}",
    "core.editor": "{}",
    "sequence.editor": "{}",
    "core.askPass": "{}",
    "core.sshCommand": "{}",
    "core.gitProxy": "{}",
    "core.hooksPath": "{hooks}",
    "core.alternateRefsCommand": "{}",
    "credential.helper": "!{}",
    "diff.external": "{}",
    "diff.evil.command": "{}",
    "diff.evil.textconv": "{}",
    "filter.evil.clean": "{}",
    "filter.evil.smudge": "{}",
    "filter.evil.process": "{}",
    "merge.evil.driver": "{}",
    "gpg.program": "{}",
    "gpg.ssh.program": "{}",
    "gpg.x509.program": "{}",
    "gpg.ssh.defaultKeyCommand": "{}",
    "uploadpack.packObjectsHook": "{}",
    "remote.origin.uploadpack": "{}",
    "remote.origin.receivepack": "{}",
    "alias.log": "!{}",
    "alias.ls-files": "!{}",
    "trailer.evil.cmd": "{}",
}
# And the settings that make git use them.
ENABLING_SETTINGS = {
    "log.showSignature": "true",
    "status.showUntrackedFiles": "all",
    "core.untrackedCache": "true",
    "remote.origin.url": "ssh://example.invalid/repo.git",
}
HOOKS = ["post-checkout", "post-commit", "post-merge", "pre-commit", "post-index-change", "reference-transaction"]


def _marker_script(directory: Path, name: str, marker_dir: Path) -> Path:
    script = directory / name
    script.write_text(f"#!/bin/sh\ntouch '{marker_dir / name}'\nexit 0\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


def _config_lines(scripts: Path, marker_dir: Path, scope: str) -> list[tuple[str, str]]:
    settings = []
    hooks = scripts / f"hooks-{scope}"
    hooks.mkdir()
    for hook in HOOKS:
        _marker_script(hooks, hook, marker_dir).rename(hooks / hook)
    for key, template in EXECUTING_SETTINGS.items():
        name = f"{scope}-{key}"
        script = _marker_script(scripts, name, marker_dir)
        settings.append(
            (key, template.format(script, hooks=hooks) if "{hooks}" in template else template.format(script))
        )
    settings.extend(ENABLING_SETTINGS.items())
    return settings


def _write_config(path: Path, settings: list[tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for key, value in settings:
        subprocess.run(["git", "config", "--file", str(path), "--add", key, value], check=True)


class Repo:
    def __init__(self, root: Path, home: Path, marker_dir: Path, fake_bin: Path) -> None:
        self.root = root
        self.home = home
        self.marker_dir = marker_dir
        self.fake_bin = fake_bin

    def bastion(self, *args: str) -> subprocess.CompletedProcess[str]:
        path = f"{self.fake_bin}{os.pathsep}{os.environ.get('PATH', '')}"
        completed = run([*bastion_command(), *args], cwd=self.root, home=self.home, extra_env={"PATH": path})
        ran = markers(self.marker_dir)
        assert not ran, f"bastion {' '.join(args)} made git run: {ran}\n{completed.stderr}"
        return completed


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    base = tmp_path_factory.mktemp("gitconfig")
    marker_dir = base / "markers"
    marker_dir.mkdir()
    scripts = base / "scripts"
    scripts.mkdir()
    git = GitRepo(base / "checkout")
    git.commit("settings", **{"app__settings.py": f'TOKEN = "{GITHUB}"\n'})
    git.commit("token moved out", **{"app__settings.py": "import os\nTOKEN = os.environ['TOKEN']\n"})
    git.commit("env file", **{".env": f"STRIPE_SECRET_KEY={STRIPE}\n", ".gitattributes": "* diff=evil filter=evil\n"})
    home = base / "home"
    # The repository's own configuration, the user's, and the user's XDG one.
    _write_config(git.path / ".git" / "config", _config_lines(scripts, marker_dir, "repo"))
    _write_config(home / ".gitconfig", _config_lines(scripts, marker_dir, "user"))
    _write_config(home / "config" / "git" / "config", _config_lines(scripts, marker_dir, "xdg"))
    fake_bin = base / "bin"
    fake_bin.mkdir()
    _marker_script(fake_bin, "git", marker_dir)
    return Repo(git.path, home, marker_dir, fake_bin)


def test_control_the_git_program_obeys_these_settings(hostile_repo: Repo, tmp_path: Path) -> None:
    """Without this the test would prove nothing: the real `git`, in the same repository and environment,
    runs the planted programs for the very reads bastion used to make with it."""
    from tests.hostile.attack import clean_environment

    environment = clean_environment(hostile_repo.home)
    reads = [["ls-files"], ["log", "-p"], ["diff", "HEAD"], ["check-ignore", "-v", "--no-index", ".env"]]
    for arguments in reads:
        subprocess.run(
            ["git", *arguments], cwd=hostile_repo.root, env=environment, capture_output=True, check=False, timeout=60
        )
    ran = set(markers(hostile_repo.marker_dir))
    for marker in ran:
        (hostile_repo.marker_dir / marker).unlink()
    assert "repo-core.fsmonitor" in ran and ran & {"repo-filter.evil.process", "repo-diff.external"}, ran
    # The user's configuration runs programs too (seen in a repository that does not override it).
    plain = tmp_path / "plain"
    subprocess.run(["git", "init", "-q", str(plain)], env=environment, check=True, timeout=60)
    subprocess.run(["git", "ls-files"], cwd=plain, env=environment, capture_output=True, check=False, timeout=60)
    ran = set(markers(hostile_repo.marker_dir))
    for marker in ran:
        (hostile_repo.marker_dir / marker).unlink()
    assert ran & {"user-core.fsmonitor", "xdg-core.fsmonitor"}, ran


def test_scan_runs_nothing(hostile_repo: Repo) -> None:
    completed = hostile_repo.bastion("scan", "--jobs", "1", "-f", "json", "--db", str(OSV_TEST_DATA), "--offline")
    codes = {finding["code"] for finding in json.loads(completed.stdout)["findings"]}
    assert "SEC301" in codes  # the tracked .env, found through the index


def test_secrets_runs_nothing(hostile_repo: Repo) -> None:
    completed = hostile_repo.bastion("secrets", "-f", "json")
    paths = {finding["path"] for finding in json.loads(completed.stdout)["findings"]}
    assert ".env" in paths


def test_secrets_history_runs_nothing_and_reads_all(hostile_repo: Repo) -> None:
    completed = hostile_repo.bastion("secrets", "--history", "-f", "json")
    found = {(f["path"], f["properties"]["in_working_tree"]) for f in json.loads(completed.stdout)["findings"]}
    assert ("app/settings.py", False) in found
    assert (".env", True) in found


def test_checklist_runs_nothing(hostile_repo: Repo) -> None:
    completed = hostile_repo.bastion("checklist", "--jobs", "1", "-f", "json", "--db", str(OSV_TEST_DATA))
    assert completed.returncode in (0, 1), completed.stderr


def test_scan_diff_runs_nothing_and_ignores_diff_attributes(hostile_repo: Repo) -> None:
    """`--diff` compares through libgit2 with raw buffers: `.gitattributes` asks for the `evil` diff driver and
    filter on every file, and neither runs nor changes which lines are new."""
    completed = hostile_repo.bastion("scan", "--jobs", "1", "-f", "json", "--offline", "--diff", "HEAD~1", "--new-only")
    found = {(finding["path"], finding["code"]) for finding in json.loads(completed.stdout)["findings"]}
    assert (".env", "SEC301") in found  # added since HEAD~1: every line is new
    assert all(path == ".env" for path, _ in found), found
