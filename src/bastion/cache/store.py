"""The result cache's storage: one SQLite database in WAL mode, bounded in size, least recently used out first.

SQLite gives what a folder of files does not: atomic writes (a killed scan leaves the last committed state),
concurrent scans sharing one cache (readers never block, writers wait their turn with a timeout), and a size that
can be kept under a bound. The store knows nothing of what it holds: keys are hex digests, values are text.

Every operation that fails (a corrupt database, a locked one past the timeout, a full disk) raises `CacheError`;
the scan turns it into a notice and goes on without the cache. A scan is never stopped by its cache.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

SCHEMA_VERSION = 1
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
_BUSY_TIMEOUT_MS = 15_000
_QUERY_CHUNK = 500  # keys per SELECT ... IN (...), under SQLite's variable limit
# An entry used again within this many seconds keeps its last-use time: eviction needs no finer order, and a scan
# that changes nothing then writes nothing (re-marking every entry of a large tree cost a no-change scan ~0.1 s).
TOUCH_INTERVAL = 60.0


class CacheError(Exception):
    """The cache cannot be used (corrupt, locked, unwritable); the scan goes on without it."""


class ResultStore:
    """Key -> text, in `directory/results-v{SCHEMA_VERSION}.sqlite`."""

    def __init__(
        self, directory: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, touch_interval: float = TOUCH_INTERVAL
    ) -> None:
        self.path = directory / f"results-v{SCHEMA_VERSION}.sqlite"
        self.max_bytes = max_bytes
        self.touch_interval_ns = int(touch_interval * 1e9)
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._connection = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self._connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            self._connection.execute("PRAGMA journal_mode = WAL")
            self._connection.execute("PRAGMA synchronous = NORMAL")
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS entries ("
                " key TEXT PRIMARY KEY, value TEXT NOT NULL, size INTEGER NOT NULL, used INTEGER NOT NULL)"
            )
            self._connection.execute("CREATE INDEX IF NOT EXISTS entries_used ON entries (used)")
        except (sqlite3.Error, OSError) as error:
            raise CacheError(f"cannot open the result cache {self.path}: {error}") from None

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._connection.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------------------------------

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """The stored values of those keys that are stored."""
        found: dict[str, str] = {}
        try:
            for chunk in _chunks(keys):
                marks = ",".join("?" * len(chunk))
                rows = self._connection.execute(f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk)
                found.update(rows)
        except sqlite3.Error as error:
            raise CacheError(f"cannot read the result cache {self.path}: {error}") from None
        return found

    # -- writing -----------------------------------------------------------------------------------------------

    def put_many(self, entries: Mapping[str, str], *, touched: Iterable[str] = ()) -> None:
        """Store `entries` and mark `touched` keys as just used (unless used within the touch interval), in one
        transaction; then evict past the bound."""
        now = time.time_ns()
        stale = now - self.touch_interval_ns
        try:
            with self._transaction():
                self._connection.executemany(
                    "INSERT OR REPLACE INTO entries (key, value, size, used) VALUES (?, ?, ?, ?)",
                    ((key, value, len(value), now) for key, value in entries.items()),
                )
                self._connection.executemany(
                    "UPDATE entries SET used = ? WHERE key = ? AND used < ?", ((now, key, stale) for key in touched)
                )
            if entries:  # nothing added, nothing grew
                self._evict()
        except sqlite3.Error as error:
            raise CacheError(f"cannot write the result cache {self.path}: {error}") from None

    def delete(self, keys: Iterable[str]) -> None:
        try:
            with self._transaction():
                self._connection.executemany("DELETE FROM entries WHERE key = ?", ((key,) for key in keys))
        except sqlite3.Error as error:
            raise CacheError(f"cannot write the result cache {self.path}: {error}") from None

    def total_bytes(self) -> int:
        try:
            row = self._connection.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()
        except sqlite3.Error as error:
            raise CacheError(f"cannot read the result cache {self.path}: {error}") from None
        return int(row[0])

    def _evict(self) -> None:
        """Least recently used entries out until the values take at most 80% of the bound."""
        total = self.total_bytes()
        if total <= self.max_bytes:
            return
        target = int(self.max_bytes * 0.8)
        with self._transaction():
            rows = self._connection.execute("SELECT key, size FROM entries ORDER BY used")
            doomed = []
            for key, size in rows:
                if total <= target:
                    break
                doomed.append((key,))
                total -= size
            self._connection.executemany("DELETE FROM entries WHERE key = ?", doomed)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")


def clean(directory: Path) -> list[Path]:
    """Remove every result-cache file bastion made in `directory` (any schema version); the paths removed."""
    removed: list[Path] = []
    if not directory.is_dir():
        return removed
    for path in sorted(directory.glob("results-v*.sqlite*")):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
            removed.append(path)
    return removed


def _chunks(keys: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(keys), _QUERY_CHUNK):
        yield list(keys[start : start + _QUERY_CHUNK])
