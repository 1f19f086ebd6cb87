"""The dependency source interface: which files a source reads, and how it turns one into a `Manifest`.

A source never raises on bad input: what it cannot understand becomes a `ManifestProblem` (a notice later) and
the rest of the file is still read. It never runs pip, builds anything or touches the network.
"""

from __future__ import annotations

import posixpath
import sys
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

from bastion.core import patterns
from bastion.deps.model import Manifest, ManifestKind, ManifestProblem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


_TOML_POSITION = patterns.compile(r"\s*\(at line (\d+), column \d+\)|\s*\(at end of document\)")


class DependencySource(ABC):
    kind: ManifestKind

    @abstractmethod
    def matches(self, rel: str) -> bool:
        """Whether this source reads the file at `rel` (a path relative to the project root, `/`-separated)."""

    @abstractmethod
    def parse(self, text: str, path: str) -> Manifest:
        """The manifest's dependencies and problems; never raises."""


def file_name(rel: str) -> str:
    return posixpath.basename(rel)


def load_toml(text: str, path: str, kind: ManifestKind) -> tuple[dict[str, Any] | None, Manifest | None]:
    """The parsed TOML, or a manifest that only says why it could not be read."""
    try:
        return tomllib.loads(text), None
    except (RecursionError, MemoryError):
        problem = ManifestProblem(
            None, "nested too deeply to read (thousands of levels); not audited", not_audited=True
        )
        return None, Manifest(path, kind, problems=(problem,))
    except tomllib.TOMLDecodeError as error:
        where = _TOML_POSITION.search(str(error))
        line = int(where.group(1)) if where and where.group(1) else None
        message = _TOML_POSITION.sub("", str(error)).strip()
        problem = ManifestProblem(line, f"not valid TOML: {message}; not audited", not_audited=True)
        return None, Manifest(path, kind, problems=(problem,))


def table(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def str_value(value: Any) -> str:
    return value if isinstance(value, str) else ""
