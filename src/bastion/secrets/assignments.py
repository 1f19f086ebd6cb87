"""`name = value` pairs on one line of text, per file kind: what SEC203 (config files), SEC201's line form
(notebook cells, Python in git history) and the redaction pass read.

Every pattern is RE2. Values come back with their span on the line so that reports can redact exactly them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bastion.core import patterns
from bastion.secrets.filekinds import TextKind


@dataclass(frozen=True, slots=True)
class Assignment:
    name: str
    value: str
    start: int  # span of the value on the line, 0-based, end exclusive
    end: int


_ENV = patterns.compile(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*(?P<value>.*)$")
_INI = patterns.compile(r"^\s*[\"']?(?P<key>[A-Za-z_][\w.\-]*)[\"']?\s*[:=]\s*(?P<value>.*)$")
_YAML = patterns.compile(r"^\s*(?:-\s+)?[\"']?(?P<key>[A-Za-z_][\w.\-]*)[\"']?\s*:(?:\s+(?P<value>.*))?$")
_YAML_LIST_ENV = patterns.compile(r"^\s*-\s*[\"']?(?P<key>[A-Za-z_][\w.\-]*)=(?P<value>.*)$")
_JSON = patterns.compile(r"\"(?P<key>[^\"\\]+)\"\s*:\s*(?P<value>\"(?:[^\"\\]|\\.)*\")")
_DOCKER = patterns.compile(r"(?i)^\s*(?:ENV|ARG)\s+(?P<rest>.+)$")
_DOCKER_PAIR = patterns.compile(r"(?P<key>[A-Za-z_][\w.\-]*)=(?P<value>\"(?:[^\"\\]|\\.)*\"|'[^']*'|\S+)")
_DOCKER_LEGACY = patterns.compile(r"^(?P<key>[A-Za-z_][\w.\-]*)\s+(?P<value>.+)$")
_SHELL = patterns.compile(
    r"^\s*(?:export\s+|local\s+|readonly\s+|declare\s+(?:-[A-Za-z]+\s+)*)?(?P<key>[A-Za-z_]\w*)=(?P<value>\S.*)$"
)
_CLI_FLAG = patterns.compile(
    r"(?:^|\s)--(?P<key>[A-Za-z][\w\-]*)(?:=|\s+)(?P<value>\"[^\"]*\"|'[^']*'|[^\s\-\"'][^\s]*)"
)
_PYTHON_LINE = patterns.compile(
    r"(?P<key>[A-Za-z_][\w.]*(?:\[\s*[\"'][^\"'\]]{1,60}[\"']\s*\])?|[\"'][^\"'\n]{1,60}[\"'])"
    r"\s*(?::\s*[A-Za-z_][\w\[\], .|]*)?\s*(?:==|!=|=|:)\s*[rbuRBU]{0,2}"
    r"(?P<value>\"[^\"\\\n]+\"|'[^'\\\n]+')"
)
_AUTH_TUPLE = patterns.compile(
    r"(?i)auth\s*[=:]\s*\(\s*[rbu]?[\"'][^\"']*[\"']\s*,\s*[rbu]?(?P<value>\"[^\"\\\n]+\"|'[^'\\\n]+')"
)


def _unquote(raw: str, offset: int) -> tuple[str, int, int] | None:
    """The value in `raw` (which starts at column `offset`): quoted, or bare up to an inline comment."""
    text = raw.rstrip()
    if not text:
        return None
    if text[0] in "\"'":
        close = text.find(text[0], 1)
        while close > 0 and text[close - 1] == "\\":
            close = text.find(text[0], close + 1)
        if close < 0:
            close = len(text)
        return text[1:close], offset + 1, offset + close
    cut = len(text)
    for marker in (" #", "\t#", " ;", " //"):
        position = text.find(marker)
        if 0 <= position < cut:
            cut = position
    value = text[:cut].rstrip().rstrip(",;")
    return value, offset, offset + len(value)


def _pair(match: object, line: str, key_group: str = "key", value_group: str = "value") -> Assignment | None:
    pattern_groups = match.re.groupindex  # type: ignore[attr-defined]
    value_index = pattern_groups[value_group]
    raw = match.group(value_group)  # type: ignore[attr-defined]
    if raw is None:
        return None
    parsed = _unquote(raw, match.start(value_index))  # type: ignore[attr-defined]
    if parsed is None or not parsed[0]:
        return None
    value, start, end = parsed
    return Assignment(match.group(key_group), value, start, end)  # type: ignore[attr-defined]


def config_assignments(line: str, kind: TextKind) -> Iterator[Assignment]:
    """`key = value` pairs on a line of a config-like file (.env, ini, toml, yaml, json, Dockerfile, shell)."""
    if kind is TextKind.JSON:
        for match in _JSON.finditer(line):
            pair = _pair(match, line)
            if pair is not None:
                yield pair
        return
    if kind is TextKind.DOCKERFILE:
        yield from _dockerfile(line)
        return
    if kind is TextKind.SHELL:
        shell = _SHELL.search(line)
        if shell is not None:
            pair = _pair(shell, line)
            if pair is not None:
                yield pair
        for flag in _CLI_FLAG.finditer(line):
            pair = _pair(flag, line)
            if pair is not None:
                yield pair
        return
    found: patterns.Match | None
    if kind is TextKind.YAML:
        found = _YAML_LIST_ENV.search(line) or _YAML.search(line)
    elif kind is TextKind.ENV:
        found = _ENV.search(line)
    else:
        found = _INI.search(line)
    if found is not None:
        pair = _pair(found, line)
        if pair is not None and not pair.value.startswith(("|", ">", "&", "*")):
            yield pair


def _dockerfile(line: str) -> Iterator[Assignment]:
    match = _DOCKER.search(line)
    if match is None:
        return
    rest = match.group("rest")
    offset = match.start(_DOCKER.groupindex["rest"])
    if "=" in rest.split(None, 1)[0]:
        for pair_match in _DOCKER_PAIR.finditer(rest):
            pair = _pair(pair_match, rest)
            if pair is not None:
                yield Assignment(pair.name, pair.value, pair.start + offset, pair.end + offset)
        return
    legacy = _DOCKER_LEGACY.search(rest)
    if legacy is not None:
        pair = _pair(legacy, rest)
        if pair is not None:
            yield Assignment(pair.name, pair.value, pair.start + offset, pair.end + offset)


def python_line_assignments(line: str) -> Iterator[Assignment]:
    """Python-looking literals given to a name on one line: `password = "…"`, `api_key="…"` (a keyword argument
    or default), `"secret": "…"` (a dict entry), `token == "…"`, `auth=("user", "…")`. Used where no syntax tree
    is at hand: notebook cells, lines added in git history, the redaction pass."""
    for match in _PYTHON_LINE.finditer(line):
        key = match.group("key").strip()
        if key[:1] in "\"'":
            key = key[1:-1]
        elif "[" in key:
            key = key[key.index("[") + 1 : key.rindex("]")].strip().strip("\"'")
        key = key.rsplit(".", 1)[-1]
        pair = _pair(match, line)
        if pair is not None:
            yield Assignment(key, pair.value, pair.start, pair.end)
    for match in _AUTH_TUPLE.finditer(line):
        parsed = _unquote(match.group("value"), match.start(_AUTH_TUPLE.groupindex["value"]))
        if parsed is not None and parsed[0]:
            yield Assignment("auth password", *parsed)
