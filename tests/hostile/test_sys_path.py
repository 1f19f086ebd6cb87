"""`trusted_sys_path`: the `sys.path` every bastion process gets, without what the scanned tree could control."""

from __future__ import annotations

import os
import site
import sys
from pathlib import Path

import pytest

from bastion.isolation import trusted_sys_path


def test_the_current_directory_in_every_spelling_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    link = tmp_path.parent / f"{tmp_path.name}-link"
    link.symlink_to(tmp_path)
    keep = os.path.dirname(os.__file__)
    path = ["", ".", "sub", "./sub", str(tmp_path), str(tmp_path) + "/", str(link), keep]
    assert trusted_sys_path(path) == [keep]


def test_scanned_roots_are_dropped_and_other_directories_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    scanned = tmp_path / "checkout"
    inside = scanned / "src"  # the user's own choice (an editable install of bastion lives in a checkout's src/)
    elsewhere = tmp_path / "tools"
    for directory in (scanned, inside, elsewhere):
        directory.mkdir(parents=True, exist_ok=True)
    path = [str(scanned), str(inside), str(elsewhere)]
    assert trusted_sys_path(path, [str(scanned)]) == [str(inside), str(elsewhere)]


def test_python_installation_directories_stay_even_as_the_current_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    standard_library = os.path.dirname(os.__file__)
    site_packages = site.getsitepackages()[0]
    monkeypatch.chdir(site_packages)
    assert trusted_sys_path([standard_library, site_packages], [site_packages]) == [standard_library, site_packages]


def test_a_removed_current_directory_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert trusted_sys_path(["", sys.path[-1]]) == [sys.path[-1]]
