"""History that cannot be blinded, and history that is all read.

Each repository hides a token that was committed and later removed in one way that blinded `git log -p`: an
attribute or a driver that makes the diff empty, a setting (the repository's or the user's) that changes its
shape, a line whose text looks like a diff header, a change that exists only in a merge, a commit that no branch
reaches. `bastion secrets --history` must report the token, once, at the commit that added it.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bastion.secrets.history import scan_history
from tests.hostile.attack import bastion_command, run
from tests.secrets.gitrepo import GitRepo
from tests.secrets.tokens import GITHUB

LINE = f'TOKEN = "{GITHUB}"\n'


def _remove(git: GitRepo, path: str = "settings.py") -> None:
    git.commit("token moved to the environment", **{path.replace("/", "__"): "TOKEN = None\n"})


def attributes_minus_diff(git: GitRepo) -> str:
    git.commit("attributes", **{".gitattributes": "* -diff\n"})
    added = git.commit("settings", **{"settings.py": LINE})
    _remove(git)
    return added


def attributes_binary(git: GitRepo) -> str:
    git.commit("attributes", **{".gitattributes": "*.py binary\n"})
    added = git.commit("settings", **{"settings.py": LINE})
    _remove(git)
    return added


def textconv_printing_nothing(git: GitRepo) -> str:
    git.commit("attributes", **{".gitattributes": "*.py diff=blank\n"})
    git.git("config", "diff.blank.textconv", "true")
    added = git.commit("settings", **{"settings.py": LINE})
    _remove(git)
    return added


def user_noprefix(git: GitRepo) -> str:
    (Path(git.env["HOME"]) / ".gitconfig").write_text(
        "[diff]\n\tnoprefix = true\n\tmnemonicPrefix = true\n\tcontext = 0\n", encoding="utf-8"
    )
    added = git.commit("settings", **{"settings.py": LINE})
    _remove(git)
    return added


def big_file_threshold(git: GitRepo) -> str:
    git.git("config", "core.bigFileThreshold", "10")
    added = git.commit("settings", **{"settings.py": "# padding\n" * 5 + LINE})
    _remove(git)
    return added


def line_looking_like_a_header(git: GitRepo) -> str:
    # In `git log -p` these lines read "+++ b/settings.py ..." and "+++ token ...": a parser that trusts a
    # line's first characters takes them for file headers.
    text = f"++ b/settings.py {GITHUB}\n"
    added = git.commit("notes", **{"notes.txt": "intro\n" + text})
    git.commit("notes cleaned", **{"notes.txt": "intro\n"})
    return added


def root_commit_hidden_by_show_root(git: GitRepo) -> str:
    added = git.commit("first", **{"settings.py": LINE})
    git.git("config", "log.showRoot", "false")
    _remove(git)
    return added


def evil_merge(git: GitRepo) -> str:
    """The token appears only in the merge: neither parent has it."""
    git.commit("base", **{"settings.py": "A = 1\nB = 2\n"})
    git.git("checkout", "-q", "-b", "feature")
    git.commit("feature", **{"feature.py": "X = 1\n"})
    git.git("checkout", "-q", "main")
    git.commit("main", **{"main.py": "Y = 1\n"})
    git.git("merge", "-q", "--no-commit", "feature")
    git.write("settings.py", "A = 1\nB = 2\n" + LINE)
    git.git("add", "-A")
    git.git("commit", "-q", "-m", "merge feature")
    added = git.git("rev-parse", "HEAD")
    _remove(git)
    return added


def conflict_resolution(git: GitRepo) -> str:
    """Both sides change a line; the resolution is neither, and holds the token."""
    git.commit("base", **{"settings.py": "TOKEN = None\n"})
    git.git("checkout", "-q", "-b", "feature")
    git.commit("feature", **{"settings.py": "TOKEN = 'feature'\n"})
    git.git("checkout", "-q", "main")
    git.commit("main", **{"settings.py": "TOKEN = 'main'\n"})
    subprocess.run(["git", "merge", "-q", "feature"], cwd=git.path, env=git.env, capture_output=True, check=False)
    git.write("settings.py", LINE)
    git.git("add", "-A")
    git.git("commit", "-q", "-m", "merge feature, conflict resolved")
    added = git.git("rev-parse", "HEAD")
    _remove(git)
    return added


def unmerged_branch(git: GitRepo) -> str:
    git.commit("base", **{"readme.txt": "hello\n"})
    git.git("checkout", "-q", "-b", "experiment")
    added = git.commit("settings", **{"settings.py": LINE})
    git.git("checkout", "-q", "main")
    return added


def tag_only(git: GitRepo) -> str:
    git.commit("base", **{"readme.txt": "hello\n"})
    git.git("checkout", "-q", "--detach")
    added = git.commit("settings", **{"settings.py": LINE})
    git.git("tag", "release-candidate")
    git.git("checkout", "-q", "main")
    return added


def stash_only(git: GitRepo) -> str:
    git.commit("base", **{"settings.py": "TOKEN = None\n"})
    git.write("settings.py", LINE)
    git.git("stash", "-q")
    return git.git("rev-parse", "stash@{0}")


def replaced_commit(git: GitRepo) -> str:
    """`git replace` makes git show a clean commit in place of the one that added the token."""
    git.commit("base", **{"readme.txt": "hello\n"})
    added = git.commit("settings", **{"settings.py": LINE})
    clean_tree = git.git("rev-parse", "HEAD~1^{tree}")
    clean = git.git("commit-tree", clean_tree, "-p", "HEAD~1", "-m", "settings")
    git.git("replace", added, clean)
    return added


def odd_file_name(git: GitRepo) -> str:
    added = git.commit("settings", **{'conf dir/секрет "quoted"\ttab.txt': LINE})
    git.commit("removed", **{'conf dir/секрет "quoted"\ttab.txt': "TOKEN = None\n"})
    return added


def crlf_lines(git: GitRepo) -> str:
    added = git.commit("settings", **{"settings.py": LINE.replace("\n", "\r\n")})
    _remove(git)
    return added


TECHNIQUES: dict[str, tuple[Callable[[GitRepo], str], str]] = {
    "gitattributes -diff": (attributes_minus_diff, "settings.py"),
    "gitattributes binary": (attributes_binary, "settings.py"),
    "textconv printing nothing": (textconv_printing_nothing, "settings.py"),
    "user diff.noprefix": (user_noprefix, "settings.py"),
    "core.bigFileThreshold": (big_file_threshold, "settings.py"),
    "line starting with ++": (line_looking_like_a_header, "notes.txt"),
    "log.showRoot=false": (root_commit_hidden_by_show_root, "settings.py"),
    "evil merge": (evil_merge, "settings.py"),
    "conflict resolution": (conflict_resolution, "settings.py"),
    "unmerged branch": (unmerged_branch, "settings.py"),
    "reachable from a tag only": (tag_only, "settings.py"),
    "stash": (stash_only, "settings.py"),
    "git replace": (replaced_commit, "settings.py"),
    "quoted file name": (odd_file_name, 'conf dir/секрет "quoted"\ttab.txt'),
    "CRLF lines": (crlf_lines, "settings.py"),
}


@pytest.mark.parametrize("technique", sorted(TECHNIQUES))
def test_the_token_is_found(technique: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build, path = TECHNIQUES[technique]
    git = GitRepo(tmp_path / "repo")
    monkeypatch.setenv("HOME", git.env["HOME"])  # the user's configuration, where a technique sets one
    added = build(git)
    hits = [(hit.path, hit.match.value, hit.commit, hit.commits) for hit in scan_history(git.path).hits]
    assert (path, GITHUB, added, 1) in hits, hits


def test_every_technique_at_once_from_the_command_line(tmp_path: Path) -> None:
    """All of them in one repository, through the real command line run from inside it."""
    git = GitRepo(tmp_path / "repo")
    textconv_printing_nothing(git)  # also commits the attributes the others then live under
    git.git("config", "core.bigFileThreshold", "10")
    git.git("config", "log.showRoot", "false")
    (Path(git.env["HOME"]) / ".gitconfig").write_text("[diff]\n\tnoprefix = true\n", encoding="utf-8")
    line_looking_like_a_header(git)
    evil_merge(git)
    unmerged_branch(git)
    completed = run(
        [*bastion_command(), "secrets", "--history", "-f", "json"], cwd=git.path, home=Path(git.env["HOME"])
    )
    assert completed.returncode == 1, completed.stderr
    found = {(f["path"], f["properties"]["commit"]) for f in json.loads(completed.stdout)["findings"]}
    assert {path for path, _ in found} >= {"settings.py", "notes.txt"}
