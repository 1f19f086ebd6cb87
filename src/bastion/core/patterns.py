"""Regular expressions for everything bastion matches: RE2, linear time in the length of the text, always.

The scanned tree is hostile input. A backtracking engine (the standard library's `re`) takes quadratic or
exponential time on some patterns and texts (`(^|\\s+)#` over a long run of spaces, `[A-Z]+(?![a-z])` over a long
run of capitals), and an attacker who controls the text chooses the worst one. RE2 has no backtracking: the time of
a match grows with the text only. Every pattern bastion compiles goes through `compile` here (a meta-test
forbids importing `re` anywhere else), so the guarantee does not depend on reviewing each pattern.

RE2 differences to keep in mind when writing a pattern: no look-around and no back-references (write the check
in code instead), `\\z` instead of Python's `\\Z`, and `\\d`, `\\w`, `\\s`, `\\b` are ASCII. Flags are passed as
keywords and become inline flags (`(?i)`).

A note on cost: `search(text, pos)` re-encodes the whole text on every call (the binding works on UTF-8 bytes),
so scanning a long text by calling `search` or `match` at increasing positions is quadratic. Use `finditer`, or
match line by line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

import re2

error = re2.error


class Match(Protocol):
    def group(self, *groups: int | str) -> Any: ...
    def groups(self, default: Any = None) -> tuple[Any, ...]: ...
    def groupdict(self, default: Any = None) -> dict[str, Any]: ...
    def start(self, group: int | str = 0) -> int: ...
    def end(self, group: int | str = 0) -> int: ...
    def span(self, group: int | str = 0) -> tuple[int, int]: ...
    def __getitem__(self, group: int | str) -> Any: ...

    @property
    def string(self) -> str: ...

    @property
    def lastindex(self) -> int | None: ...


class Pattern(Protocol):
    @property
    def pattern(self) -> str: ...

    @property
    def groups(self) -> int: ...

    @property
    def groupindex(self) -> dict[str, int]: ...

    def search(self, text: str, pos: int | None = None, endpos: int | None = None) -> Match | None: ...
    def match(self, text: str, pos: int | None = None, endpos: int | None = None) -> Match | None: ...
    def fullmatch(self, text: str, pos: int | None = None, endpos: int | None = None) -> Match | None: ...
    def finditer(self, text: str, pos: int | None = None, endpos: int | None = None) -> Iterator[Match]: ...
    def findall(self, text: str, pos: int | None = None, endpos: int | None = None) -> list[Any]: ...
    def split(self, text: str, maxsplit: int = 0) -> list[str]: ...
    def sub(self, repl: str | Callable[[Match], str], text: str, count: int = 0) -> str: ...
    def subn(self, repl: str | Callable[[Match], str], text: str, count: int = 0) -> tuple[str, int]: ...


def compile(pattern: str, *, ignore_case: bool = False, multiline: bool = False, dot_all: bool = False) -> Pattern:
    """A linear-time pattern. Invalid or unsupported syntax raises `error` (at import time, for module patterns)."""
    flags = ("i" if ignore_case else "") + ("m" if multiline else "") + ("s" if dot_all else "")
    compiled: Pattern = re2.compile(f"(?{flags}){pattern}" if flags else pattern)
    return compiled


def escape(text: str) -> str:
    """`text` as a pattern that matches it literally."""
    escaped: str = re2.escape(text)
    return escaped
