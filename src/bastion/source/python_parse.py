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
    return ast.parse(text, filename=filename)


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
