"""bandit's `# nosec Bxxx` and ruff's `# noqa: Sxxx` silence the PAT rules that declare those ids."""

from __future__ import annotations

from pathlib import Path

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from tests.conftest import make_services

SOURCE = """\
import hashlib
import random
import tempfile

signature = hashlib.md5(data)  # nosec B324
reset_token = random.random()  # noqa: S311
path = tempfile.mktemp()  # nosec B602
"""


def test_peer_ids_map_to_pat_rules(tmp_path: Path) -> None:
    (tmp_path / "module.py").write_text(SOURCE, encoding="utf-8")
    config = BastionConfig.model_validate({"select": ["PAT"]})
    result = scan([tmp_path], ScanOptions(config=config, root=tmp_path, jobs=1, services=make_services()))
    active = {(f.location.line, f.code) for f in result.findings}
    silenced = {(s.finding.location.line, s.finding.code) for s in result.suppressed}
    assert (5, "PAT401") in silenced
    assert (6, "PAT406") in silenced
    # B602 is the shell rule's id: it does not silence the mktemp finding on that line.
    assert (7, "PAT806") in active
