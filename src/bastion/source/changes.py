"""What changed in the working tree since a git commit (`--diff REF`): which files, and which of their lines.

A file is changed when its bytes differ from its version in REF (modified), when REF has no file at its path
(added: committed since, staged, or untracked and not ignored), or when it came from another path of REF (renamed,
with or without edits). The comparison is git's, made here without the `git` program and without any repository
configuration: blob ids of the working-tree bytes (read as regular files, as every file bastion reads), and line
diffs of raw buffers (`bastion.source.git.added_line_numbers`), so no attribute, filter or diff driver applies.

Changed lines are numbered as bastion numbers a file's lines (`split_lines`: `\\n`, `\\r\\n` and a lone `\\r` end a
line), not as git does (`\\n` only): a file written with lone `\\r` line ends must not put a new finding on a "line"
git thinks is old. A file whose text differs from REF's only in its line ends is not changed.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bastion.source.discovery import SourceFile
from bastion.source.files import DATA_FILE_LIMIT, read_regular_file
from bastion.source.git import GitError, Repository, added_line_numbers, blob_id, open_repository
from bastion.source.reading import decode_text, split_lines

# A renamed file keeps at least this share of its lines (git's default similarity for rename detection).
_RENAME_SIMILARITY = 0.5
# Bounds on the work rename detection does (line diffs of added files against deleted ones): every deleted file is
# a candidate when there are few, else those of the same name; past the total, an unmatched file counts as added.
_FEW_DELETED = 50
_SAME_NAME_CANDIDATES = 20
_RENAME_DIFFS = 2000


@dataclass(frozen=True)
class ChangedFile:
    """A file of the scan that differs from REF. `lines` are its changed lines; None when every line counts as
    changed (a new file, or one that could not be compared)."""

    rel: str  # relative to the project root, as `SourceFile.rel`
    status: str  # "added", "modified" or "renamed"
    lines: frozenset[int] | None
    previous: str | None = None  # a renamed file's path in REF (relative to the repository's top level)

    def has_line_in(self, first: int, last: int) -> bool:
        if self.lines is None:
            return True
        if last - first > len(self.lines):
            return any(first <= line <= last for line in self.lines)
        return any(line in self.lines for line in range(first, last + 1))


@dataclass(frozen=True)
class ChangeSet:
    ref: str  # as the user gave it
    commit: str  # the commit it names
    files: Mapping[str, ChangedFile]  # by `rel`
    deleted: tuple[str, ...]  # paths of REF that are gone (relative to the repository's top level)

    def touches(self, rel: str) -> bool:
        return rel in self.files

    def touches_lines(self, rel: str, first: int, last: int) -> bool:
        changed = self.files.get(rel)
        return changed is not None and changed.has_line_in(first, max(first, last))


def changes_since(ref: str, root: Path, files: Sequence[SourceFile], *, max_size: int) -> ChangeSet:
    """The files among `files` (found under `root`) that differ from commit `ref` of the repository holding
    `root`. Raises `GitError` (with a message fit for a user) when there is no repository or no such commit."""
    repo = open_repository(root)
    commit = repo.resolve_commit(ref)
    before = repo.tree_files(commit)
    try:
        prefix = root.resolve().relative_to(repo.toplevel).as_posix()
    except ValueError:
        raise GitError(f"{root} is not inside the git repository at {repo.toplevel}") from None
    comparer = _Comparer(repo, max(max_size, 1))
    changed: dict[str, ChangedFile] = {}
    added: list[tuple[SourceFile, str, bytes | None]] = []
    tracked: set[str] | None = None
    for file in files:
        if file.rel.startswith("/"):  # outside the project root (and maybe the repository): nothing to compare
            changed[file.rel] = ChangedFile(file.rel, "added", None)
            continue
        path = file.rel if prefix == "." else posixpath.join(prefix, file.rel)
        data = _read(file, max_size)
        old = before.get(path)
        if old is None:
            if tracked is None:
                tracked = set(repo.tracked_paths())
            if path in tracked or not repo.is_ignored(path):
                added.append((file, path, data))
            continue
        if data is not None and blob_id(data) == old:
            continue
        before_text, after_text = comparer.old_text(old), _diff_text(data)
        if before_text is not None and before_text == after_text:
            continue  # only the line ends (or NUL bytes) differ
        lines = None if before_text is None or after_text is None else added_line_numbers(before_text, after_text)
        changed[file.rel] = ChangedFile(file.rel, "modified", None if lines is None else frozenset(lines))
    deleted = sorted(path for path in before if not os.path.lexists(repo.toplevel / path))
    for file, _path, data in added:
        changed[file.rel] = comparer.added_or_renamed(file.rel, data, {path: before[path] for path in deleted})
    return ChangeSet(ref, commit, dict(sorted(changed.items())), tuple(deleted))


def _read(file: SourceFile, max_size: int) -> bytes | None:
    """The file's bytes, as the analysis will read them; None when they cannot be read (it is then changed)."""
    try:
        return read_regular_file(file.path, max_size=max(max_size, min(file.size, DATA_FILE_LIMIT)))
    except OSError:
        return None


def _diff_text(data: bytes | None) -> bytes | None:
    """The text as bastion numbers its lines, one `\\n` per line end, for a line diff; None for binary data."""
    text = decode_text(data) if data is not None else None
    if text is None:
        return None
    return "\n".join(split_lines(text)).encode("utf-8", "surrogatepass")


class _Comparer:
    """Line diffs between REF's versions and the working tree's files."""

    def __init__(self, repo: Repository, max_size: int) -> None:
        self.repo = repo
        self.max_size = max_size
        self.diffs_left = _RENAME_DIFFS

    def old_text(self, blob: bytes) -> bytes | None:
        return _diff_text(self.repo.read_raw_blob(blob, max_size=self.max_size))

    def added_or_renamed(self, rel: str, data: bytes | None, deleted: dict[str, bytes]) -> ChangedFile:
        """A file REF has no version of at its path: renamed from a deleted file of REF when it is that file's
        content, or keeps at least half of its lines (git's rename detection); otherwise added."""
        if data is None or not deleted:
            return ChangedFile(rel, "added", None)
        identical = blob_id(data)
        for path, blob in deleted.items():
            if blob == identical:
                return ChangedFile(rel, "renamed", frozenset(), previous=path)
        after = _diff_text(data)
        if after is None:
            return ChangedFile(rel, "added", None)
        best: tuple[float, str, frozenset[int]] | None = None
        for path in self._candidates(rel, deleted):
            if self.diffs_left <= 0:
                break
            self.diffs_left -= 1
            before = self.old_text(deleted[path])
            if before is None:
                continue
            lines = frozenset(added_line_numbers(before, after))
            new_count, old_count = after.count(b"\n") + 1, before.count(b"\n") + 1
            similarity = (new_count - len(lines)) / max(new_count, old_count)
            if similarity >= _RENAME_SIMILARITY and (best is None or similarity > best[0]):
                best = (similarity, path, lines)
        if best is None:
            return ChangedFile(rel, "added", None)
        return ChangedFile(rel, "renamed", best[2], previous=best[1])

    @staticmethod
    def _candidates(rel: str, deleted: Mapping[str, bytes]) -> list[str]:
        """Deleted files worth comparing: all of them when there are few, else those of the same name."""
        if len(deleted) <= _FEW_DELETED:
            return sorted(deleted)
        name = posixpath.basename(rel)
        return [path for path in sorted(deleted) if posixpath.basename(path) == name][:_SAME_NAME_CANDIDATES]
