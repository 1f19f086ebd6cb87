"""Reading files for fixing and writing them back: only regular files inside the scanned paths, the same bytes
round trip (encoding, BOM, line endings), nothing written over a file that changed meanwhile."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest

from bastion.fix.writing import NotEditable, read_for_fixing, write_fixed


def test_write_replaces_the_content_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "app.py"
    target.write_text("x = load(s)\n", encoding="utf-8")
    target.chmod(0o750)
    file = read_for_fixing(tmp_path, "app.py", [tmp_path])
    write_fixed(file, "x = safe_load(s)\n", [tmp_path])
    assert target.read_text(encoding="utf-8") == "x = safe_load(s)\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    assert [path.name for path in tmp_path.iterdir()] == ["app.py"], "no temporary file is left behind"


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + b"x = 1\r\ny = 2\r\n",
        "# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1"),
        b"x = 1\ry = 2",
    ],
    ids=["bom-crlf", "latin-1", "cr-no-final-newline"],
)
def test_bytes_round_trip(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "app.py").write_bytes(data)
    file = read_for_fixing(tmp_path, "app.py", [tmp_path])
    assert file.encode(file.text) == data
    write_fixed(file, file.text + "#", [tmp_path])
    assert (tmp_path / "app.py").read_bytes() == data + b"#"


def test_a_file_changed_since_it_was_read_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "app.py"
    target.write_text("x = 1\n", encoding="utf-8")
    file = read_for_fixing(tmp_path, "app.py", [tmp_path])
    target.write_text("x = 2\n", encoding="utf-8")
    with pytest.raises(NotEditable, match="changed on disk"):
        write_fixed(file, "x = 3\n", [tmp_path])
    assert target.read_text(encoding="utf-8") == "x = 2\n"


def test_symlinks_are_never_edited(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("x = 1\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "link.py").symlink_to(outside)
    with pytest.raises(NotEditable, match="symlink"):
        read_for_fixing(project, "link.py", [project])


def test_a_symlink_swapped_in_before_writing_is_not_followed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    target = project / "app.py"
    target.write_text("x = 1\n", encoding="utf-8")
    file = read_for_fixing(project, "app.py", [project])
    victim = tmp_path / "victim.py"
    victim.write_text("x = 1\n", encoding="utf-8")
    target.unlink()
    os.symlink(victim, target)
    with pytest.raises(NotEditable):
        write_fixed(file, "x = 2\n", [project])
    assert victim.read_text(encoding="utf-8") == "x = 1\n"


def test_files_outside_the_scanned_paths_are_not_edited(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "lib" / "util.py").write_text("x = 1\n", encoding="utf-8")
    with pytest.raises(NotEditable, match="outside the scanned paths"):
        read_for_fixing(tmp_path, "lib/util.py", [(tmp_path / "app").resolve()])


def test_a_directory_link_leading_out_of_the_tree_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "util.py").write_text("x = 1\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "vendor").symlink_to(outside, target_is_directory=True)
    with pytest.raises(NotEditable, match="outside the scanned paths"):
        read_for_fixing(project, "vendor/util.py", [project.resolve()])


def test_special_files_are_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    with pytest.raises(NotEditable, match="not a regular file"):
        read_for_fixing(tmp_path, "pipe.py", [tmp_path])
