"""Parse Python source with the standard library's parser, except for the one input it takes quadratic time on.

Before Python 3.12, CPython parses the replacement fields of an f-string in time quadratic in their number: one
f-string of a few hundred thousand `{x}` (under the 2 MB size cap) holds `ast.parse` for minutes, in C, where the
per-file time budget cannot interrupt it. Such a string has no place in real code; the file is refused (a parse
error notice, so the audit says the file was not analysed) instead of parsed. Python 3.12 parses f-strings in the
grammar, in linear time, and gets every file.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from typing import NamedTuple

from bastion.core import patterns

# Replacement fields in one f-string beyond which a file is refused on Python < 3.12 (about 0.1 s to parse there).
MAX_FSTRING_FIELDS = 10_000
_QUADRATIC_FSTRINGS = sys.version_info < (3, 12)


def parse_python(text: str, filename: str = "<unknown>") -> ast.Module:
    """`ast.parse(text)`; raises `SyntaxError`, `ValueError` (also for a refused f-string), `RecursionError`."""
    if _QUADRATIC_FSTRINGS and text.count("{") > MAX_FSTRING_FIELDS:
        fields = largest_fstring_fields(text)
        if fields > MAX_FSTRING_FIELDS:
            raise ValueError(
                f"an f-string with {fields:,} replacement fields, more than {MAX_FSTRING_FIELDS:,}: this Python's "
                "parser takes quadratic time on it (Python 3.12 does not)"
            )
    tree = ast.parse(text, filename=filename)
    if _SURROGATE_ESCAPE.search(text):
        _replace_lone_surrogates(tree)
    return tree


# `"\udcad"`: the only way a str constant gets a lone surrogate, which no UTF-8 consumer (the linear-time regex
# engine, hashing, the report) can take. Rare, so the tree is walked only when the text holds such an escape.
_SURROGATE_ESCAPE = patterns.compile(r"\\(?:u[dD][89a-fA-F]|U0000[dD][89a-fA-F])")


def _replace_lone_surrogates(tree: ast.Module) -> None:
    """Replace each lone surrogate in the tree's string constants by `?`: no rule's verdict can hang on one."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and type(node.value) is str and not node.value.isascii():
            try:
                node.value.encode("utf-8")
            except UnicodeEncodeError:
                node.value = node.value.encode("utf-8", "replace").decode("utf-8")


def largest_fstring_fields(text: str) -> int:
    """The most replacement fields in any one f-string of `text` (0 if it does not tokenize)."""
    largest = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.STRING:
                continue
            string = token.string
            prefix = string[: min(i for i in (string.find("'"), string.find('"')) if i >= 0)].lower()
            if "f" in prefix:
                largest = max(largest, string.count("{") - 2 * string.count("{{"))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return largest
    return largest


class _NewerSyntax(NamedTuple):
    """Syntax that a newer Python accepts and the running one rejects. The parser bastion runs on is the
    interpreter's own, so a project written for a newer Python must be scanned with that Python; the notice says so
    instead of a bare "invalid syntax"."""

    version: tuple[int, int]
    what: str
    line: patterns.Pattern
    # When set, the parser's message must hold one of these too: an f-string on a line broken for another reason
    # is not a newer f-string.
    messages: tuple[str, ...] = ()


_NEWER_SYNTAX = (
    _NewerSyntax((3, 12), "a type alias statement, PEP 695", patterns.compile(r"^\s*type\s+[A-Za-z_]\w*\s*[\[=]")),
    _NewerSyntax(
        (3, 12), "type parameters, PEP 695", patterns.compile(r"^\s*(?:async\s+def|def|class)\s+[A-Za-z_]\w*\s*\[")
    ),
    _NewerSyntax(
        (3, 12),
        "an f-string that reuses its quotes or spans lines, PEP 701",
        patterns.compile(r"(?i)\bf['\"]"),
        messages=("f-string", "unterminated"),
    ),
    _NewerSyntax((3, 14), "a template string, PEP 750", patterns.compile(r"(?i)(?:^|[^\w])t['\"]")),
)


def newer_syntax(text: str, error: SyntaxError) -> str | None:
    """What to tell the user when the line that failed to parse holds syntax a newer Python accepts ('this is
    Python 3.12 syntax (type parameters, PEP 695); run bastion with Python 3.12 or newer ...'); None when the file is
    really broken or the cause is not recognised."""
    if not error.lineno:
        return None
    lines = text.splitlines()
    if error.lineno > len(lines):
        return None
    line = lines[error.lineno - 1]
    for syntax in _NEWER_SYNTAX:
        if sys.version_info >= syntax.version or not syntax.line.search(line):
            continue
        if syntax.messages and not any(part in error.msg for part in syntax.messages):
            continue
        wanted = f"{syntax.version[0]}.{syntax.version[1]}"
        return (
            f"this is Python {wanted} syntax ({syntax.what}); run bastion with Python {wanted} or newer to analyse it"
        )
    return None
