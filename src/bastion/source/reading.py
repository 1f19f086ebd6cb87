"""Read a file's bytes and decode them: PEP 263 for Python, UTF-8 (then Latin-1) for other text."""

from __future__ import annotations

import codecs
import io
import re
import tokenize
from dataclasses import dataclass, field

from bastion.core.notice import NoticeKind
from bastion.source.discovery import SourceFile

_SNIFF = 8192
_PYTHON_SHEBANG = (b"#!/usr/bin/env python", b"#!/usr/bin/python", b"#!/usr/local/bin/python")


class ReadError(Exception):
    """The file cannot be used; the message says why, in words fit for a notice."""

    def __init__(self, message: str, kind: NoticeKind) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class TextDocument:
    """A decoded file. `lines` keeps no line endings; line N is `lines[N - 1]`, numbered as Python's parser does."""

    file: SourceFile
    text: str
    is_python: bool
    encoding: str
    lines: list[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", split_lines(self.text))

    @property
    def rel(self) -> str:
        return self.file.rel

    def line(self, number: int) -> str:
        lines = self.lines
        return lines[number - 1] if 0 < number <= len(lines) else ""


_NEWLINES = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split on the line endings Python's tokenizer knows (not on form feeds or U+2028, as str.splitlines does)."""
    if "\r" not in text:
        return text.split("\n")
    return _NEWLINES.split(text)


def looks_binary(head: bytes) -> bool:
    return b"\x00" in head[:_SNIFF]


def is_python_script(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0]
    return first.startswith(_PYTHON_SHEBANG)


def read_document(file: SourceFile, *, max_size: int) -> TextDocument:
    """Read and decode `file`; raise ReadError with a reason a user understands when it cannot be used."""
    if file.size > max_size:
        raise ReadError(
            f"file is {_human(file.size)}, over the {_human(max_size)} size cap (max-file-size); skipped",
            NoticeKind.TOO_LARGE,
        )
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}", NoticeKind.UNREADABLE) from None
    if looks_binary(data):
        raise ReadError("binary file (contains NUL bytes); skipped", NoticeKind.BINARY)
    is_python = file.is_python or (not file.suffix and is_python_script(data))
    if is_python:
        return _decode_python(file, data)
    return _decode_text(file, data)


def _decode_python(file: SourceFile, data: bytes) -> TextDocument:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        reason = getattr(exc, "msg", None) or str(exc)
        if "invalid or missing encoding declaration" in reason:
            # No cookie and the first lines are not UTF-8: say where the bad byte is.
            encoding = "utf-8"
        else:
            raise ReadError(f"invalid encoding declaration: {reason}; skipped", NoticeKind.DECODE_ERROR) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReadError(
            f"not valid {encoding} (byte 0x{data[exc.start]:02x} on line {line}); "
            "declare the encoding with a coding comment (PEP 263) or save the file as UTF-8; skipped",
            NoticeKind.DECODE_ERROR,
        ) from None
    except LookupError:
        raise ReadError(
            f"unknown encoding {encoding!r} in the coding declaration; skipped", NoticeKind.DECODE_ERROR
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return TextDocument(file, text, True, encoding)


def _decode_text(file: SourceFile, data: bytes) -> TextDocument:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return TextDocument(file, data.decode("utf-8"), False, "utf-8")
    except UnicodeDecodeError:
        # Configuration files in legacy encodings still hold ASCII secrets and settings worth reading.
        return TextDocument(file, data.decode("latin-1"), False, "latin-1")


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
