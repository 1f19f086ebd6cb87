"""The one way bastion reads a file: as a regular file, with a size bound, never hanging.

The scanned tree is hostile: any file in it (a source, a `.gitignore`, `pyproject.toml`, a manifest) may be a
symlink to `/dev/zero` or `/dev/stdin`, or a FIFO, and an ordinary `open()` then reads without end or blocks for
ever. Here a file is opened with `O_NONBLOCK` (opening a FIFO returns at once instead of waiting for a writer)
and, for files found in the tree, `O_NOFOLLOW` (a symlink is refused, as the walker refuses to follow one); the
open descriptor is then checked with `fstat` (a regular file, within the bound) and the bound holds again while
reading, in case the file grows. Files the user names on the command line (`--config`, `--baseline`, `--db`)
may be symlinks, and the same checks apply to what they point to.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_CHUNK = 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)

# For data files bastion reads beside the scanned sources (configuration, baselines, advisory records): far above
# anything real, far below what would exhaust memory.
DATA_FILE_LIMIT = 64 * 1024 * 1024


class FileReadError(OSError):
    """A file that cannot be read safely; `reason` says why in words fit for a notice."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(reason)
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


class NotRegularFile(FileReadError):
    """A symlink (where links are not followed), a FIFO, a device, a socket or a directory."""


class FileTooLarge(FileReadError):
    """Over the size bound, by its size on disk or by what reading it produced."""


def file_kind(mode: int) -> str:
    """What a file of this `st_mode` is, in words: "a FIFO (named pipe)", "a device" ..."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symlink"
    return "not a regular file"


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def _open(path: Path | str, follow_symlinks: bool) -> int:
    flags = _OPEN_FLAGS | _BINARY | (0 if follow_symlinks else _NOFOLLOW)
    try:
        return os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_symlinks:
            raise NotRegularFile(path, "a symlink; not followed") from None
        if error.errno == errno.ENXIO:  # a socket, or a FIFO opened for writing
            raise NotRegularFile(path, "not a regular file (a socket or a device without a reader)") from None
        raise


def _checked(fd: int, path: Path | str, max_size: int | None) -> os.stat_result:
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        raise NotRegularFile(path, f"{file_kind(status.st_mode)}, not a regular file; not read")
    if max_size is not None and status.st_size > max_size:
        raise FileTooLarge(path, f"{_human(status.st_size)}, over the {_human(max_size)} limit; not read")
    return status


def read_regular_file(path: Path | str, *, max_size: int, follow_symlinks: bool = False) -> bytes:
    """The whole content of `path`, which must be a regular file of at most `max_size` bytes.

    Raises `NotRegularFile`, `FileTooLarge` (both `FileReadError`, an `OSError`) or the `OSError` of the open
    or the read (missing file, no permission)."""
    fd = _open(path, follow_symlinks)
    try:
        _checked(fd, path, max_size)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, max_size + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            if total > max_size:
                raise FileTooLarge(path, f"grew past the {_human(max_size)} limit while being read; not read")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_file_head(path: Path | str, size: int, *, follow_symlinks: bool = False) -> bytes:
    """At most the first `size` bytes of `path`, which must be a regular file (of any size)."""
    fd = _open(path, follow_symlinks)
    try:
        _checked(fd, path, None)
        chunks: list[bytes] = []
        total = 0
        while total < size:
            chunk = os.read(fd, min(_CHUNK, size - total))
            if not chunk:
                break
            total += len(chunk)
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text_file(
    path: Path | str, *, max_size: int = DATA_FILE_LIMIT, follow_symlinks: bool = False, errors: str = "strict"
) -> str:
    """`read_regular_file`, decoded as UTF-8 (a leading byte-order mark dropped)."""
    data = read_regular_file(path, max_size=max_size, follow_symlinks=follow_symlinks)
    return data.decode("utf-8-sig", errors)


def is_regular_file(path: Path | str, *, follow_symlinks: bool = False) -> bool:
    """Whether `path` is a regular file (not following a final symlink unless asked), without opening it."""
    try:
        status = os.stat(path, follow_symlinks=follow_symlinks)
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(status.st_mode)
