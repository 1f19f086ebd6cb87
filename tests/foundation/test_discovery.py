"""Which files the scan reaches: .gitignore at all levels, excludes, virtualenvs, symlinks."""

from __future__ import annotations

import os
from pathlib import Path

from bastion.core.config import DEFAULT_EXCLUDES
from bastion.core.notice import NoticeKind
from bastion.source.discovery import discover
from tests.foundation.conftest import write_tree


def _rels(root: Path, targets: list[Path] | None = None, excludes: tuple[str, ...] = DEFAULT_EXCLUDES) -> set[str]:
    return {f.rel for f in discover(targets or [root], root, excludes).files}


def test_gitignore_at_every_level_with_negation(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            ".gitignore": "*.log\nsecret_dir/\n",
            "a.py": "",
            "debug.log": "",
            "secret_dir/x.py": "",
            "pkg/.gitignore": "generated_*.py\n!generated_keep.py\n",
            "pkg/generated_one.py": "",
            "pkg/generated_keep.py": "",
            "pkg/sub/.gitignore": "!*.log\n",
            "pkg/sub/keep.log": "",
            "pkg/mod.py": "",
        },
    )
    assert _rels(root) == {
        ".gitignore",
        "a.py",
        "pkg/.gitignore",
        "pkg/generated_keep.py",
        "pkg/mod.py",
        "pkg/sub/.gitignore",
        "pkg/sub/keep.log",
    }


def test_git_info_exclude(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {".git/info/exclude": "local.py\n", "local.py": "", "b.py": ""})
    assert _rels(root) == {"b.py"}


def test_default_excludes_and_virtualenvs(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "node_modules/x.py": "",
            ".venv/lib/x.py": "",
            "build/x.py": "",
            "__pycache__/x.py": "",
            "myenv/pyvenv.cfg": "home = /usr/bin\n",
            "myenv/lib/y.py": "",
            ".env": "TOKEN=placeholder\n",
            "config/env/settings.py": "",
            "src/app.py": "",
        },
    )
    assert _rels(root) == {".env", "config/env/settings.py", "src/app.py"}


def test_explicitly_named_ignored_directory_is_scanned_with_a_notice(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {".gitignore": "vendor/\n", "vendor/lib.py": "", "app.py": ""})
    result = discover([root / "vendor"], root, DEFAULT_EXCLUDES)
    assert [f.rel for f in result.files] == ["vendor/lib.py"]
    assert any(n.kind is NoticeKind.INFO and "named explicitly" in n.message for n in result.notices)


def test_respect_gitignore_off(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {".gitignore": "*.py\n", "a.py": ""})
    assert {f.rel for f in discover([root], root, (), respect_gitignore=False).files} == {".gitignore", "a.py"}


def test_symlinks_never_leave_the_tree_nor_loop(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "root", {"a.py": "", "inside/b.py": ""})
    outside = write_tree(tmp_path / "outside", {"secret.py": ""})
    os.symlink(outside, root / "escape_dir")
    os.symlink(outside / "secret.py", root / "escape_file.py")
    os.symlink(root / "inside", root / "inside_again")
    os.symlink(root / "loop_a", root / "loop_b")
    os.symlink(root / "loop_b", root / "loop_a")
    os.symlink(root / "nowhere", root / "dangling.py")
    os.symlink(root, root / "inside" / "parent")
    result = discover([root], root, DEFAULT_EXCLUDES)
    assert {f.rel for f in result.files} == {"a.py", "inside/b.py"}
    messages = {n.path: n.message for n in result.notices}
    assert "outside the scanned tree" in messages["escape_dir"]
    assert "outside the scanned tree" in messages["escape_file.py"]
    assert "loop" in messages["loop_a"] and "loop" in messages["loop_b"]
    assert "broken" in messages["dangling.py"]
    assert "inside_again" not in messages and "inside/parent" not in messages


def test_exclude_patterns_are_gitignore_style_relative_to_root(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"tests/fixtures/x.py": "", "tests/test_a.py": "", "docs/fixtures/y.py": ""})
    assert _rels(root, excludes=("tests/fixtures",)) == {"tests/test_a.py", "docs/fixtures/y.py"}
    assert _rels(root, excludes=("fixtures",)) == {"tests/test_a.py"}


def test_a_virtualenv_named_explicitly_is_walked_and_skipped_when_reached_again(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"env/pyvenv.cfg": "home = /usr/bin\n", "env/lib/y.py": "", "app.py": ""})
    result = discover([root / "env", root], root, ())
    assert [f.rel for f in result.files] == ["app.py", "env/lib/y.py", "env/pyvenv.cfg"]
    assert result.skipped_by_exclude == 1  # the walk of the root still sees a virtual environment there


def test_a_pyvenv_cfg_link_to_nothing_is_no_virtualenv(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"tools/run.py": ""})
    os.symlink(tmp_path / "nowhere", root / "tools" / "pyvenv.cfg")
    result = discover([root], root, ())
    assert [f.rel for f in result.files] == ["tools/run.py"]
    assert result.skipped_by_exclude == 0


def test_file_paths_are_the_real_paths_and_ignore_files_count_by_directory(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "a/b/c/.gitignore": "*.tmp\n",
            "a/b/c/keep.py": "",
            "a/b/c/drop.tmp": "",
            "a/b/other.tmp": "",
            "a/b/c/d/deep.tmp": "",
        },
    )
    result = discover([root / "a" / "b"], root, ())
    assert [f.rel for f in result.files] == ["a/b/c/.gitignore", "a/b/c/keep.py", "a/b/other.tmp"]
    assert all(f.path == root / f.rel and f.path.is_file() for f in result.files)
    assert result.skipped_by_gitignore == 2
