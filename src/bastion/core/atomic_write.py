"""Write a file all at once, or not at all: reports (`-o`), baselines, checklists.

Opening the target for writing truncates it first, so a failure half-way (a full disk, an interrupt, an error while
rendering) used to leave a half-written report or, worse, destroy the accepted baseline. Here the content goes to
a temporary file in the same directory (so that the rename stays on one file system), is flushed to disk, and only
then replaces the target with `os.replace`, which is atomic on POSIX and Windows.

Renaming also means a target that is a symbolic link is replaced, not written through: a scanned repository that
commits `bastion.sarif -> ~/.ssh/authorized_keys` cannot make `bastion scan -o bastion.sarif` overwrite the link's
target.

A target that is a stream rather than a file (`-o /dev/stdout`, `/dev/null`, a named pipe, a terminal: anything
that exists and is not a regular file or a folder, directly or through links) is written to, not renamed over:
renaming would put a regular file where the device or pipe was (run as root, `-o /dev/stdout` replaced
`/dev/null` for the whole machine), and all-at-once means nothing for a stream.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO


@contextlib.contextmanager
def atomic_writer(path: Path, *, encoding: str = "utf-8") -> Iterator[TextIO]:
    """A text handle whose content replaces `path` when the block ends normally; on any error (raised out of the
    block or by the write itself) the old file is left as it was and the temporary file is removed."""
    with _replacing(path, "w", encoding) as handle:
        yield handle


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with exactly `data` (`bastion fix` keeps a file's encoding, BOM and line endings)."""
    with _replacing(path, "wb", None) as handle:
        handle.write(data)


@contextlib.contextmanager
def _replacing(path: Path, mode: str, encoding: str | None) -> Iterator[Any]:
    target = Path(path)
    if _is_stream(target):
        with open(target, mode, encoding=encoding) as stream:
            yield stream
        return
    directory = target.parent if str(target.parent) else Path()
    handle_fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle_fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    with atomic_writer(path, encoding=encoding) as handle:
        handle.write(text)


def _is_stream(target: Path) -> bool:
    """Whether `target` exists and is (or links to) something other than a regular file or a folder."""
    try:
        status = target.stat()
    except OSError:
        return False
    return not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode)


def _mode_for(target: Path) -> int:
    """The permissions the file would have had with a plain `open(..., "w")`: those of the file it replaces (not
    following a link), else the default for new files under the current umask (mkstemp's are owner-only)."""
    try:
        status = target.lstat()
    except OSError:
        status = None
    if status is not None and stat.S_ISREG(status.st_mode):
        return stat.S_IMODE(status.st_mode)
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask
