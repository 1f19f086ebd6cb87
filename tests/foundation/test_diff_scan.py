"""`bastion scan --diff REF` and `--new-only` on real temporary git repositories: which files are scanned, which
findings are reported, renames, deletions, line ends, baselines, data flows across files, and the errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bastion.source.changes import ChangedFile
from tests.conftest import OSV_TEST_DATA
from tests.foundation.conftest import run_cli
from tests.secrets.gitrepo import GitRepo

SHELL = "import subprocess\n\n\ndef run(command):\n    subprocess.call(command, shell=True)\n"  # PAT301, line 5
EVAL = "def calc(expression):\n    return eval(expression)\n"  # PAT101, line 2
PLAIN = "def add(a, b):\n    return a + b\n"


def _scan(repo: GitRepo, *options: str) -> tuple[int, dict[str, Any]]:
    outcome = run_cli("scan", "-f", "json", "--no-progress", *options, ".", cwd=repo.path)
    assert outcome.returncode in (0, 1), outcome.stderr
    return outcome.returncode, json.loads(outcome.stdout)


def _found(report: dict[str, Any], key: str = "findings") -> set[tuple[str, int, str]]:
    return {(f["path"], f["line"], f["code"]) for f in report[key]}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repository = GitRepo(tmp_path / "repo")
    repository.commit("start", **{"shell.py": SHELL, "calc.py": EVAL, "plain.py": PLAIN})
    return repository


def test_only_files_changed_since_the_ref_are_scanned(repo: GitRepo) -> None:
    assert _found(_scan(repo)[1]) == {("shell.py", 5, "PAT301"), ("calc.py", 2, "PAT101")}
    repo.write("shell.py", SHELL + "\n\nVERSION = 2\n")  # a change away from the flagged line
    code, report = _scan(repo, "--diff", "HEAD")
    assert code == 1
    assert _found(report) == {("shell.py", 5, "PAT301")}  # calc.py is unchanged: not reported
    assert report["summary"]["files_scanned"] == 1


def test_new_only_reports_only_findings_on_changed_lines(repo: GitRepo) -> None:
    repo.write("shell.py", SHELL + "\n\nVERSION = 2\n")
    code, report = _scan(repo, "--diff", "HEAD", "--new-only")
    assert (code, _found(report)) == (0, set())  # the file changed, not the flagged line
    repo.write("shell.py", SHELL + "\n\ndef again(text):\n    return eval(text)\n")
    code, report = _scan(repo, "--diff", "HEAD", "--new-only")
    assert (code, _found(report)) == (1, {("shell.py", 9, "PAT101")})


def test_a_finding_spanning_a_changed_line_is_new(repo: GitRepo) -> None:
    repo.commit("call over lines", **{"spread.py": "import subprocess\nsubprocess.call(\n    'ls',\n)\n"})
    repo.write("spread.py", "import subprocess\nsubprocess.call(\n    'ls',\n    shell=True,\n)\n")
    assert _found(_scan(repo, "--select", "PAT301", "--diff", "HEAD", "--new-only")[1]) == {("spread.py", 2, "PAT301")}


def test_commits_since_the_ref_staged_and_untracked_files_count(repo: GitRepo) -> None:
    start = repo.git("rev-parse", "HEAD")
    repo.commit("more", **{"committed.py": EVAL})
    repo.write("staged.py", EVAL)
    repo.git("add", "staged.py")
    repo.write("untracked.py", EVAL)
    assert _found(_scan(repo, "--diff", start)[1]) == {
        ("committed.py", 2, "PAT101"),
        ("staged.py", 2, "PAT101"),
        ("untracked.py", 2, "PAT101"),
    }
    assert _found(_scan(repo, "--diff", "HEAD")[1]) == {("staged.py", 2, "PAT101"), ("untracked.py", 2, "PAT101")}


def test_untracked_ignored_files_do_not_count_even_when_the_scan_reads_ignored_files(repo: GitRepo) -> None:
    repo.commit("ignore", **{".gitignore": "generated.py\n", "pyproject.toml": "[tool.bastion]\n"})
    repo.write("pyproject.toml", "[tool.bastion]\nrespect-gitignore = false\n")
    repo.write("generated.py", EVAL)
    assert ("generated.py", 2, "PAT101") in _found(_scan(repo)[1])  # scanned in full: ignored files are read
    assert _found(_scan(repo, "--diff", "HEAD")[1]) == set()  # but an ignored, untracked file is not a change


def test_a_pure_rename_is_scanned_but_has_no_new_line(repo: GitRepo) -> None:
    repo.git("mv", "calc.py", "maths.py")
    assert _found(_scan(repo, "--diff", "HEAD")[1]) == {("maths.py", 2, "PAT101")}
    code, report = _scan(repo, "--diff", "HEAD", "--new-only")
    assert (code, _found(report)) == (0, set())


def test_a_renamed_and_edited_file_reports_only_its_edited_lines(repo: GitRepo) -> None:
    (repo.path / "shell.py").unlink()
    body = SHELL + "\n\ndef calc(expression):\n    return eval(expression)\n"
    repo.write("tools/commands.py", body)  # moved (not staged: untracked), one function added
    everything = {("tools/commands.py", 5, "PAT301"), ("tools/commands.py", 9, "PAT101")}
    assert _found(_scan(repo, "--diff", "HEAD")[1]) == everything
    assert _found(_scan(repo, "--diff", "HEAD", "--new-only")[1]) == {("tools/commands.py", 9, "PAT101")}


def test_an_added_file_is_new_everywhere(repo: GitRepo) -> None:
    repo.write("fresh.py", SHELL)
    assert _found(_scan(repo, "--diff", "HEAD", "--new-only")[1]) == {("fresh.py", 5, "PAT301")}


def test_deleted_files_are_not_reported_and_an_empty_diff_is_not_an_empty_scan(repo: GitRepo) -> None:
    (repo.path / "calc.py").unlink()
    code, report = _scan(repo, "--diff", "HEAD")
    assert (code, _found(report)) == (0, set())
    assert any("no file changed since HEAD" in notice["message"] for notice in report["notices"])
    assert not any(finding["code"] == "BST105" for finding in report["findings"])


def test_line_end_changes_are_not_changes_and_lone_carriage_returns_number_lines(repo: GitRepo) -> None:
    repo.write("plain.py", PLAIN.replace("\n", "\r\n"))
    assert _found(_scan(repo, "--diff", "HEAD")[1]) == set()
    assert _scan(repo, "--diff", "HEAD")[1]["summary"]["files_scanned"] == 0
    # Lines ended by a lone CR are one line to git, several to Python: the new call must not hide on "line 1".
    repo.commit("cr", **{"old_mac.py": "x = 1\rdef calc(e):\r    return e\r"})
    repo.write("old_mac.py", "x = 1\rdef calc(e):\r    return eval(e)\r")
    assert _found(_scan(repo, "--diff", "HEAD", "--new-only")[1]) == {("old_mac.py", 3, "PAT101")}


def test_new_only_with_a_baseline_keeps_full_scan_fingerprints(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("calc.py", EVAL + "\n\ndef again(text):\n    return eval(text)\n")
    baseline = tmp_path / "baseline.json"
    run_cli("scan", "--no-progress", "--write-baseline", str(baseline), ".", cwd=repo.path)
    code, report = _scan(repo, "--diff", "HEAD", "--new-only", "--baseline", str(baseline))
    assert (code, _found(report)) == (0, set())
    assert report["summary"]["baselined"] == 1  # the finding on the changed line, accepted by the baseline
    assert report["summary"]["stale_baseline_entries"] == 0  # entries outside the changed lines are not judged
    repo.write("calc.py", EVAL + "\n\ndef again(text):\n    return eval(text)\n\n\ndef third(t):\n    return eval(t)\n")
    code, report = _scan(repo, "--diff", "HEAD", "--new-only", "--baseline", str(baseline))
    assert (code, _found(report)) == (1, {("calc.py", 10, "PAT101")})


VIEWS = """\
from flask import Flask, request
from app.db import find

app = Flask(__name__)


@app.route("/books")
def books():
    find("fixed")
    return "done"
"""
VIEWS_TAINTED = VIEWS.replace('find("fixed")', 'find(request.args["title"])')
DB = """\
import sqlite3


def find(title):
    return run("SELECT * FROM books WHERE title = '" + title + "'")


def run(sql):
    return sqlite3.connect("db").execute(sql).fetchall()
"""


def _app(tmp_path: Path, views: str) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("app/__init__.py", "")  # (commit() reads "__" in a name as "/")
    repo.commit("app", **{"app/views.py": views, "app/db.py": DB})
    return repo


def test_a_flow_from_a_changed_file_into_an_unchanged_one_is_found_from_the_cache(tmp_path: Path) -> None:
    repo = _app(tmp_path, VIEWS)
    cache = str(tmp_path / "cache")
    _scan(repo, "--select", "TNT", "--cache-dir", cache)  # a full scan fills the cache
    repo.write("app/views.py", VIEWS_TAINTED)
    expected = {("app/db.py", 9, "TNT101")}
    assert _found(_scan(repo, "--select", "TNT", "--cache-dir", cache)[1]) == expected
    assert _found(_scan(repo, "--select", "TNT", "--cache-dir", cache, "--diff", "HEAD")[1]) == expected
    assert _found(_scan(repo, "--select", "TNT", "--cache-dir", cache, "--diff", "HEAD", "--new-only")[1]) == expected
    # Without the unchanged file's results, only the changed file is known: the documented limit.
    assert _found(_scan(repo, "--select", "TNT", "--no-cache", "--diff", "HEAD")[1]) == set()


def test_a_flow_is_not_reported_when_no_step_is_in_a_changed_file(tmp_path: Path) -> None:
    repo = _app(tmp_path, VIEWS_TAINTED)
    assert _found(_scan(repo, "--select", "TNT")[1]) == {("app/db.py", 9, "TNT101")}
    repo.write("app/other.py", PLAIN)
    assert _found(_scan(repo, "--select", "TNT", "--diff", "HEAD")[1]) == set()


def test_the_dependency_audit_runs_when_a_manifest_changed(repo: GitRepo) -> None:
    repo.commit("deps", **{"requirements.txt": "requests==2.31.0\n"})
    audit = ("--select", "DEP", "--db", str(OSV_TEST_DATA))
    repo.write("plain.py", PLAIN + "\nVERSION = 2\n")
    assert _found(_scan(repo, *audit, "--diff", "HEAD")[1]) == set()  # no manifest changed: nothing to audit
    repo.write("requirements.txt", "flask==0.12.2\nrequests==2.31.0\n")
    found = _found(_scan(repo, *audit, "--diff", "HEAD", "--new-only")[1])
    assert found and {(path, line) for path, line, _ in found} == {("requirements.txt", 1)}


# -- errors: one line, exit 2 -------------------------------------------------------------------------------------


def _error(cwd: Path, *options: str) -> str:
    outcome = run_cli("scan", "--no-progress", *options, ".", cwd=cwd)
    assert outcome.returncode == 2, outcome.stdout
    assert "Traceback" not in outcome.stderr
    return outcome.stderr


def test_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(EVAL, encoding="utf-8")
    assert "not inside a git repository" in _error(tmp_path, "--diff", "HEAD")


def test_unknown_ref(repo: GitRepo) -> None:
    message = _error(repo.path, "--diff", "no-such-branch")
    assert "--diff no-such-branch" in message and "names no commit" in message
    assert "shallow" not in message


def test_a_name_that_is_a_tag_and_a_branch_of_different_commits_is_ambiguous(repo: GitRepo) -> None:
    repo.git("tag", "release")
    repo.commit("next", **{"more.py": PLAIN})
    repo.git("branch", "release")
    message = _error(repo.path, "--diff", "release")
    assert "ambiguous" in message and "refs/heads/release" in message and "refs/tags/release" in message
    assert _scan(repo, "--diff", "refs/tags/release")[0] == 0


def test_a_shallow_clone_missing_the_ref_says_how_to_fetch_it(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("second", **{"more.py": PLAIN})
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True, env=repo.env)
    message = _error(clone, "--diff", "HEAD~1")
    assert "shallow clone" in message and "fetch-depth: 0" in message


def test_new_only_needs_diff_and_history_excludes_it(repo: GitRepo) -> None:
    assert "give --diff REF" in _error(repo.path, "--new-only")
    outcome = run_cli("secrets", "--history", "--diff", "HEAD", cwd=repo.path)
    assert outcome.returncode == 2 and "pick one" in outcome.stderr


def test_secrets_takes_diff_too(repo: GitRepo) -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" + "k1L2m3N4o5P6q7R8s9T0"[:16]
    repo.write("settings.py", f'TOKEN = "{token}"\n')
    outcome = run_cli("secrets", "-f", "json", "--no-progress", "--diff", "HEAD", ".", cwd=repo.path)
    codes = {(f["path"], f["code"]) for f in json.loads(outcome.stdout)["findings"]}
    assert codes and all(path == "settings.py" for path, _ in codes)


# -- the line test itself --------------------------------------------------------------------------------------


def test_changed_lines_of_a_span() -> None:
    changed = ChangedFile("a.py", "modified", frozenset({4, 9}))
    assert changed.has_line_in(4, 4) and changed.has_line_in(1, 5) and changed.has_line_in(9, 200)
    assert not changed.has_line_in(5, 8) and not changed.has_line_in(10, 10**6)
    assert ChangedFile("b.py", "added", None).has_line_in(7, 7)
