"""Put fixes into a file's text.

Fixes are applied in the order of their first edit; a fix that overlaps one already taken waits for the next round
(where it is computed again, against the new text). An edit identical to one already applied (two fixes that both
add `import hmac` at the same place) is applied once. Line breaks in edits are written in the file's own style.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.fix import Edit

_LINE_BREAK = patterns.compile(r"\r\n|\r|\n")


class EditOutOfRange(ValueError):
    """An edit names a position the text does not have: the file is not the one the fix was made for."""


@dataclass(frozen=True)
class EditedText:
    text: str
    applied: tuple[Finding, ...]


def newline_of(text: str) -> str:
    """The line ending a file uses (its first one), `\\n` when it has none."""
    match = _LINE_BREAK.search(text)
    return match.group(0) if match else "\n"


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts, splitting on the same line endings as the reader (`\\r\\n`, `\\r`, `\\n`)."""
    starts = [0]
    starts.extend(match.end() for match in _LINE_BREAK.finditer(text))
    return starts


def offset_of(starts: Sequence[int], text: str, line: int, column: int) -> int:
    if not 1 <= line <= len(starts):
        raise EditOutOfRange(f"line {line} is past the end of the file ({len(starts)} lines)")
    start = starts[line - 1]
    end = starts[line] if line < len(starts) else len(text)
    # The line's own length, without its line ending.
    length = len(_LINE_BREAK.sub("", text[start:end]))
    if not 1 <= column <= length + 1:
        raise EditOutOfRange(f"column {column} is past the end of line {line}")
    return start + column - 1


def apply_fixes(text: str, findings: Sequence[Finding]) -> EditedText:
    """The text with the fixes of `findings` that touch no part of an earlier one; which findings were fixed.

    Fixes are taken in the order of their first edit. A fix is skipped (left for the next round, when it is made
    again for the new text) if one of its edits touches or overlaps an edit already taken, unless it is the very
    same edit (two fixes adding `import hmac` at the same place share it).
    """
    starts = line_starts(text)
    newline = newline_of(text)
    with_fixes = [finding for finding in findings if finding.fix is not None and finding.fix.edits]
    with_fixes.sort(key=lambda finding: (_first_edit(finding), finding.sort_key()))
    taken: dict[Edit, tuple[int, int]] = {}
    applied: list[Finding] = []
    for finding in with_fixes:
        assert finding.fix is not None
        spans = {
            edit: (
                offset_of(starts, text, edit.line, edit.column),
                offset_of(starts, text, edit.end_line, edit.end_column),
            )
            for edit in finding.fix.edits
            if edit not in taken
        }
        if any(_touch(span, other) for span in spans.values() for other in taken.values()):
            continue
        taken.update(spans)
        applied.append(finding)
    pieces: list[str] = []
    position = 0
    for edit, (start, end) in sorted(taken.items(), key=lambda item: item[1]):
        pieces.append(text[position:start])
        pieces.append(edit.content.replace("\n", newline) if newline != "\n" else edit.content)
        position = end
    pieces.append(text[position:])
    return EditedText("".join(pieces), tuple(applied))


def _first_edit(finding: Finding) -> tuple[int, int]:
    return finding.fix.edits[0].start if finding.fix is not None and finding.fix.edits else (0, 0)


def _touch(first: tuple[int, int], second: tuple[int, int]) -> bool:
    """Whether two spans overlap or meet (an insertion where another edit starts or ends is ambiguous)."""
    return first[0] <= second[1] and second[0] <= first[1]
