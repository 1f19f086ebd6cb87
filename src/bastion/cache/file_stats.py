"""Vouching for a file's content by its metadata, so that a warm scan need not read and hash every file again.

A file's cache key is a digest of its bytes. Reading and hashing every file of a large tree is most of what a
scan that changed nothing costs, so, as git's index, ruff and mypy do, the key a file had is reused while the file's
identity is the same: device, inode, size, modification time and *change* time (ctime), all in nanoseconds.

ctime is what makes this safe: every write to a file sets it to the current time, and no program can set it back
(`touch -d`, `cp -p`, `tar`, `rsync -t` restore the modification time, not the change time; a file replaced by a
copy also gets another inode). What remains is the "racy" case: a file written within the timestamp granularity of
the moment its key was computed could be written again with nothing in its metadata changing. So a record is
trusted only when the file's ctime and mtime are more than `RACY_MARGIN_NS` older than the moment its bytes were
read; a file changed just before or during a scan is read again at the next one (and vouched for after that).

What this does not cover: a clock set back by more than the margin, or a file system whose ctime does not change on
write (some network and FUSE file systems). `--no-cache` reads everything.
"""

from __future__ import annotations

import json
import os

RACY_MARGIN_NS = 2_000_000_000  # coarser than any local file system's timestamps (FAT: 2 s)
_FORMAT = 1

Identity = tuple[int, int, int, int, int]  # st_dev, st_ino, st_size, st_mtime_ns, st_ctime_ns


def identity(stat: os.stat_result) -> Identity:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class FileStats:
    """The identity each file had when its key was computed, the time its bytes were read, and the key."""

    def __init__(self, text: str | None = None) -> None:
        self.records: dict[str, tuple[Identity, int, str]] = {}
        self.damaged = False
        self.changed = False
        self._seen: set[str] = set()
        if text is not None:
            try:
                self.records = _parse(text)
            except (ValueError, TypeError):
                self.damaged = True

    def vouched(self, rel: str, stat: os.stat_result) -> str | None:
        """The key recorded for the file, if its identity is unchanged and was settled well before it was read."""
        self._seen.add(rel)
        record = self.records.get(rel)
        if record is None:
            return None
        recorded_identity, read_at, key = record
        settled = read_at - RACY_MARGIN_NS
        if recorded_identity != identity(stat) or stat.st_ctime_ns >= settled or stat.st_mtime_ns >= settled:
            return None
        return key

    def record(self, rel: str, stat: os.stat_result, read_at: int, key: str) -> None:
        """`stat` was taken before the bytes were read at `read_at` (nanoseconds since the epoch)."""
        self._seen.add(rel)
        record = (identity(stat), read_at, key)
        if self.records.get(rel) != record:
            self.records[rel] = record
            self.changed = True

    def text(self) -> str:
        """The records of the files this scan looked at (those of files gone or not scanned are dropped)."""
        kept = {rel: self.records[rel] for rel in sorted(self._seen) if rel in self.records}
        return json.dumps([_FORMAT, [[rel, *ident, read_at, key] for rel, (ident, read_at, key) in kept.items()]])

    @property
    def pruned(self) -> bool:
        return any(rel not in self._seen for rel in self.records)


def _parse(text: str) -> dict[str, tuple[Identity, int, str]]:
    data = json.loads(text)
    if not isinstance(data, list) or len(data) != 2 or data[0] != _FORMAT or not isinstance(data[1], list):
        raise ValueError("not a file-stats record")
    records: dict[str, tuple[Identity, int, str]] = {}
    for row in data[1]:
        if not (isinstance(row, list) and len(row) == 8 and isinstance(row[0], str) and isinstance(row[7], str)):
            raise ValueError("not a file-stats row")
        numbers = row[1:7]
        if not all(isinstance(number, int) and not isinstance(number, bool) for number in numbers):
            raise ValueError("not a file-stats row")
        dev, ino, size, mtime, ctime, read_at = numbers
        records[row[0]] = ((dev, ino, size, mtime, ctime), read_at, row[7])
    return records
