"""Whether a fixed file is still well-formed, before anything is scanned or written.

Python goes through libcst's parser: a concrete syntax tree of the whole module, so that a fix that would leave a
stray comma, an unbalanced bracket or a broken indentation is caught here, with the line, rather than becoming a
parse-error notice of the next scan. TOML files (`pyproject.toml`) must still load. Other text files (requirement
lists, Dockerfiles) have no grammar worth checking beyond their fix's own care.
"""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


def problem_with(path: str, text: str) -> str | None:
    """Why the fixed `text` of `path` is not acceptable, or None when it is."""
    if path.endswith((".py", ".pyw")):
        return _python_problem(text)
    if path.endswith(".toml"):
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            return f"the result is not valid TOML ({error})"
        except RecursionError:
            return "the result is nested too deeply to read as TOML"
    return None


def _python_problem(text: str) -> str | None:
    # Imported here: libcst takes a quarter of a second to import, which no command but `fix` should pay.
    import libcst

    try:
        libcst.parse_module(text)
    except libcst.ParserSyntaxError as error:
        return f"the result does not parse ({error.message})"
    except (RecursionError, MemoryError):
        return "the result is nested too deeply to parse"
    return None
