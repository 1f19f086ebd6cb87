"""Per-file results kept between scans, so that a file that has not changed is not analysed again.

A file's result (findings, notices, suppression comments and the facts its collectors gathered) is a function of
its path, its bytes, and the scan's settings: bastion's code, the Python that parses, the rules selected and the
configuration. The key is a SHA-256 over all of these, so a result is reused only where it would be computed again
identically: never across a rename, an edit, a configuration change, an upgrade of bastion, or across projects
unless path and content are the same (and then the result is the same). The location of the cache comes from the
command line or the environment (`--cache-dir`, `BASTION_CACHE_DIR`), never from the scanned tree.

Results cross the cache (and the process boundary from workers) as codec text (`bastion.core.codec`): reading
an entry constructs only bastion's own value classes. An entry that does not decode is a miss, with a notice.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

import bastion
from bastion.cache.file_stats import FileStats
from bastion.cache.store import CacheError, ResultStore, clean
from bastion.core.notice import Notice, NoticeKind
from bastion.source.discovery import SourceFile
from bastion.source.files import read_regular_file


@cache
def code_fingerprint() -> str:
    """bastion's version and the identity (path, size, modification time) of every file of the package: a changed
    rule, model or engine never reuses results computed by the code before it."""
    package = Path(bastion.__file__).resolve().parent
    digest = hashlib.sha256(f"{bastion.__version__}|{sys.version_info[:3]}|{sys.implementation.name}".encode())
    for rel, size, mtime in sorted(_package_files(os.fspath(package), "")):
        digest.update(f"{rel}|{size}|{mtime}\n".encode())
    return digest.hexdigest()


def _package_files(directory: str, prefix: str) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime) of the package's code and data files (`os.scandir`: a start-up cost, and
    pathlib's walk took a one-file scan 20 ms)."""
    found: list[tuple[str, int, int]] = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    found.extend(_package_files(entry.path, f"{prefix}{entry.name}/"))
            elif entry.name.endswith((".py", ".toml", ".json")) and entry.is_file():
                stat = entry.stat()
                found.append((prefix + entry.name, stat.st_size, stat.st_mtime_ns))
    return found


CACHE_DIR_VARIABLE = "BASTION_CACHE_DIR"


def cache_directory(chosen: Path | None) -> Path:
    """Where the cache lives: the command line's `--cache-dir`, else `$BASTION_CACHE_DIR`, else the user cache
    directory. Never a place the scanned tree names."""
    if chosen is not None:
        return chosen
    variable = os.environ.get(CACHE_DIR_VARIABLE)
    if variable:
        return Path(variable)
    return user_cache_directory()


def user_cache_directory() -> Path:
    """The user cache directory of the platform (`~/.cache/bastion` on Linux)."""
    import platformdirs  # imported here: only scans that use the cache need it

    return Path(platformdirs.user_cache_dir("bastion", appauthor=False))


def scan_salt(settings: object, codes: Iterable[str], extra: object = None) -> str:
    """What every key of one scan shares: the code, the settings (as JSON), the rules selected."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    digest.update(("|".join(sorted(codes))).encode())
    digest.update(json.dumps(extra, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def file_key(salt: str, rel: str, content: bytes) -> str:
    digest = hashlib.sha256(salt.encode())
    digest.update(rel.encode("utf-8", "surrogateescape"))
    digest.update(b"\0")
    digest.update(content)
    return digest.hexdigest()


class CacheSession:
    """One scan's use of the store: keys for its files, entries found, entries to write, notices to give."""

    def __init__(self, store: ResultStore, salt: str, max_size: int, scope: str = "") -> None:
        self.store = store
        self.salt = salt
        self.max_size = max_size
        self.notices: list[Notice] = []
        self.keys: dict[str, str] = {}
        self.hits: set[str] = set()
        self.new: dict[str, str] = {}
        # The identity of every file when its key was computed (`bastion.cache.file_stats`), per scanned scope.
        self._stats_key = self.key("file-stats", scope)
        self.stats = self._file_stats()

    def _file_stats(self) -> FileStats:
        try:
            text = self.store.get_many([self._stats_key]).get(self._stats_key)
        except CacheError:
            return FileStats()
        stats = FileStats(text)
        if stats.damaged:
            self.notices.append(
                Notice(NoticeKind.INFO, "the result cache's record of file identities was unreadable; files re-read")
            )
        return stats

    def key_of(self, file: SourceFile) -> str | None:
        """The file's key, or None when it is not worth caching (too large to read: its result is a notice)."""
        if file.content is not None:
            content = file.content.encode("utf-8", "surrogatepass")
        elif file.size > self.max_size or file.is_known_binary:
            return None
        else:
            try:
                status = os.lstat(file.path)
            except OSError:  # gone: analysed (and named) anew
                return None
            if not stat.S_ISREG(status.st_mode):
                return None
            vouched = self.stats.vouched(file.rel, status)
            if vouched is not None:
                self.keys[file.rel] = vouched
                return vouched
            read_at = time.time_ns()
            try:
                content = read_regular_file(file.path, max_size=self.max_size)
            except OSError:  # gone, not a regular file any more, grown past the bound: analysed (and named) anew
                return None
            key = file_key(self.salt, file.rel, content)
            self.stats.record(file.rel, status, read_at, key)
            self.keys[file.rel] = key
            return key
        key = file_key(self.salt, file.rel, content)
        self.keys[file.rel] = key
        return key

    def lookup(self, files: Sequence[SourceFile]) -> dict[str, str]:
        """Stored entries by path, for the files that have one."""
        wanted = {key: file.rel for file in files if (key := self.key_of(file)) is not None}
        try:
            stored = self.store.get_many(list(wanted))
        except CacheError as error:
            self.notices.append(Notice(NoticeKind.INFO, f"{error}; scanned without the cache"))
            return {}
        self.hits = set(stored)
        return {wanted[key]: text for key, text in stored.items()}

    def unreadable(self, rel: str, reason: str) -> None:
        """A stored entry that does not decode: dropped, and the file analysed afresh."""
        key = self.keys.get(rel)
        if key is not None:
            self.hits.discard(key)
            with contextlib.suppress(CacheError):
                self.store.delete([key])
        self.notices.append(
            Notice(NoticeKind.INFO, f"the result cache's entry for this file was unreadable ({reason})", path=rel)
        )

    def project_key(self, rule: type, facts: Mapping[str, Mapping[str, object]], scanned: Sequence[str]) -> str | None:
        """The key of a pure project rule's output (`ProjectRule.pure`): the rule, what was scanned, and the key of
        every file its collectors have facts from. None when the rule is not pure or a file has no key."""
        if not getattr(rule, "pure", False):
            return None
        digest = hashlib.sha256(f"{self.salt}|project|{rule.code}|{json.dumps(list(scanned))}".encode())  # type: ignore[attr-defined]
        for collector in sorted(rule.collectors, key=lambda c: c.name):  # type: ignore[attr-defined]
            for rel in sorted(facts.get(collector.name, {})):
                key = self.keys.get(rel)
                if key is None:
                    return None
                digest.update(f"{collector.name}\0{rel}\0{key}\n".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    # -- the project memo (`bastion.rules.base.ProjectMemo`): parts of a project rule's work -----------------------

    def key(self, *parts: str) -> str:
        digest = hashlib.sha256(f"{self.salt}|memo".encode())
        for part in parts:
            digest.update(b"\0")
            digest.update(part.encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def recall(self, keys: Sequence[str]) -> dict[str, str]:
        return self.project_entries(keys)

    def keep(self, key: str, text: str) -> None:
        self.remember_key(key, text)

    def discard(self, key: str, what: str) -> None:
        self.hits.discard(key)
        self.new.pop(key, None)
        with contextlib.suppress(CacheError):
            self.store.delete([key])
        self.notices.append(
            Notice(NoticeKind.INFO, f"the result cache's entry for {what} was unreadable; computed anew")
        )

    def project_entries(self, keys: Sequence[str]) -> dict[str, str]:
        try:
            stored = self.store.get_many(keys)
        except CacheError:
            return {}
        self.hits.update(stored)
        return stored

    def remember_key(self, key: str, entry: str) -> None:
        if key not in self.hits:
            self.new[key] = entry

    def remember(self, rel: str, entry: str) -> None:
        key = self.keys.get(rel)
        if key is not None and key not in self.hits:
            self.new[key] = entry

    def save(self) -> None:
        if self.stats.changed or self.stats.pruned:
            self.new[self._stats_key] = self.stats.text()
        try:
            self.store.put_many(self.new, touched=self.hits)
        except CacheError as error:
            self.notices.append(Notice(NoticeKind.INFO, f"{error}; results of this scan were not kept"))


def open_cache(directory: Path, salt: str, max_size: int, scope: str = "") -> tuple[CacheSession | None, list[Notice]]:
    """`scope`: what the scan covers (root and targets), which keeps the file identities it records apart."""
    try:
        return CacheSession(ResultStore(directory), salt, max_size, scope), []
    except CacheError as error:
        return None, [Notice(NoticeKind.INFO, f"{error}; scanned without the cache")]


def clean_results(directory: Path) -> list[Path]:
    """Remove the stored results in `directory` (`bastion cache clean`); the files removed."""
    return clean(directory)
