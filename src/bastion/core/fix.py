"""Fixes: the edits that resolve a finding, and how safe it is to apply them without reading them first.

A rule computes its fix while it checks, as plain text edits at positions in the file it analysed, so that a fix
travels with its finding (through the workers, the cache, the JSON and SARIF reports) and `bastion fix` only has
to apply it. Positions are 1-based lines and 1-based columns counted in characters, as in `Location`.

Applicability follows ruff's scale:
- `safe`: the code does what it did for every input it was written to handle; applied by `bastion fix`.
- `unsafe`: the change is what the finding asks for, but it changes behaviour (a request that used to succeed may
  now fail, an output may differ); applied only with `--unsafe-fixes`.
- `display-only`: shown to the reader (a command to run, a change outside the file) and never applied.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import Enum


class Applicability(str, Enum):
    """How freely a fix may be applied. A rule's declared applicability is the best its fixes ever get."""

    NONE = "none"
    DISPLAY_ONLY = "display-only"
    UNSAFE = "unsafe"
    SAFE = "safe"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, other: Applicability) -> bool:
        """Whether a run that accepts `self` applies a fix that is `other` (SAFE allows SAFE, UNSAFE both)."""
        return other is not Applicability.NONE and other is not Applicability.DISPLAY_ONLY and other.rank >= self.rank


_RANK = {Applicability.NONE: 0, Applicability.DISPLAY_ONLY: 1, Applicability.UNSAFE: 2, Applicability.SAFE: 3}


@dataclass(frozen=True, slots=True, order=True)
class Edit:
    """Replace the text from (line, column) up to, not including, (end_line, end_column) with `content`.

    An empty range inserts; an empty `content` deletes. `content` uses `\\n` for line breaks: the file's own line
    ending is put back when the edit is applied.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    content: str = ""

    @property
    def start(self) -> tuple[int, int]:
        return (self.line, self.column)

    @property
    def end(self) -> tuple[int, int]:
        return (self.end_line, self.end_column)

    @property
    def is_insertion(self) -> bool:
        return self.start == self.end

    @classmethod
    def insertion(cls, line: int, column: int, content: str) -> Edit:
        return cls(line, column, line, column, content)


@dataclass(frozen=True, slots=True)
class Fix:
    """The edits that resolve one finding, in the finding's file, with what they do in words."""

    message: str
    applicability: Applicability
    edits: tuple[Edit, ...]

    def __post_init__(self) -> None:
        if self.applicability is Applicability.NONE:
            raise ValueError("a fix needs an applicability: safe, unsafe or display-only")
        if not self.edits and self.applicability is not Applicability.DISPLAY_ONLY:
            raise ValueError("a fix that is applied needs at least one edit")
        ordered = sorted(self.edits)
        for before, after in itertools.pairwise(ordered):
            if after.start < before.end:
                raise ValueError(f"the edits of a fix overlap: {before} and {after}")
        object.__setattr__(self, "edits", tuple(ordered))

    def with_applicability(self, applicability: Applicability) -> Fix:
        return Fix(self.message, applicability, self.edits)
