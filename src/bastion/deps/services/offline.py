"""An offline OSV database: a directory of OSV JSON files, or OSV's PyPI bulk export (`all.zip`).

The data is indexed once into a small SQLite file (advisories by PEP 503 package name, already reduced to what
matching needs), kept in the user cache directory and keyed on the data's path and a signature of it (a SHA-256
of the zip's content, or the size and modification time of every JSON file in the directory). Later runs check the
signature and the index, then read the rows of the packages they audit: an audit does not pay for the export's size.
When the cache directory cannot be written the index is built in memory for this run only.

The index is checked before it is trusted: it records how many rows it holds and a SHA-256 digest of them, and
a SHA-256 of the source data it was built from. An index whose rows were deleted, changed or emptied, whose meta
table is gone, or that is not SQLite at all, is detected on opening and rebuilt from the data (with a warning);
it is never read as "no advisories". The data is read within bounds: a record larger than 16 MiB is skipped (OSV
records are a few KB), archive members are read through a bounded stream whatever their header claims, an archive
with more than a million members is refused, and a member that cannot be read (a bad CRC, broken deflate data, an
encrypted or unsupported entry) is skipped with a warning instead of stopping the audit.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bastion import __version__
from bastion.core.severity import Severity
from bastion.deps.advisory import Advisory, AffectedVersions, RangeEvent, advisories_from_record
from bastion.deps.model import PackageVersion
from bastion.deps.services.interface import DatabaseError, VulnerabilityService
from bastion.deps.severity import AdvisorySeverity
from bastion.source.files import read_file_head

# Part of the index key with bastion's version: a change in how records are reduced must rebuild old indexes.
INDEX_FORMAT = "5"
_MAX_WARNINGS_LISTED = 3
MAX_RECORD_BYTES = 16 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 1_000_000
_CHUNK = 1024 * 1024
# What reading one archive member can raise when the member (not the whole archive) is broken.
_MEMBER_ERRORS = (OSError, zipfile.BadZipFile, RuntimeError, zlib.error, EOFError, NotImplementedError, ValueError)


@dataclass(frozen=True)
class IndexStats:
    records: int  # OSV files read
    advisories: int  # (record, package) rows indexed
    withdrawn: int
    unreadable: int
    seconds: float
    rebuilt: bool


class OfflineDatabase(VulnerabilityService):
    """Advisories from local OSV data. Nothing here touches the network."""

    def __init__(self, path: Path, *, cache_dir: Path | None = None, disk_cache: bool = True) -> None:
        self.path = Path(path).expanduser()
        self.cache_dir = cache_dir
        self.disk_cache = disk_cache
        self._connection: sqlite3.Connection | None = None
        self._by_package: dict[str, tuple[Advisory, ...]] = {}
        self._warnings: list[str] = []
        self.stats: IndexStats | None = None

    @property
    def description(self) -> str:
        return f"offline database {self.path}"

    def warnings(self) -> Sequence[str]:
        return tuple(self._warnings)

    def query(self, packages: Sequence[PackageVersion]) -> Mapping[PackageVersion, tuple[Advisory, ...]]:
        answers: dict[PackageVersion, tuple[Advisory, ...]] = {}
        for package in packages:
            known = self.package_advisories(package.name)
            answers[package] = tuple(a for a in known if a.affects(package.version))
        return answers

    def package_advisories(self, name: str) -> tuple[Advisory, ...]:
        """Every advisory the database holds for a package (PEP 503 name)."""
        cached = self._by_package.get(name)
        if cached is None:
            rows = self._connect().execute("SELECT data FROM advisory WHERE package = ? ORDER BY id", (name,))
            cached = tuple(_advisory_from_json(name, json.loads(data)) for (data,) in rows)
            self._by_package[name] = cached
        return cached

    def open(self) -> IndexStats:
        """Check the data and build or reuse the index now (the first query does it otherwise)."""
        self._connect()
        assert self.stats is not None
        return self.stats

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # -- the index --------------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = self._open_index()
        return self._connection

    def _open_index(self) -> sqlite3.Connection:
        signature = data_signature(self.path)
        index_file = self._index_file()
        damage = ""
        if index_file is not None:
            connection, damage = _try_open(index_file, signature) if index_file.is_file() else (None, "")
            if connection is not None:
                self.stats = _stored_stats(connection)
                self._warnings = _stored_warnings(connection)
                return connection
            connection = self._build_file(index_file, signature)
            if connection is not None:
                self._warn_damage(index_file, damage)
                return connection
        connection = sqlite3.connect(":memory:")
        self._build(connection, signature)
        if index_file is not None:
            self._warn_damage(index_file, damage)
        return connection

    def _warn_damage(self, index_file: Path, damage: str) -> None:
        if damage:
            self._warnings.append(
                f"the offline index {index_file} was not trusted ({damage}); rebuilt from {self.path}"
            )

    def _build_file(self, index_file: Path, signature: str) -> sqlite3.Connection | None:
        """Build the index into the cache, atomically (concurrent runs never see half an index); None when the
        cache cannot be written."""
        try:
            index_file.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=index_file.name, suffix=".tmp", dir=index_file.parent)
            os.close(handle)
        except OSError:
            return None
        try:
            connection = sqlite3.connect(temporary)
            try:
                self._build(connection, signature)
            finally:
                connection.close()
            os.replace(temporary, index_file)
            return sqlite3.connect(index_file)
        except (OSError, sqlite3.Error):
            return None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)

    def _index_file(self) -> Path | None:
        if not self.disk_cache:
            return None
        base = self.cache_dir if self.cache_dir is not None else default_cache_dir()
        if base is None:
            return None
        key = hashlib.sha256(str(self.path.resolve()).encode("utf-8")).hexdigest()[:20]
        return base / "osv-index" / f"{key}.sqlite3"

    def _build(self, connection: sqlite3.Connection, signature: str) -> None:
        started = time.perf_counter()
        connection.executescript(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE advisory (package TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL);
            """
        )
        records = advisories = withdrawn = unreadable = 0
        problems: list[str] = []
        rows: list[tuple[str, str, str]] = []
        rows_digest = hashlib.sha256()
        source_digest = hashlib.sha256()
        for name, loaded in _records(self.path, source_digest):
            if isinstance(loaded, str):
                unreadable += 1
                problems.append(f"{name}: {loaded}")
                continue
            records += 1
            if loaded.get("withdrawn"):
                withdrawn += 1
                continue
            for advisory in advisories_from_record(loaded):
                row = (advisory.package, advisory.id, json.dumps(_advisory_to_json(advisory)))
                rows_digest.update(_row_bytes(row))
                rows.append(row)
            if len(rows) >= 2000:
                connection.executemany("INSERT INTO advisory VALUES (?, ?, ?)", rows)
                advisories += len(rows)
                rows.clear()
        connection.executemany("INSERT INTO advisory VALUES (?, ?, ?)", rows)
        advisories += len(rows)
        connection.execute("CREATE INDEX advisory_package ON advisory (package)")
        if records == 0 and unreadable == 0:
            raise DatabaseError(f"{self.path} holds no OSV JSON records (*.json)")
        if advisories == 0 and records == 0:
            raise DatabaseError(f"{self.path}: none of its OSV records could be read")
        seconds = time.perf_counter() - started
        self._warnings = _summarise_problems(self.path, problems)
        self.stats = IndexStats(records, advisories, withdrawn, unreadable, seconds, rebuilt=True)
        meta = {
            "format": INDEX_FORMAT,
            "signature": signature,
            "stats": json.dumps([records, advisories, withdrawn, unreadable, seconds]),
            "warnings": json.dumps(self._warnings),
            "rows": str(advisories),
            "rows_digest": rows_digest.hexdigest(),
            "source_digest": source_digest.hexdigest(),
        }
        connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        connection.commit()


def default_cache_dir() -> Path | None:
    try:
        import platformdirs

        return Path(platformdirs.user_cache_dir("bastion", appauthor=False))
    except Exception:  # pragma: no cover - an exotic platform without a cache directory
        return None


def data_signature(path: Path) -> str:
    """What changes when the data changes: the zip's content (a SHA-256 of it, some 15 ms for OSV's PyPI export),
    or the size and mtime of every JSON file in the directory (reading 18,000 files at each run would cost more)."""
    digest = hashlib.sha256(f"{INDEX_FORMAT}:{__version__}".encode())
    try:
        if path.is_file():
            digest.update(b"zip:")
            _digest_file(path, digest)
            return digest.hexdigest()
        if not path.is_dir():
            raise DatabaseError(f"{path}: no such file or directory; give --db a folder of OSV JSON files or a zip")
        for entry in _json_files(path):
            status = entry.stat()
            digest.update(f"{entry.relative_to(path).as_posix()}:{status.st_size}:{status.st_mtime_ns};".encode())
    except OSError as error:
        raise DatabaseError(f"{path}: cannot read the advisory database: {error.strerror or error}") from None
    return digest.hexdigest()


def _json_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for directory, subdirectories, files in os.walk(folder):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        found.extend(Path(directory) / name for name in sorted(files) if name.endswith(".json"))
    return found


def _records(path: Path, digest: Any) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """(name, record) for each OSV file, or (name, reason) when a file cannot be read as an OSV record; `digest`
    (a hashlib object) is fed the source data: the zip's bytes, or each file's name and bytes."""
    if path.is_dir():
        for file in _json_files(path):
            try:
                data = _read_bounded_file(file)
            except OSError as error:
                yield file.name, f"cannot read: {error.strerror or error}"
                continue
            digest.update(f"{file.relative_to(path).as_posix()}\0{len(data)}\0".encode())
            digest.update(data)
            yield file.name, _decode(data) if len(data) <= MAX_RECORD_BYTES else _too_large(len(data))
        return
    try:
        _digest_file(path, digest)
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError) as error:
        raise DatabaseError(f"{path}: not a folder of OSV JSON files nor a zip of them ({error})") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ARCHIVE_MEMBERS:
            raise DatabaseError(
                f"{path}: {len(members):,} members, more than the {MAX_ARCHIVE_MEMBERS:,} an OSV export can hold"
            )
        for info in members:
            if info.is_dir() or not info.filename.endswith(".json"):
                continue
            if info.file_size > MAX_RECORD_BYTES:
                yield info.filename, _too_large(info.file_size)
                continue
            try:
                with archive.open(info) as stream:
                    data = stream.read(MAX_RECORD_BYTES + 1)  # bounded, whatever the header says
            except _MEMBER_ERRORS as error:
                yield info.filename, f"cannot read from the zip: {error or type(error).__name__}"
                continue
            yield info.filename, _decode(data) if len(data) <= MAX_RECORD_BYTES else _too_large(len(data))


def _too_large(size: int) -> str:
    return f"larger than {MAX_RECORD_BYTES // (1024 * 1024)} MiB ({size:,} bytes or more), not an OSV record"


def _read_bounded_file(file: Path) -> bytes:
    # A regular file only (a FIFO would hang the read), and no more than one byte past the record limit.
    return read_file_head(file, MAX_RECORD_BYTES + 1, follow_symlinks=True)


def _digest_file(path: Path, digest: Any) -> None:
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)


def _row_bytes(row: tuple[str, str, str]) -> bytes:
    return "\0".join(row).encode("utf-8", "surrogatepass") + b"\n"


def _decode(data: bytes) -> dict[str, Any] | str:
    try:
        record = json.loads(data)
    except (ValueError, RecursionError) as error:
        return f"not valid JSON ({error})"
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        return "not an OSV record (no `id`)"
    return record


def _summarise_problems(path: Path, problems: list[str]) -> list[str]:
    if not problems:
        return []
    listed = "; ".join(problems[:_MAX_WARNINGS_LISTED])
    more = f" and {len(problems) - _MAX_WARNINGS_LISTED} more" if len(problems) > _MAX_WARNINGS_LISTED else ""
    return [f"{path}: {len(problems)} advisory file(s) skipped: {listed}{more}"]


def _try_open(index_file: Path, signature: str) -> tuple[sqlite3.Connection | None, str]:
    """The index, when it was built from this data by this format and is whole; else None and what was wrong
    with it ("" when it is merely out of date)."""
    try:
        connection = sqlite3.connect(index_file)
        meta = dict(connection.execute("SELECT key, value FROM meta"))
    except sqlite3.Error as error:
        return None, f"unreadable: {error}"
    # The signature names the data the index was built from; it is not a secret.
    if meta.get("format") != INDEX_FORMAT or meta.get("signature") != signature:  # bastion: ignore[PAT405]
        connection.close()
        return None, ""
    damage = _damage(connection, meta)
    if damage:
        connection.close()
        return None, damage
    return connection, ""


def _damage(connection: sqlite3.Connection, meta: Mapping[str, str]) -> str:
    """What is wrong with an index whose meta says it is current: rows missing, added or changed."""
    try:
        (count,) = connection.execute("SELECT COUNT(*) FROM advisory").fetchone()
        if str(count) != meta.get("rows"):
            return f"it holds {count} advisory rows where it recorded {meta.get('rows')}"
        digest = hashlib.sha256()
        for row in connection.execute("SELECT package, id, data FROM advisory ORDER BY rowid"):
            digest.update(_row_bytes(row))
    except sqlite3.Error as error:
        return f"unreadable: {error}"
    if digest.hexdigest() != meta.get("rows_digest"):  # bastion: ignore[PAT405] a checksum, not a secret
        return "its rows do not match the digest recorded when it was built"
    return ""


def _stored_stats(connection: sqlite3.Connection) -> IndexStats:
    (value,) = connection.execute("SELECT value FROM meta WHERE key = 'stats'").fetchone()
    records, advisories, withdrawn, unreadable, seconds = json.loads(value)
    return IndexStats(records, advisories, withdrawn, unreadable, seconds, rebuilt=False)


def _stored_warnings(connection: sqlite3.Connection) -> list[str]:
    row = connection.execute("SELECT value FROM meta WHERE key = 'warnings'").fetchone()
    return list(json.loads(row[0])) if row else []


def _advisory_to_json(advisory: Advisory) -> dict[str, Any]:
    severity = advisory.severity
    return {
        "id": advisory.id,
        "al": list(advisory.aliases),
        "su": advisory.summary,
        "mo": advisory.modified,
        "pu": advisory.published,
        "sv": [int(severity.level), severity.score, severity.vector, severity.source],
        "af": [
            {"r": [[[e.kind, e.version] for e in events] for events in entry.ranges], "v": sorted(entry.versions)}
            for entry in advisory.affected
        ],
    }


def _advisory_from_json(package: str, data: dict[str, Any]) -> Advisory:
    level, score, vector, source = data["sv"]
    return Advisory(
        id=data["id"],
        package=package,
        aliases=tuple(data["al"]),
        summary=data["su"],
        modified=data["mo"],
        published=data["pu"],
        severity=AdvisorySeverity(Severity(level), score, vector, source),
        affected=tuple(
            AffectedVersions(
                tuple(tuple(RangeEvent(kind, version) for kind, version in events) for events in entry["r"]),
                frozenset(entry["v"]),
            )
            for entry in data["af"]
        ),
    )
