"""Find the line that declares a value in a TOML or JSON manifest.

`tomllib` and `json` give values without positions, and a finding must point at the line that brings a package
in. The manifests bastion reads are machine-written or simply laid out, so a light line scanner is enough: it
knows table headers (`[project]`, `[[package]]`), keys at the start of a line and quoted strings. When it cannot
place a value it answers the nearest enclosing line it knows (the key, the table header, or line 1), never fails.
"""

from __future__ import annotations

from dataclasses import dataclass

from bastion.core import patterns
from bastion.source.reading import split_lines

_HEADER = patterns.compile(r"^\s*(\[\[?)\s*(?P<name>[^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_PART = patterns.compile(r"\s*(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[A-Za-z0-9_-]+)\s*")


def dotted_key(text: str) -> tuple[str, ...]:
    """`tool . "poetry".dependencies` -> ("tool", "poetry", "dependencies")."""
    parts = []
    position = 0
    while position < len(text):
        match = _KEY_PART.match(text, position)
        if match is None:
            return tuple(p.strip() for p in text.split("."))
        part = match.group(1)
        parts.append(part[1:-1] if part[:1] in "\"'" else part)
        position = match.end()
        if position < len(text):
            if text[position] != ".":
                return tuple(p.strip() for p in text.split("."))
            position += 1
    return tuple(parts)


@dataclass(frozen=True, slots=True)
class Span:
    """Lines `start`..`end` (1-based, inclusive): a table's header line and its body."""

    start: int
    end: int


class TomlLines:
    def __init__(self, text: str) -> None:
        self.lines = split_lines(text)
        self.headers: list[tuple[int, tuple[str, ...], bool]] = []
        for number, line in enumerate(self.lines, start=1):
            match = _HEADER.match(line)
            if match:
                self.headers.append((number, dotted_key(match.group("name")), match.group(1) == "[["))

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def _span_from(self, position: int) -> Span:
        start = self.headers[position][0]
        end = self.headers[position + 1][0] - 1 if position + 1 < len(self.headers) else len(self.lines)
        return Span(start, end)

    def table(self, *name: str) -> Span | None:
        """The span of `[a.b]`; for a key of the top-level table (name = ()), the lines before any header."""
        if not name:
            end = self.headers[0][0] - 1 if self.headers else len(self.lines)
            return Span(1, end)
        for position, (_, header, is_array) in enumerate(self.headers):
            if header == name and not is_array:
                return self._span_from(position)
        return None

    def array_tables(self, *name: str) -> list[Span]:
        """The spans of every `[[a.b]]` item, sub-tables included (`[package.source]`, `[[packages.wheels]]`), in
        order: they match the parsed array's items one to one."""
        spans = []
        size = len(name)
        for position, (number, header, is_array) in enumerate(self.headers):
            if header != name or not is_array:
                continue
            end = len(self.lines)
            for later, later_header, _ in self.headers[position + 1 :]:
                if later_header == name or later_header[:size] != name:
                    end = later - 1
                    break
            spans.append(Span(number, end))
        return spans

    def body(self, item: Span) -> Span:
        """An array-table item's own keys: its lines before its first sub-table."""
        for number, _, _ in self.headers:
            if item.start < number <= item.end:
                return Span(item.start, number - 1)
        return item

    def sub_table(self, item: Span, *name: str) -> Span | None:
        """The `[a.b.c]` sub-table inside an array-table item (`[package.source]` of one `[[package]]`)."""
        inside = [entry for entry in self.headers if item.start < entry[0] <= item.end]
        for position, (number, header, is_array) in enumerate(inside):
            if header == name and not is_array:
                end = inside[position + 1][0] - 1 if position + 1 < len(inside) else item.end
                return Span(number, end)
        return None

    def key(self, key: str, span: Span) -> int | None:
        """The line where `key = ...` starts inside `span` (bare or quoted key, any case for bare keys)."""
        pattern = patterns.compile(
            r"^\s*(?:"
            + patterns.escape(key)
            + r"|\""
            + patterns.escape(key)
            + r"\"|'"
            + patterns.escape(key)
            + r"')\s*=",
            ignore_case=True,
        )
        for number in range(span.start, span.end + 1):
            if pattern.match(self.line(number)):
                return number
        return None

    def string(self, value: str, start: int, end: int) -> int | None:
        """The first line in `start`..`end` that holds `value` as a quoted TOML string."""
        quoted = (f'"{value}"', f"'{value}'", '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')
        for number in range(max(start, 1), min(end, len(self.lines)) + 1):
            text = self.line(number)
            if any(form in text for form in quoted):
                return number
        return None


def json_key_line(lines: list[str], key: str, after: int = 0) -> int | None:
    """The first line after line `after` that opens the JSON member `"key":`."""
    pattern = patterns.compile(r'^\s*"' + patterns.escape(key) + r'"\s*:')
    for number in range(after + 1, len(lines) + 1):
        if pattern.match(lines[number - 1]):
            return number
    return None
