"""Read a file's bytes and decode them: PEP 263 for Python, UTF-8 (then Latin-1) for other text."""

from __future__ import annotations

import codecs
import io
import tokenize
from dataclasses import dataclass, field

from bastion.core import patterns
from bastion.core.notice import NoticeKind
from bastion.source.discovery import SourceFile
from bastion.source.files import FileReadError, FileTooLarge, read_regular_file

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


_NEWLINES = patterns.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Split on the line endings Python's tokenizer knows (not on form feeds or U+2028, as str.splitlines does)."""
    if "\r" not in text:
        return text.split("\n")
    return _NEWLINES.split(text)


# UTF-32 first: its little-endian mark begins with UTF-16's.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_MAX_ODD_SHARE = 0.05


def wide_encoding(data: bytes) -> str | None:
    """`utf-16`/`utf-32` when the data starts with that byte-order mark (their text is full of NUL bytes)."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return encoding
    return None


def looks_binary(head: bytes) -> bool:
    """Whether the data is not text. NUL bytes alone do not decide it, as they did: one NUL placed before a
    secret made the whole file "binary" and unread. The head is binary when, NULs set aside, more than 5% of what
    is left is not text (bytes that are not UTF-8, control characters other than tabs, line ends and ESC)."""
    sample = head[:_SNIFF]
    if b"\x00" not in sample or wide_encoding(sample) is not None:
        return False
    rest = sample.replace(b"\x00", b"").decode("utf-8", "replace")
    if not rest:
        return True
    odd = sum(
        1
        for character in rest
        if character == "\ufffd"
        or (character < " " and character not in _TEXT_CONTROLS)
        or "\x7f" <= character < "\xa0"
    )
    return odd > len(rest) * _MAX_ODD_SHARE


def text_bytes(data: bytes) -> tuple[bytes, str | None]:
    """The bytes to decode and, for UTF-16/32 with a byte-order mark, the encoding. NUL bytes in text that is
    not wide are dropped (Python refuses them in source, and they would split a secret from its pattern)."""
    wide = wide_encoding(data)
    if wide is not None:
        return data, wide
    return (data.replace(b"\x00", b"") if b"\x00" in data else data), None


def decode_text(data: bytes) -> str | None:
    """Text of a file that is not Python source (UTF-8, UTF-16/32 with a mark, else Latin-1), or None when
    the data is binary. For readers of file contents outside the scan (git history)."""
    if looks_binary(data):
        return None
    data, wide = text_bytes(data)
    if wide is not None:
        return data.decode(wide, "replace").removeprefix("\ufeff")
    return _utf8_or_latin1(data)[0]


def is_python_script(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0]
    return first.startswith(_PYTHON_SHEBANG)


def read_document(file: SourceFile, *, max_size: int) -> TextDocument:
    """Read and decode `file`; raise ReadError with a reason a user understands when it cannot be used."""
    if file.content is not None:
        head = file.content[:_SNIFF].encode("utf-8", "replace")
        is_python = file.is_python or (not file.suffix and is_python_script(head))
        return TextDocument(file, file.content, is_python, "utf-8")
    if file.size > max_size:
        raise ReadError(
            f"file is {_human(file.size)}, over the {_human(max_size)} size cap (max-file-size); skipped",
            NoticeKind.TOO_LARGE,
        )
    try:
        # Regular files only, never through a symlink, bounded on the open descriptor and while reading: a file
        # replaced since discovery by a FIFO or a link to /dev/zero can neither hang the scan nor fill memory.
        data = read_regular_file(file.path, max_size=max_size)
    except FileTooLarge as exc:
        raise ReadError(f"{exc.reason} (max-file-size); skipped", NoticeKind.TOO_LARGE) from None
    except FileReadError as exc:
        raise ReadError(f"{exc.reason}", NoticeKind.UNREADABLE) from None
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}", NoticeKind.UNREADABLE) from None
    if looks_binary(data):
        raise ReadError("binary file (not text, even with its NUL bytes set aside); skipped", NoticeKind.BINARY)
    data, wide = text_bytes(data)
    if wide is not None:
        return TextDocument(file, data.decode(wide, "replace").removeprefix("\ufeff"), file.is_python, wide)
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
    text, encoding = _utf8_or_latin1(data)
    return TextDocument(file, text, False, encoding)


def _utf8_or_latin1(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Configuration files in legacy encodings still hold ASCII secrets and settings worth reading.
        return data.decode("latin-1"), "latin-1"


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
