"""A file's cache key is reused by its identity (device, inode, size, mtime, ctime) only when that identity was
settled well before the file was read; an edit that keeps size and mtime is still caught (by ctime)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bastion.api import ScanOptions, result_cache, scan
from bastion.cache.file_stats import RACY_MARGIN_NS, FileStats
from bastion.core.config import BastionConfig
from tests.conftest import make_services

UNSAFE = "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n"
SAFE = "import os\n\n\ndef run(cmd):\n    os.fspath(cmd)\n"  # as long as UNSAFE


def test_a_record_vouches_only_for_an_unchanged_settled_file(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text(UNSAFE)
    status = os.lstat(path)
    later = time.time_ns() + 10 * RACY_MARGIN_NS
    stats = FileStats()
    stats.record("a.py", status, later, "k" * 64)
    assert stats.vouched("a.py", status) == "k" * 64
    assert FileStats(stats.text()).vouched("a.py", status) == "k" * 64  # kept through the store's text
    racy = FileStats()
    racy.record("a.py", status, status.st_ctime_ns + RACY_MARGIN_NS // 2, "k" * 64)
    assert racy.vouched("a.py", status) is None  # read too soon after its last change: read again
    path.write_text(SAFE)
    assert stats.vouched("a.py", os.lstat(path)) is None
    assert stats.vouched("b.py", status) is None


@pytest.mark.parametrize("text", ["garbage", '[1, [["a.py", 1, 2, 3, 4, 5, 6, 7]]]', "[2, []]", '[1, [["a", true]]]'])
def test_a_damaged_record_vouches_for_nothing(text: str) -> None:
    stats = FileStats(text)
    assert stats.damaged and not stats.records


def _findings(root: Path, cache: Path) -> list[str]:
    options = ScanOptions(config=BastionConfig(), root=root, jobs=1, services=make_services(), cache_dir=cache)
    return [f"{f.location} {f.code}" for f in scan([root], options).findings]


def test_an_edit_keeping_size_and_mtime_is_still_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "app"
    root.mkdir()
    path = root / "tool.py"
    path.write_text(UNSAFE)
    cache = tmp_path / "cache"
    reads: list[str] = []
    real_read = result_cache.read_regular_file

    def counted(file: Path, *, max_size: int) -> bytes:
        reads.append(Path(file).name)
        return real_read(file, max_size=max_size)

    monkeypatch.setattr(result_cache, "read_regular_file", counted)
    # Recorded as if read well after the file last changed, so that the record is trusted.
    real_time = time.time_ns
    monkeypatch.setattr(result_cache.time, "time_ns", lambda: real_time() + 10 * RACY_MARGIN_NS)
    unsafe = _findings(root, cache)
    assert any("tool.py" in finding for finding in unsafe)
    reads.clear()
    assert _findings(root, cache) == unsafe
    assert "tool.py" not in reads  # vouched for by its identity: not read for its key
    before = os.lstat(path)
    path.write_text(SAFE)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.lstat(path).st_size == before.st_size and os.lstat(path).st_mtime_ns == before.st_mtime_ns
    assert _findings(root, cache) == [f for f in _findings(root, tmp_path / "cold") if "tool.py" in f] == []
    assert "tool.py" in reads
