"""An on-disk cache of OSV records, keyed by advisory id and its `modified` time, with an expiry.

The batch query says which advisories affect each package and when each was last modified; a cached record with
the same `modified` is the same record, so a re-run fetches only what changed. Entries older than the expiry are
fetched again (and so refreshed) whatever their `modified`, which bounds how long a damaged entry can live.
The cache is best effort: a file that cannot be read or written is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bastion.core import patterns

DEFAULT_MAX_AGE = 7 * 24 * 3600.0
_UNSAFE = patterns.compile(r"[^A-Za-z0-9._-]")


class RecordCache:
    def __init__(self, directory: Path, *, max_age: float = DEFAULT_MAX_AGE) -> None:
        self.directory = directory
        self.max_age = max_age

    def _file(self, identifier: str) -> Path:
        return self.directory / f"{_UNSAFE.sub('_', identifier)}.json"

    def get(self, identifier: str, modified: str) -> dict[str, Any] | None:
        try:
            entry = json.loads(self._file(identifier).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict):
            return None
        record = entry.get("record")
        stored = entry.get("stored")
        if not isinstance(record, dict) or not isinstance(stored, (int, float)):
            return None
        if record.get("id") != identifier or record.get("modified") != modified:
            return None
        if time.time() - stored > self.max_age:
            return None
        return record

    def put(self, identifier: str, record: dict[str, Any]) -> None:
        target = self._file(identifier)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=target.name, suffix=".tmp", dir=self.directory)
        except OSError:
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump({"stored": time.time(), "record": record}, stream)
            os.replace(temporary, target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
