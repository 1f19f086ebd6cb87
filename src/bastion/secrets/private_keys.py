"""Private keys: PEM and OpenSSH armour (`-----BEGIN … PRIVATE KEY-----`, body, END) and PuTTY key files.

A header alone is not a key (documentation shows headers): as gitleaks does, a body of at least 64 base64
characters and the matching END line are required. The armour may be spread over lines, or sit on one line
with escaped newlines (`"-----BEGIN PRIVATE KEY-----\\nMIIE…"` in JSON, a service-account file, a Python string).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bastion.core import patterns

MIN_BODY = 64
MAX_LINES = 200

_BEGIN = patterns.compile(r"-----BEGIN (?P<kind>(?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----")
_END = patterns.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_BODY_CHARS = patterns.compile(r"[A-Za-z0-9+/=]+")
_ESCAPED_NEWLINE = patterns.compile(r"\\r|\\n")
_HEADER_LINE = patterns.compile(r"^[A-Za-z\-]+:")
_PUTTY = patterns.compile(r"PuTTY-User-Key-File-[0-9]+:")
_PUTTY_PRIVATE = patterns.compile(r"^Private-Lines:\s*[0-9]+")

KEYWORDS = ("private key", "putty-user-key-file")


@dataclass(frozen=True, slots=True)
class PrivateKeyBlock:
    line: int  # 1-based line of the BEGIN marker
    start: int  # column (0-based) of the BEGIN marker on that line
    end: int  # end column on that line of what may be shown redacted (the whole key on one-line forms)
    value: str  # the key as found, for hashing and for "still present?" checks
    kind: str  # "RSA", "OPENSSH", "EC", "ENCRYPTED", "PGP", "PuTTY", "" (PKCS#8)
    encrypted: bool


def _body_length(text: str) -> int:
    cleaned = _ESCAPED_NEWLINE.sub("", text)
    return sum(len(chunk) for chunk in _BODY_CHARS.findall(cleaned) if len(chunk) >= 8)


def find_private_keys(lines: Sequence[str], candidate_lines: Sequence[int]) -> Iterator[PrivateKeyBlock]:
    """Keys starting on `candidate_lines` (0-based indexes of lines that hold a keyword)."""
    for index in candidate_lines:
        line = lines[index]
        begin = _BEGIN.search(line)
        if begin is not None:
            block = _armoured(lines, index, begin)
            if block is not None:
                yield block
            continue
        putty = _PUTTY.search(line)
        if putty is not None:
            block = _putty(lines, index, putty.start())
            if block is not None:
                yield block


def _armoured(lines: Sequence[str], index: int, begin: object) -> PrivateKeyBlock | None:
    line = lines[index]
    start, header_end = begin.start(), begin.end()  # type: ignore[attr-defined]
    kind = begin.group("kind").strip()  # type: ignore[attr-defined]
    same_line_end = _END.search(line, header_end)
    if same_line_end is not None:
        body = line[header_end : same_line_end.start()]
        if _body_length(body) < MIN_BODY:
            return None
        value = line[start : same_line_end.end()]
        return PrivateKeyBlock(index + 1, start, same_line_end.end(), value, kind, _is_encrypted(kind, body))
    body_lines = [line[header_end:]]
    for offset in range(index + 1, min(len(lines), index + MAX_LINES)):
        following = lines[offset]
        end = _END.search(following)
        if end is not None:
            body_lines.append(following[: end.start()])
            body = "\n".join(body_lines)
            if _body_length(body) < MIN_BODY:
                return None
            value = "\n".join([line[start:], *lines[index + 1 : offset], following[: end.end()]])
            return PrivateKeyBlock(index + 1, start, len(line), value, kind, _is_encrypted(kind, body))
        if _BEGIN.search(following):
            return None
        body_lines.append(following)
    return None


def _is_encrypted(kind: str, body: str) -> bool:
    return "ENCRYPTED" in kind or "Proc-Type: 4,ENCRYPTED" in body


def _putty(lines: Sequence[str], index: int, start: int) -> PrivateKeyBlock | None:
    encrypted = False
    for offset in range(index, min(len(lines), index + MAX_LINES)):
        text = lines[offset]
        if text.startswith("Encryption:"):
            encrypted = "none" not in text
        if _PUTTY_PRIVATE.search(text):
            count = int(text.split(":", 1)[1].strip() or 0)
            body = "\n".join(lines[offset + 1 : offset + 1 + count])
            if _body_length(body) < MIN_BODY:
                return None
            value = "\n".join(lines[index : offset + 1 + count])
            return PrivateKeyBlock(index + 1, start, len(lines[index]), value, "PuTTY", encrypted)
    return None
