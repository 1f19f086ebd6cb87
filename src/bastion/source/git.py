"""Every read of a git repository bastion makes, through libgit2 (pygit2): never the `git` program.

The scanned repository is hostile input, and the `git` program obeys configuration that runs programs:
`core.fsmonitor` (run by `git ls-files` and `git status`), `core.pager`, `diff.external` and
`diff.<driver>.command`, `diff.<driver>.textconv`, `filter.<driver>.clean/smudge/process`, `gpg.program` with
`log.showSignature`, credential helpers, `core.sshCommand`, hooks, and more with each release; the repository's
own `.git/config` can set any of them, and `safe.directory` does not stop them. libgit2 reads objects, refs, the
index and ignore files itself and implements none of those (1.9: no fsmonitor, no hooks, no pager, no textconv
or external diff, no filter drivers but its built-in CRLF and ident ones, no signature verification; it starts a
process only for the ssh transport of network operations, which bastion never uses). Nothing here applies
filters either: blobs are read raw.

Reading is also independent of any configuration that could hide history: file versions are diffed as raw
buffers, with no path, so `.gitattributes` (`-diff`, `binary`, `diff=driver`) and diff settings (`noprefix`,
`bigFileThreshold`, `context`, `renames`) play no part, and added lines come from hunk line numbers, never from
a line's leading characters. Commits are reached from every ref and HEAD, merges included: a merge's added lines
are those that none of its parents has (a conflict resolution, an "evil merge"). The user's and the system's git
configuration are not read at all (libgit2's search path points at an empty directory), so a scan gives the same
answer on every machine; the ownership check that guards git against running another user's configuration is
off, since nothing here runs any.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pygit2
from pygit2.enums import ConfigLevel, DiffOption, SortMode

_TREE_MODE = b"40000"
_FILE_MODES = (b"100644", b"100755", b"100664")
_BINARY_SNIFF = 8000  # as git: a NUL byte in the first 8000 bytes makes a file binary
_TREE_CACHE = 8192  # parsed trees kept (the parent's tree is nearly always the previous commit's)
_BLOB_CACHE_BYTES = 64 * 1024 * 1024  # recent file versions kept: the next commit's parent version is among them


class GitError(Exception):
    """The repository could not be read; the message says why, in words fit for a user."""


@dataclass(frozen=True, slots=True)
class FileVersion:
    """A file version (blob) a commit introduced, with the lines none of the commit's parents had."""

    commit: str
    author_date: str  # ISO 8601, with the author's UTC offset
    path: str  # relative to the repository's top level
    blob: str
    numbers: list[int]  # line numbers in this version (1-based) of the added lines
    lines: list[str]  # their text, without line endings


@dataclass
class HistoryStats:
    commits: int = 0
    blobs: int = 0  # file versions read
    too_large: int = 0  # file versions over the size bound, not read
    binary: int = 0  # file versions with a NUL byte in their first 8000 bytes, not read
    lines: int = 0


_configured = False


def _configure_libgit2() -> None:
    """Once per process: no user or system configuration, no ownership check (see the module's docstring)."""
    global _configured
    if _configured:
        return
    empty = tempfile.mkdtemp(prefix="bastion-git-config-")
    atexit.register(shutil.rmtree, empty, ignore_errors=True)
    for level in (ConfigLevel.GLOBAL, ConfigLevel.XDG, ConfigLevel.SYSTEM, ConfigLevel.PROGRAMDATA):
        pygit2.settings.search_path[level] = empty
    pygit2.settings.owner_validation = False
    _configured = True


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _iso_date(signature: pygit2.Signature) -> str:
    offset = signature.offset
    sign = "+" if offset >= 0 else "-"
    hours, minutes = divmod(abs(offset), 60)
    moment = datetime.fromtimestamp(signature.time, timezone(timedelta(minutes=offset)))
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{hours:02d}:{minutes:02d}"


def _line_text(raw: bytes) -> str:
    return _text(raw[:-1] if raw.endswith(b"\r") else raw)


class Repository:
    """A git repository opened for reading. `open_repository` finds the one that holds a path."""

    def __init__(self, repo: pygit2.Repository) -> None:
        self._repo = repo
        workdir = repo.workdir
        if workdir is None:
            raise GitError(f"{repo.path} is a bare repository (no working tree)")
        self.toplevel = Path(workdir).resolve()
        self._trees: OrderedDict[bytes, dict[bytes, tuple[bytes, bytes]]] = OrderedDict()
        self._blobs: OrderedDict[bytes, bytes | None] = OrderedDict()
        self._blob_bytes = 0

    # -- the working tree's view ---------------------------------------------------------------------------

    def tracked_paths(self) -> list[str]:
        """Every path in the index, relative to the top level."""
        try:
            return [entry.path for entry in self._repo.index]
        except (pygit2.GitError, OSError, ValueError) as error:
            raise GitError(f"cannot read the index of {self.toplevel}: {error}") from None

    def is_ignored(self, rel: str) -> bool:
        """Whether the repository's ignore files (`.gitignore`, `.git/info/exclude`) ignore `rel` (relative to
        the top level). libgit2 would open a `.gitignore` that is a FIFO or a link to one, and wait: then the
        answer is no (more is reported, not less)."""
        directory = self.toplevel
        for part in ["", *rel.split("/")[:-1]]:
            directory = directory / part if part else directory
            if not _regular_or_absent(directory / ".gitignore"):
                return False
        try:
            return bool(self._repo.path_is_ignored(rel))
        except (pygit2.GitError, OSError, ValueError):
            return False

    # -- objects ---------------------------------------------------------------------------------------------

    def read_blob(self, blob: str, *, max_size: int) -> bytes | None:
        """The raw content of a file version, or None when it is missing, not a blob or over `max_size`."""
        try:
            oid = pygit2.Oid(hex=blob)
            kind, size = self._header(oid)
            if kind != pygit2.enums.ObjectType.BLOB or size > max_size:
                return None
            return bytes(self._repo.odb.read(oid)[1])
        except (pygit2.GitError, KeyError, ValueError, OSError):
            return None

    def _header(self, oid: pygit2.Oid) -> tuple[int, int]:
        """An object's type and size, without reading it where pygit2 can (1.19+; on Python 3.10, pygit2 stops
        at 1.18, and the object is read whole to learn its size)."""
        odb = self._repo.odb
        if hasattr(odb, "read_header"):
            kind, size = odb.read_header(oid)
            return int(kind), int(size)
        kind, data = odb.read(oid)[:2]
        return int(kind), len(data)

    @property
    def is_shallow(self) -> bool:
        """Whether this is a shallow clone: its history stops at the commits it was fetched at."""
        return bool(self._repo.is_shallow)

    def resolve_commit(self, revision: str) -> str:
        """The commit `revision` names (a branch, tag, `HEAD~2`, an id), as a full hex id. A name that is both a
        tag and a branch (or a remote branch) naming different commits is an error, where git would pick one with
        a warning nobody reads in CI: the user says which (`refs/tags/x`, `refs/heads/x`)."""
        clashing = self._clashing_refs(revision)
        if len(clashing) > 1:
            raise GitError(
                f"{revision!r} is ambiguous: {' and '.join(clashing)} name different commits; give the full name"
            )
        try:
            commit = self._repo.revparse_single(revision).peel(pygit2.Commit)
        except pygit2.AmbiguousError:
            raise GitError(f"{revision!r} is ambiguous: several objects start with it; give more digits") from None
        except KeyError:
            raise GitError(f"{revision!r} names no commit in {self.toplevel}{self.shallow_hint()}") from None
        except (pygit2.GitError, ValueError) as error:
            raise GitError(f"{revision!r} names no commit in {self.toplevel} ({error}){self.shallow_hint()}") from None
        return str(commit.id)

    def shallow_hint(self) -> str:
        """What to add to a message about a missing commit when the clone is shallow (a CI checkout)."""
        if not self.is_shallow:
            return ""
        return (
            "; this is a shallow clone, whose history stops where it was fetched: fetch the commit first (e.g. "
            "`git fetch --deepen=100` or `git fetch --unshallow`; with actions/checkout, `fetch-depth: 0`)"
        )

    def _clashing_refs(self, name: str) -> list[str]:
        """The full names of refs `name` is short for (as git reads it: refs/, tags, heads, remotes), when they
        name more than one commit."""
        commits: dict[str, str] = {}
        for full in (f"refs/{name}", f"refs/tags/{name}", f"refs/heads/{name}", f"refs/remotes/{name}"):
            try:
                reference = self._repo.references.get(full)
                if reference is None:
                    continue
                commit = str(reference.peel(pygit2.Commit).id)
            except (pygit2.GitError, KeyError, ValueError, pygit2.InvalidSpecError):
                continue
            commits.setdefault(commit, full)
        return sorted(commits.values()) if len(commits) > 1 else []

    def tree_files(self, commit: str) -> dict[str, bytes]:
        """Every regular file of a commit's tree: path (relative to the top level, decoded as the file system
        names it) -> raw blob id. Raises `GitError` when objects are missing (a shallow or partial clone)."""
        files: dict[str, bytes] = {}
        try:
            tree = self._tree_of(pygit2.Oid(hex=commit).raw)
            pending: list[tuple[bytes, bytes]] = [(tree, b"")]
            while pending:
                current, prefix = pending.pop()
                for name, (oid, mode) in self._entries(current).items():
                    if mode == _TREE_MODE:
                        pending.append((oid, prefix + name + b"/"))
                    elif mode in _FILE_MODES:
                        files[os.fsdecode(prefix + name)] = oid
        except (pygit2.GitError, KeyError, ValueError, OSError) as error:
            raise GitError(f"cannot read the files of commit {commit[:12]} ({error}){self.shallow_hint()}") from None
        return files

    def read_raw_blob(self, blob: bytes, *, max_size: int) -> bytes | None:
        """`read_blob` for a raw (binary) object id, as `tree_files` gives them."""
        return self.read_blob(str(pygit2.Oid(raw=blob)), max_size=max_size)

    # -- history ---------------------------------------------------------------------------------------------

    def _tips(self) -> list[pygit2.Oid]:
        tips: dict[str, pygit2.Oid] = {}
        names = list(self._repo.references)
        names.append("HEAD")
        for name in names:
            try:
                commit = self._repo.revparse_single(name).peel(pygit2.Commit)
            except (pygit2.GitError, KeyError, ValueError, pygit2.InvalidSpecError):
                continue  # a ref to a tree or a blob, a dangling ref, an unborn HEAD
            tips[str(commit.id)] = commit.id
        return [tips[key] for key in sorted(tips)]

    def _entries(self, tree: bytes) -> dict[bytes, tuple[bytes, bytes]]:
        """A tree's entries, name -> (raw object id, mode), parsed from the raw object."""
        cached = self._trees.get(tree)
        if cached is not None:
            self._trees.move_to_end(tree)
            return cached
        raw = bytes(self._repo.odb.read(pygit2.Oid(raw=tree))[1])
        width = len(tree)
        entries: dict[bytes, tuple[bytes, bytes]] = {}
        position, end = 0, len(raw)
        while position < end:
            space = raw.index(b" ", position)
            nul = raw.index(b"\0", space)
            entries[raw[space + 1 : nul]] = (raw[nul + 1 : nul + 1 + width], raw[position:space])
            position = nul + 1 + width
        self._trees[tree] = entries
        if len(self._trees) > _TREE_CACHE:
            self._trees.popitem(last=False)
        return entries

    def _changed(
        self, old: bytes | None, new: bytes, prefix: bytes, out: list[tuple[bytes, bytes, bytes | None]]
    ) -> None:
        """(path, new blob, old blob or None) for every regular file of tree `new` that differs from `old`."""
        before = self._entries(old) if old is not None else {}
        for name, (oid, mode) in self._entries(new).items():
            previous = before.get(name)
            if previous is not None and previous[0] == oid:
                continue
            if mode == _TREE_MODE:
                parent_tree = previous[0] if previous is not None and previous[1] == _TREE_MODE else None
                self._changed(parent_tree, oid, prefix + name + b"/", out)
            elif mode in _FILE_MODES:
                parent_blob = previous[0] if previous is not None and previous[1] in _FILE_MODES else None
                out.append((prefix + name, oid, parent_blob))

    def _blob_at(self, tree: bytes, path: bytes) -> bytes | None:
        """The blob at `path` in `tree`, if it is a regular file there."""
        *directories, name = path.split(b"/")
        current = tree
        for directory in directories:
            entry = self._entries(current).get(directory)
            if entry is None or entry[1] != _TREE_MODE:
                return None
            current = entry[0]
        entry = self._entries(current).get(name)
        return entry[0] if entry is not None and entry[1] in _FILE_MODES else None

    def file_versions(self, *, max_size: int, stats: HistoryStats | None = None) -> Iterator[FileVersion]:
        """Every file version introduced by a commit reachable from any ref or HEAD, parents before children,
        each blob once (at the first commit that introduced it), with the lines that commit added."""
        stats = stats if stats is not None else HistoryStats()
        walker = self._repo.walk(None, SortMode.TOPOLOGICAL | SortMode.TIME | SortMode.REVERSE)
        tips = self._tips()
        if not tips:
            return
        for tip in tips:
            walker.push(tip)
        seen: set[bytes] = set()
        for commit in walker:
            stats.commits += 1
            parents = [bytes(parent.raw) for parent in commit.parent_ids]
            parent_trees = [self._tree_of(parent) for parent in parents]
            changed: list[tuple[bytes, bytes, bytes | None]] = []
            self._changed(parent_trees[0] if parent_trees else None, commit.tree_id.raw, b"", changed)
            date = ""
            for path, blob, first_parent_blob in changed:
                if blob in seen:
                    continue
                previous = [first_parent_blob] + [self._blob_at(tree, path) for tree in parent_trees[1:]]
                if blob in previous:
                    continue  # a merge that took this version from one of its parents
                seen.add(blob)
                version = self._version(blob, [p for p in previous if p is not None], max_size, stats)
                if version is None:
                    continue
                numbers, lines = version
                if not numbers:
                    continue
                date = date or _iso_date(commit.author)
                stats.lines += len(numbers)
                yield FileVersion(str(commit.id), date, _text(path), str(pygit2.Oid(raw=blob)), numbers, lines)

    def _tree_of(self, commit: bytes) -> bytes:
        return bytes(self._repo[pygit2.Oid(raw=commit)].peel(pygit2.Tree).id.raw)

    def _read_text_blob(self, blob: bytes, max_size: int, stats: HistoryStats | None) -> bytes | None:
        if blob in self._blobs:
            self._blobs.move_to_end(blob)
            return self._blobs[blob]
        oid = pygit2.Oid(raw=blob)
        _, size = self._header(oid)
        data: bytes | None = None
        if size > max_size:
            if stats is not None:
                stats.too_large += 1
        else:
            data = bytes(self._repo.odb.read(oid)[1])
            if b"\0" in data[:_BINARY_SNIFF]:
                if stats is not None:
                    stats.binary += 1
                data = None
        self._blobs[blob] = data
        self._blob_bytes += len(data) if data is not None else 0
        while self._blob_bytes > _BLOB_CACHE_BYTES and self._blobs:
            _, dropped = self._blobs.popitem(last=False)
            self._blob_bytes -= len(dropped) if dropped is not None else 0
        return data

    def _version(
        self, blob: bytes, parents: list[bytes], max_size: int, stats: HistoryStats
    ) -> tuple[list[int], list[str]] | None:
        data = self._read_text_blob(blob, max_size, stats)
        if data is None:
            return None
        stats.blobs += 1
        lines = data.split(b"\n")
        if lines and not lines[-1]:
            lines.pop()
        added: set[int] | None = None
        for parent in parents:
            # A parent version that cannot be read as text (binary, too large) takes nothing away.
            before = self._read_text_blob(parent, max_size, None) or b""
            numbers = added_line_numbers(before, data)
            added = numbers if added is None else added & numbers
        chosen = sorted(added) if added is not None else list(range(1, len(lines) + 1))
        chosen = [number for number in chosen if number <= len(lines)]
        return chosen, [_line_text(lines[number - 1]) for number in chosen]


def added_line_numbers(before: bytes, after: bytes) -> set[int]:
    """Line numbers (1-based, in `after`) of the lines a diff of the two raw buffers marks as added. The
    buffers carry no path, so no attribute or driver applies; the hunks' line numbers say which lines they are."""
    patch = pygit2.Patch.create_from(before, after, flag=DiffOption.FORCE_TEXT, context_lines=0, interhunk_lines=0)
    numbers: set[int] = set()
    for hunk in patch.hunks:
        numbers.update(range(hunk.new_start, hunk.new_start + hunk.new_lines))
    return numbers


def blob_id(data: bytes) -> bytes:
    """The raw id git gives a file of this content (to compare a working-tree file with a commit's version)."""
    return bytes(pygit2.hash(data).raw)


def _regular_or_absent(path: Path) -> bool:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return stat.S_ISREG(mode)


_GIT_DIR_ENTRIES_CHECKED = 500_000


def _refuse_special_files(git_dir: Path) -> None:
    """libgit2 opens the files of a git directory with a plain `open()`: a FIFO there (or a link to one, or to a
    device) would block it for ever or feed it without end. A git directory is only read when it holds nothing
    but directories and regular files, and links to them (as `git worktree` and `git new-workdir` make)."""
    pending = [git_dir]
    visited: set[tuple[int, int]] = set()
    seen = 0
    while pending and seen < _GIT_DIR_ENTRIES_CHECKED:
        directory = pending.pop()
        try:
            status = os.stat(directory)
            entries = list(os.scandir(directory))
        except OSError:
            continue
        if (status.st_dev, status.st_ino) in visited:
            continue  # linked directories may loop
        visited.add((status.st_dev, status.st_ino))
        for entry in entries:
            seen += 1
            try:
                mode = entry.stat(follow_symlinks=True).st_mode  # what libgit2 would open through a link
            except OSError:
                continue  # a broken link: libgit2 finds nothing there either
            if stat.S_ISDIR(mode):
                pending.append(Path(entry.path))
            elif not stat.S_ISREG(mode):
                raise GitError(
                    f"{entry.path} is not a regular file (a FIFO, a device or a socket); the repository is not read"
                )


def open_repository(path: Path) -> Repository:
    """The repository whose working tree holds `path` (searching upwards, not across file systems)."""
    _configure_libgit2()
    start = (path if path.is_dir() else path.parent).resolve()
    checked: Path | None = None
    for directory in (start, *start.parents):
        dot_git = directory / ".git"
        if not os.path.lexists(dot_git):
            continue
        if dot_git.is_dir():
            checked = dot_git.resolve()
            _refuse_special_files(checked)  # before libgit2 even looks at it: its HEAD may be a FIFO
        elif not _regular_or_absent(dot_git):
            raise GitError(f"{dot_git} is neither a directory nor a regular file; the repository is not read")
        break
    try:
        found = pygit2.discover_repository(os.fspath(start))
    except (pygit2.GitError, OSError, ValueError) as error:
        raise GitError(f"{path} is not inside a git repository ({error})") from None
    if found is None:
        raise GitError(f"{path} is not inside a git repository: not a git repository, nor is any folder above it")
    if Path(found).resolve() != checked:
        _refuse_special_files(Path(found))  # reached through a `.git` file (a worktree, a submodule)
    try:
        repo = pygit2.Repository(found, pygit2.enums.RepositoryOpenFlag.NO_SEARCH)
    except (pygit2.GitError, OSError, ValueError) as error:
        raise GitError(f"cannot open the git repository at {found}: {error}") from None
    return Repository(repo)
