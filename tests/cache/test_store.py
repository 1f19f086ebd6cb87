"""The cache's storage: bounded, shared by concurrent scans, intact after a killed one, never fatal."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bastion.cache.store import CacheError, ResultStore, clean


def test_values_come_back_and_missing_keys_do_not(tmp_path: Path) -> None:
    with ResultStore(tmp_path) as store:
        store.put_many({"a" * 64: "one", "b" * 64: "two"})
        assert store.get_many(["a" * 64, "c" * 64]) == {"a" * 64: "one"}


def test_the_size_bound_evicts_the_least_recently_used(tmp_path: Path) -> None:
    with ResultStore(tmp_path, max_bytes=10_000, touch_interval=0) as store:
        store.put_many({"old": "x" * 4000})
        time.sleep(0.01)
        store.put_many({"kept": "y" * 4000})
        time.sleep(0.01)
        store.put_many({"new": "z" * 4000}, touched=["kept"])
        assert store.total_bytes() <= 10_000
        assert set(store.get_many(["old", "kept", "new"])) == {"kept", "new"}


def test_an_entry_used_recently_is_not_marked_again(tmp_path: Path) -> None:
    with ResultStore(tmp_path, touch_interval=3600) as store:
        store.put_many({"a": "one", "b": "two"})
        with sqlite3.connect(store.path) as connection:
            connection.execute("UPDATE entries SET used = 0 WHERE key = 'b'")  # used long ago
        used = dict(store._connection.execute("SELECT key, used FROM entries").fetchall())
        store.put_many({}, touched=["a", "b"])
        again = dict(store._connection.execute("SELECT key, used FROM entries").fetchall())
        assert again["a"] == used["a"]  # used within the hour: left as it was
        assert again["b"] > 0  # marked as just used


def _writer(directory: str, prefix: str, count: int) -> None:
    with ResultStore(Path(directory)) as store:
        for number in range(count):
            store.put_many({f"{prefix}{number}": f"value {prefix}{number}"})


def test_concurrent_scans_share_one_cache(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_writer, args=(str(tmp_path), prefix, 60)) for prefix in "abc"]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
        assert writer.exitcode == 0
    with ResultStore(tmp_path) as store:
        keys = [f"{prefix}{number}" for prefix in "abc" for number in range(60)]
        assert len(store.get_many(keys)) == len(keys)


def test_a_killed_writer_leaves_a_usable_cache(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from bastion.cache.store import ResultStore\n"
        "store = ResultStore(Path(sys.argv[1]))\n"
        "n = 0\n"
        "while True:\n"
        "    store.put_many({f'k{n}-{i}': 'v' * 2000 for i in range(50)}); n += 1\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)])
    time.sleep(3)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    with ResultStore(tmp_path) as store:
        assert store.total_bytes() >= 0
        store.put_many({"after": "ok"})
        assert store.get_many(["after"]) == {"after": "ok"}


def test_a_corrupt_database_is_an_error_the_scan_can_report(tmp_path: Path) -> None:
    (tmp_path / "results-v1.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(CacheError):
        ResultStore(tmp_path).get_many(["x"])


def test_clean_removes_the_cache_files(tmp_path: Path) -> None:
    with ResultStore(tmp_path) as store:
        store.put_many({"a": "b"})
    (tmp_path / "unrelated.txt").write_text("kept")
    removed = clean(tmp_path)
    assert removed and not list(tmp_path.glob("results-*"))
    assert (tmp_path / "unrelated.txt").exists()
