"""Suppression comments: bastion's own and the ones peer tools' users already have in their code.

`# bastion: ignore[PAT101, TNT1] reason`   bastion's own; codes or prefixes, or bare for every code
`# nosec` / `# nosec B602, B607`          bandit's; ids are mapped to bastion codes by each rule's `bandit` ids
`# noqa: S602`                            ruff's flake8-bandit codes, mapped by each rule's `ruff` codes
`# pragma: allowlist secret`              detect-secrets'; applies to the secrets family
`# pragma: allowlist nextline secret`     detect-secrets'; the same, for the line below the comment
`# gitleaks:allow`                        gitleaks'; applies to the secrets family

A suppression covers the whole statement its comment sits on: a comment on the first or the last line of a
formatted multi-line call suppresses a finding reported on any line of that call.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

_MARKERS = ("bastion:", "nosec", "noqa", "allowlist secret", "allowlist nextline secret", "gitleaks:allow")
_BASTION = re.compile(r"bastion:\s*ignore\b(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_NOSEC = re.compile(r"\bnosec\b(?::?[ \t]*(?P<ids>[A-Z]\d{3}(?:[ \t]*,?[ \t]*[A-Z]\d{3})*))?")
_NOQA = re.compile(r"\bnoqa\s*:\s*(?P<codes>[A-Z]+\d+(?:[\s,]+[A-Z]+\d+)*)", re.IGNORECASE)
_ALLOWLIST = re.compile(r"pragma:\s*allowlist[ -]secret", re.IGNORECASE)
_ALLOWLIST_NEXT = re.compile(r"pragma:\s*allowlist[ -]nextline[ -]secret", re.IGNORECASE)
_GITLEAKS = re.compile(r"gitleaks:allow", re.IGNORECASE)
_IDS = re.compile(r"[A-Za-z]+\d+")


class SuppressionOrigin(str, Enum):
    BASTION = "bastion"
    NOSEC = "nosec"
    NOQA = "noqa"
    ALLOWLIST_SECRET = "pragma: allowlist secret"
    GITLEAKS = "gitleaks:allow"


@dataclass(frozen=True, slots=True)
class Suppression:
    """One suppression comment. `ids` empty means bare: every code the origin reaches."""

    line: int
    origin: SuppressionOrigin
    ids: tuple[str, ...]
    first_line: int
    last_line: int

    def covers(self, line: int) -> bool:
        return self.first_line <= line <= self.last_line

    def describe(self) -> str:
        ids = f"[{', '.join(self.ids)}]" if self.ids else ""
        if self.origin is SuppressionOrigin.BASTION:
            return f"bastion: ignore{ids}"
        return f"{self.origin.value}{' ' + ', '.join(self.ids) if self.ids else ''}"


def has_markers(text: str) -> bool:
    """Cheap test so that the ~99% of files without any suppression cost nothing more."""
    return any(marker in text for marker in _MARKERS)


def parse_comment(comment: str, line: int) -> list[Suppression]:
    """Suppressions in one comment's text (without regard to the statement it sits on)."""
    found: list[Suppression] = []
    match = _BASTION.search(comment)
    if match:
        codes = match.group("codes")
        ids = tuple(code.upper() for code in _IDS.findall(codes)) if codes else ()
        found.append(Suppression(line, SuppressionOrigin.BASTION, ids, line, line))
    match = _NOSEC.search(comment)
    if match:
        ids = tuple(_IDS.findall(match.group("ids") or ""))
        found.append(Suppression(line, SuppressionOrigin.NOSEC, ids, line, line))
    match = _NOQA.search(comment)
    if match:
        # Only flake8-bandit (S) codes concern bastion; a `noqa: E501` is someone else's business.
        ids = tuple(code.upper() for code in _IDS.findall(match.group("codes")) if code.upper().startswith("S"))
        if ids:
            found.append(Suppression(line, SuppressionOrigin.NOQA, ids, line, line))
    if _ALLOWLIST.search(comment):
        found.append(Suppression(line, SuppressionOrigin.ALLOWLIST_SECRET, (), line, line))
    elif _ALLOWLIST_NEXT.search(comment):
        # detect-secrets' form for the line below (a comment alone on its line).
        found.append(Suppression(line, SuppressionOrigin.ALLOWLIST_SECRET, (), line + 1, line + 1))
    if _GITLEAKS.search(comment):
        found.append(Suppression(line, SuppressionOrigin.GITLEAKS, (), line, line))
    return found


def python_comments(text: str) -> Iterable[tuple[int, str]]:
    """(line, comment text) for every real comment; strings that merely contain '#' are not comments."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.string
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # Unparseable files get no AST rules anyway; text rules still see suppressions on their own lines.
        yield from text_comments(text)


_COMMENT_START = re.compile(
    r"(?:^|(?<=\s))#\s*(?:bastion:|nosec\b|noqa\b|pragma:\s*allowlist|gitleaks:allow)", re.IGNORECASE
)
# Prose formats explain the markers in examples; a marker there is documentation, not a suppression.
DOCUMENT_SUFFIXES = frozenset({".md", ".markdown", ".rst", ".adoc", ".txt.md"})


def text_comments(text: str) -> Iterable[tuple[int, str]]:
    """Comments in non-Python files (shell, YAML, TOML, .env, INI, Dockerfile, requirements) that start with a
    marker: `KEY=value  # bastion: ignore[SEC203]`, not `# a comment that mentions # nosec in passing`."""
    for number, line in enumerate(text.split("\n"), start=1):
        if "#" not in line:
            continue
        match = _COMMENT_START.search(line)
        if match:
            yield number, line[match.start() :]


def find_suppressions(text: str, *, python_tree: ast.Module | None) -> list[Suppression]:
    if not has_markers(text):
        return []
    comments = python_comments(text) if python_tree is not None else text_comments(text)
    found = [suppression for line, comment in comments for suppression in parse_comment(comment, line)]
    if not found or python_tree is None:
        return found
    spans = statement_spans(python_tree)
    return [_widen(suppression, spans) for suppression in found]


def _widen(suppression: Suppression, spans: Sequence[tuple[int, int]]) -> Suppression:
    best: tuple[int, int] | None = None
    for start, end in spans:
        if start <= suppression.line <= end and (best is None or start >= best[0]):
            best = (start, end)
    if best is None:
        return suppression
    return Suppression(suppression.line, suppression.origin, suppression.ids, best[0], best[1])


def statement_spans(tree: ast.Module) -> list[tuple[int, int]]:
    """Line spans of every statement: whole simple statements, and the header of compound ones."""
    spans: list[tuple[int, int]] = []
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        bodies = [
            value
            for name in ("body", "orelse", "finalbody", "handlers", "cases")
            for value in [getattr(node, name, None)]
            if isinstance(value, list) and value
        ]
        start = node.lineno
        decorators = getattr(node, "decorator_list", None)
        if decorators:
            start = min(start, *(d.lineno for d in decorators))
        if not bodies:
            spans.append((start, node.end_lineno or node.lineno))
            continue
        first_child = min(child.lineno for body in bodies for child in body)
        header_end = max(node.lineno, first_child - 1)
        spans.append((start, header_end))
        for body in bodies:
            for child in body:
                if isinstance(child, ast.stmt):
                    stack.append(child)
                else:
                    # except handlers and match cases hold statements one level down
                    stack.extend(getattr(child, "body", []))
    return spans
