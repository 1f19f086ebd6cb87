"""Read the files fixes will edit, and write the fixed text back, carefully.

A file is edited only when it is a regular file (not a symlink) whose real path lies inside one of the scanned
paths, when its text encodes back to exactly the bytes that were read (encoding, byte-order mark, line endings),
and when it still holds those bytes at the moment of writing: a file changed by someone else meanwhile is left as
it is. The new content goes to a temporary file beside it, then replaces it in one step, with the old mode
(`core.atomic_write`).
"""

from __future__ import annotations

import codecs
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bastion.core.atomic_write import atomic_write_bytes
from bastion.source.discovery import SourceFile
from bastion.source.files import DATA_FILE_LIMIT, NotRegularFile, read_regular_file
from bastion.source.reading import ReadError, read_document


class NotEditable(Exception):
    """The file cannot be edited safely; the message says why, in words for a notice."""


@dataclass(frozen=True)
class FileText:
    """A file as read for fixing: its bytes, its text, and how that text turns back into bytes."""

    rel: str
    path: Path
    original: bytes
    text: str
    encoding: str
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


def inside(path: Path, allowed: Sequence[Path]) -> bool:
    """Whether the real location of `path` is one of `allowed` (resolved) or lies under one of them."""
    real = path.resolve()
    return any(real == base or base in real.parents for base in allowed)


def read_for_fixing(root: Path, rel: str, allowed: Sequence[Path]) -> FileText:
    path = root / rel
    _check_place(path, allowed)
    original = _read_bytes(path)
    try:
        document = read_document(SourceFile(path, rel, len(original)), max_size=len(original) + 1)
    except ReadError as error:
        raise NotEditable(str(error)) from None
    bom = codecs.BOM_UTF8 if original.startswith(codecs.BOM_UTF8) else b""
    encoding = "utf-8" if bom and document.encoding == "utf-8-sig" else document.encoding
    file = FileText(rel, path, original, document.text, encoding, bom)
    try:
        round_trip = file.encode(file.text)
    except (UnicodeEncodeError, LookupError):
        round_trip = b""
    if round_trip != original:
        raise NotEditable(f"its text does not encode back to the same bytes in {encoding}; not edited")
    return file


def write_fixed(file: FileText, text: str, allowed: Sequence[Path]) -> None:
    """Replace the file's content with `text`, if the file is still what was read. Raises NotEditable."""
    _check_place(file.path, allowed)
    if _read_bytes(file.path) != file.original:
        raise NotEditable("changed on disk since it was read; left as it is")
    try:
        data = file.encode(text)
    except UnicodeEncodeError:
        raise NotEditable(f"the fixed text cannot be written in the file's encoding ({file.encoding})") from None
    try:
        atomic_write_bytes(file.path, data)
    except OSError as error:
        raise NotEditable(f"cannot be written: {error.strerror or error}") from None


def _check_place(path: Path, allowed: Sequence[Path]) -> None:
    try:
        status = path.lstat()
    except OSError as error:
        raise NotEditable(f"cannot be read: {error.strerror or error}") from None
    if stat.S_ISLNK(status.st_mode):
        raise NotEditable("is a symlink; its target is not edited")
    if not stat.S_ISREG(status.st_mode):
        raise NotEditable("is not a regular file")
    if not inside(path, allowed):
        raise NotEditable("lies outside the scanned paths")


def _read_bytes(path: Path) -> bytes:
    try:
        return read_regular_file(path, max_size=DATA_FILE_LIMIT)
    except NotRegularFile:
        raise NotEditable("is not a regular file") from None
    except OSError as error:
        raise NotEditable(f"cannot be read: {error.strerror or error}") from None
