"""Parsing the data files of a scanned tree (TOML, JSON) without letting their shape abort a scan.

`tomllib` and `json` recurse once per level of nesting: a 5,000-deep array in a `pyproject.toml` or a
100,000-deep JSON baseline raises `RecursionError`, which nobody expects from a parser, and which used to end the
whole scan. Here every such parse either returns the data or raises `DataFileError` with a message a user can act
on (where it failed and why); callers turn it into a notice or an error naming the file.
"""

from __future__ import annotations

import json
import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

TOMLDecodeError = tomllib.TOMLDecodeError
_TOO_DEEP = "nested too deeply to read (thousands of levels of arrays or tables)"


class DataFileError(ValueError):
    """The text is not valid TOML or JSON, or too deeply nested to read; `line` is where, when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def parse_toml(text: str) -> dict[str, Any]:
    try:
        return dict(tomllib.loads(text))
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"invalid TOML: {error}", getattr(error, "lineno", None)) from None
    except (RecursionError, MemoryError):
        raise DataFileError(_TOO_DEEP) from None


def parse_json(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DataFileError(f"not valid JSON ({error.msg} at line {error.lineno})", error.lineno) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise DataFileError(f"not valid JSON ({error})") from None
    except (RecursionError, MemoryError):
        raise DataFileError(_TOO_DEEP) from None
