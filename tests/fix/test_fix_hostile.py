"""`bastion fix` on a hostile tree: links out of it are never written through, whatever the user names."""

from __future__ import annotations

from pathlib import Path

from bastion.api import ScanRequest
from bastion.api.fixing import fix
from bastion.fix.engine import FixSettings
from bastion.rules.base import ScanServices
from tests.foundation.conftest import write_tree

FIXABLE = "import yaml\n\n\ndef read(text):\n    return yaml.load(text)\n"


def _fix(*paths: Path) -> None:
    request = ScanRequest(paths=paths, select=("PAT202",), isolated=True, jobs=1)
    fix(request, FixSettings(), services=ScanServices(offline=True))


def test_links_out_of_the_tree_are_not_written_through(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"victim.py": FIXABLE, "pkg/module.py": FIXABLE})
    project = write_tree(tmp_path / "project", {"app.py": FIXABLE})
    (project / "linked.py").symlink_to(outside / "victim.py")
    (project / "vendor").symlink_to(outside / "pkg", target_is_directory=True)
    _fix(project)
    assert "yaml.safe_load" in (project / "app.py").read_text(encoding="utf-8")
    assert (outside / "victim.py").read_text(encoding="utf-8") == FIXABLE
    assert (outside / "pkg" / "module.py").read_text(encoding="utf-8") == FIXABLE
    assert (project / "linked.py").is_symlink() and (project / "vendor").is_symlink()


def test_a_named_link_out_of_the_tree_is_not_followed(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"victim.py": FIXABLE})
    project = write_tree(tmp_path / "project", {"app.py": "x = 1\n"})
    (project / "linked.py").symlink_to(outside / "victim.py")
    _fix(project / "linked.py")
    assert (outside / "victim.py").read_text(encoding="utf-8") == FIXABLE


def test_only_the_named_paths_are_edited(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "project", {"app/main.py": FIXABLE, "lib/util.py": FIXABLE})
    _fix(project / "app")
    assert "yaml.safe_load" in (project / "app" / "main.py").read_text(encoding="utf-8")
    assert (project / "lib" / "util.py").read_text(encoding="utf-8") == FIXABLE
