"""Jupyter notebooks: the text of code cells, markdown cells and outputs, line for line with the .ipynb file.

nbformat writes one JSON string per line (`"    x = 1\\n",`), so each such line is decoded in place: the
detectors see the cell's real text, and a finding keeps the notebook's own line number. Lines inside a code
cell's `source` are marked as Python (read with SEC201's line form); outputs and markdown get provider shapes
and entropy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from bastion.core import patterns

_STRING_LINE = patterns.compile(r'^\s*"((?:[^"\\]|\\.)*)",?\s*$')
_SOURCE_INLINE = patterns.compile(r'^\s*"source"\s*:\s*"((?:[^"\\]|\\.)*)",?\s*$')
_SOURCE_START = patterns.compile(r'^\s*"source"\s*:\s*\[\s*$')
_CELL_TYPE = patterns.compile(r'^\s*"cell_type"\s*:\s*"(?P<type>\w+)"')
_KEY_STRING = patterns.compile(r'^\s*"[^"]+"\s*:\s*"((?:[^"\\]|\\.)*)",?\s*$')


@dataclass
class NotebookText:
    lines: list[str]  # decoded text per line of the .ipynb (the raw line where it is not a JSON string)
    code_lines: set[int] = field(default_factory=set)  # 0-based indexes of code-cell source lines


def _decode(inner: str) -> str | None:
    try:
        value = json.loads(f'"{inner}"')
    except ValueError:
        return None
    if not isinstance(value, str):
        return None
    return value[:-1] if value.endswith("\n") else value


def notebook_text(raw_lines: list[str]) -> NotebookText:
    decoded: list[str] = []
    code_lines: set[int] = set()
    cell_type = ""
    in_source = False
    for index, raw in enumerate(raw_lines):
        cell = _CELL_TYPE.match(raw)
        if cell:
            cell_type = cell.group("type")
        if in_source and raw.strip() in ("]", "],"):
            in_source = False
        if _SOURCE_START.match(raw):
            in_source = True
            decoded.append(raw)
            continue
        inline = _SOURCE_INLINE.match(raw)
        string = inline or _STRING_LINE.match(raw) or _KEY_STRING.match(raw)
        text = _decode(string.group(1)) if string else None
        decoded.append(text if text is not None and "\n" not in text else raw)
        if cell_type == "code" and (in_source or inline):
            code_lines.add(index)
    return NotebookText(decoded, code_lines)
