"""A baseline survives code moving: no line number in its entries, fingerprints or stored messages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from bastion.api import ScanRequest, run
from bastion.api.baseline import stored_message
from tests.conftest import make_services

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "vulnerable-flask-app"


def _baseline(root: Path, target: Path) -> str:
    request = ScanRequest(paths=(root,), isolated=True, jobs=1, write_baseline=target)
    run(request, services=make_services())
    return target.read_text(encoding="utf-8")


def test_moving_every_line_down_leaves_the_baseline_byte_identical(tmp_path: Path) -> None:
    root = tmp_path / "app"
    shutil.copytree(EXAMPLE, root)
    before = _baseline(root, tmp_path / "before.json")
    assert '"code": "TNT101"' in before and '"code": "SEC' in before, "taint and secret findings are in it"
    for module in (root / "app").glob("*.py"):
        module.write_text("# moved\n\n\n" + module.read_text(encoding="utf-8"), encoding="utf-8")
    after = _baseline(root, tmp_path / "after.json")
    assert after == before
    assert not re.search(r"\.py:\d", before), "no file:line in a stored message"


def test_stored_messages_keep_the_file_and_drop_its_position() -> None:
    assert stored_message("set at app/settings.py:12 (see views.py:3:5)") == "set at app/settings.py (see views.py)"
    assert stored_message("listens on 0.0.0.0:5000") == "listens on 0.0.0.0:5000", "an address is not a position"
