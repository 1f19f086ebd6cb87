"""Attack: damage the offline advisory index, or hand `--db` an archive built to exhaust memory or to break.

The SQLite index built from `--db` was trusted whenever its meta table named the same data: rows deleted from
it (an emptied index) read as "no advisories". A 1 GiB member took 2 GB of memory, and one corrupt member stopped
the whole audit. The index now records its row count and a digest of its rows and is rebuilt when either is off;
archive members are read through a bounded stream, and a broken one is skipped with a warning.
"""

from __future__ import annotations

import json
import sqlite3
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from bastion.deps.model import PackageVersion
from bastion.deps.services.offline import MAX_RECORD_BYTES, OfflineDatabase
from tests.conftest import OSV_TEST_DATA
from tests.hostile.trust_support import run_bastion, write_files

PIN = "pydantic==1.7.2\n"  # PYSEC-2021-47 in the test data
ADVISORY = "PYSEC-2021-47"


def _export(path: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for record in sorted(OSV_TEST_DATA.glob("*.json")):
            archive.write(record, record.name)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def _audit(tmp_path: Path, db: Path, cache: Path) -> dict:  # type: ignore[type-arg]
    project = write_files(tmp_path / "project", {"requirements.txt": PIN})
    done = run_bastion(
        ["deps", str(project), "--isolated", "-f", "json", "--db", str(db), "--cache-dir", str(cache), "--no-progress"],
        home=tmp_path / "home",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    report: dict = json.loads(done.stdout)  # type: ignore[type-arg]
    return report


def _ids(report: dict) -> list[str]:  # type: ignore[type-arg]
    return [f["properties"]["id"] for f in report["findings"] if f["code"] == "DEP101"]


def _index(cache: Path) -> Path:
    (index,) = (cache / "osv-index").glob("*.sqlite3")
    return index


def _empty(index: Path) -> None:
    with sqlite3.connect(index) as connection:
        connection.execute("DELETE FROM advisory")


def _rewrite_rows(index: Path) -> None:
    """Keep the count, change what the rows say: every advisory now affects nothing."""
    with sqlite3.connect(index) as connection:
        rows = list(connection.execute("SELECT rowid, data FROM advisory"))
        for rowid, data in rows:
            advisory = json.loads(data)
            advisory["af"] = [{"r": [], "v": []}]
            connection.execute("UPDATE advisory SET data = ? WHERE rowid = ?", (json.dumps(advisory), rowid))


def _garbage(index: Path) -> None:
    index.write_bytes(b"not an index at all\n" * 100)


def _drop_meta(index: Path) -> None:
    with sqlite3.connect(index) as connection:
        connection.execute("DROP TABLE meta")


@pytest.mark.parametrize("damage", [_empty, _rewrite_rows, _garbage, _drop_meta], ids=lambda f: f.__name__[1:])
def test_a_damaged_index_is_detected_and_rebuilt(tmp_path: Path, damage: object) -> None:
    db, cache = _export(tmp_path / "all.zip"), tmp_path / "cache"
    assert _ids(_audit(tmp_path, db, cache)) == [ADVISORY]
    damage(_index(cache))  # type: ignore[operator]
    report = _audit(tmp_path, db, cache)
    assert _ids(report) == [ADVISORY], "a damaged index was read as 'no advisories'"
    if damage is not _drop_meta:  # without its meta table the index is merely out of date: rebuilt silently
        assert any("not trusted" in n["message"] for n in report["notices"]), report["notices"]
    assert _ids(_audit(tmp_path, db, cache)) == [ADVISORY]  # and the rebuilt index is trusted again


def _corrupt_member(path: Path, name: str) -> None:
    """Flip bytes inside one member's compressed data, as a bad download or a bad disk would."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 4, start + min(info.compress_size - 2, 40)):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))


def test_a_corrupt_member_is_skipped_and_the_audit_goes_on(tmp_path: Path) -> None:
    broken = json.dumps({"id": "BROKEN-1", "details": "x" * 5000, "affected": []}).encode()
    db = _export(tmp_path / "all.zip", {"BROKEN-1.json": broken})
    _corrupt_member(db, "BROKEN-1.json")
    report = _audit(tmp_path, db, tmp_path / "cache")
    assert _ids(report) == [ADVISORY]
    assert any("BROKEN-1.json" in n["message"] for n in report["notices"]), report["notices"]
    assert not report["summary"]["incomplete"]


def test_a_huge_member_is_skipped_within_bounded_memory(tmp_path: Path) -> None:
    huge = b"{" + b" " * (MAX_RECORD_BYTES * 4) + b"}"  # 64 MiB, a few KB once deflated
    db = _export(tmp_path / "all.zip", {"HUGE-1.json": huge})
    del huge
    database = OfflineDatabase(db, cache_dir=tmp_path / "cache")
    tracemalloc.start()
    try:
        stats = database.open()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024, f"indexing took {peak / 2**20:.0f} MiB"
    assert any("HUGE-1.json" in warning and "larger than" in warning for warning in database.warnings())
    assert stats.records > 0
    advisories = database.query([PackageVersion("pydantic", "1.7.2")])
    assert [a.id for a in advisories[PackageVersion("pydantic", "1.7.2")]] == [ADVISORY]
