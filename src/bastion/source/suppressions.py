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
import bisect
import difflib
import io
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from bastion.core import patterns
from bastion.core.advisory_ids import EXAMPLES as ADVISORY_EXAMPLES
from bastion.core.advisory_ids import is_advisory_id

_MARKERS = ("bastion:", "nosec", "noqa", "allowlist secret", "allowlist nextline secret", "gitleaks:allow")
_BASTION_IGNORE = patterns.compile(r"bastion:\s*ignore\b", ignore_case=True)
_BASTION_WORD = patterns.compile(r"bastion:\s*(?P<word>[A-Za-z_-]+)(?P<bracket>\s*\[)?", ignore_case=True)
_NOSEC = patterns.compile(r"\bnosec\b(?P<tail>[^#]*)")
_NOQA = patterns.compile(r"\bnoqa\s*:\s*(?P<codes>[A-Za-z]\w*(?:[\s,]+[A-Za-z]\w*)*)", ignore_case=True)
_ALLOWLIST = patterns.compile(r"pragma:\s*allowlist[ -]secret", ignore_case=True)
_ALLOWLIST_NEXT = patterns.compile(r"pragma:\s*allowlist[ -]nextline[ -]secret", ignore_case=True)
_GITLEAKS = patterns.compile(r"gitleaks:allow", ignore_case=True)
_RULE_SELECTOR = patterns.compile(r"^[A-Z]{3}\d{0,3}$")
_HYPHENATED_CODE = patterns.compile(r"^([A-Z]{3})[-_ ](\d{1,3})$")
_CODE_LIKE = patterns.compile(r"^[A-Za-z]{2,}[-_]?\d")
_WORD = patterns.compile(r"[A-Za-z0-9_]+")
# Words shaped like a peer's id (a letter, a digit, two or three more): `B6O2` is a typo, `b64` or `because` a reason.
_BANDIT_LIKE = patterns.compile(r"^[Bb]\d[0-9A-Za-z]{2,3}$")
_BANDIT_ID = patterns.compile(r"^B\d{3}$")
_RUFF_BANDIT_LIKE = patterns.compile(r"^[Ss]\d[0-9A-Za-z]{2,3}$")
_RUFF_BANDIT_ID = patterns.compile(r"^S\d{3}$")
_IGNORE_FORM = "`# bastion: ignore[CODE, ...]`"
_LIST_SEPARATORS = patterns.compile(r"[\s,]+")
_SPACED_BRACKET = patterns.compile(r"\s+\[")
_WRONG_OPENER = patterns.compile(r"\s*[:=(]")
_FIRST_WORD = patterns.compile(r"\s+(?P<word>[^\s,;]+)")


class SuppressionOrigin(str, Enum):
    BASTION = "bastion"
    NOSEC = "nosec"
    NOQA = "noqa"
    ALLOWLIST_SECRET = "pragma: allowlist secret"
    GITLEAKS = "gitleaks:allow"


@dataclass(frozen=True, slots=True)
class Suppression:
    """One suppression comment. `ids` empty means bare: every code the origin reaches. For bastion's own form an
    id is a rule code or prefix (`PAT101`, `PAT1`) or an advisory id (`PYSEC-2018-28`: that advisory only).
    A comment with a `problem` does not parse: it suppresses nothing and is reported (BST002)."""

    line: int
    origin: SuppressionOrigin
    ids: tuple[str, ...]
    first_line: int
    last_line: int
    problem: str = ""
    text: str = ""  # the comment as written, for reports

    def covers(self, line: int) -> bool:
        return self.first_line <= line <= self.last_line

    @property
    def malformed(self) -> bool:
        return bool(self.problem)

    @property
    def rule_selectors(self) -> tuple[str, ...]:
        return tuple(item for item in self.ids if not is_advisory_id(item))

    @property
    def advisory_ids(self) -> tuple[str, ...]:
        return tuple(item for item in self.ids if is_advisory_id(item))

    def describe(self) -> str:
        if self.malformed:
            return self.text
        ids = f"[{', '.join(self.ids)}]" if self.ids else ""
        if self.origin is SuppressionOrigin.BASTION:
            return f"bastion: ignore{ids}"
        return f"{self.origin.value}{' ' + ', '.join(self.ids) if self.ids else ''}"

    def with_problem(self, problem: str) -> Suppression:
        return replace(self, problem=problem)


def has_markers(text: str) -> bool:
    """Cheap test so that the ~99% of files without any suppression cost nothing more."""
    return any(marker in text for marker in _MARKERS)


def parse_comment(comment: str, line: int) -> list[Suppression]:
    """Suppressions in one comment's text (without regard to the statement it sits on), malformed ones included:
    a comment that means to suppress but does not parse is kept with its `problem`, never read as a bare one."""
    found: list[Suppression] = []
    bastion = _parse_bastion(comment.strip(), line)
    if bastion is not None:
        found.append(bastion)
    match = _NOSEC.search(comment)
    if match:
        found.append(_peer_ids(match.group("tail"), line, SuppressionOrigin.NOSEC, _BANDIT_LIKE, _BANDIT_ID, "B602"))
    match = _NOQA.search(comment)
    if match:
        # Only flake8-bandit (S) codes concern bastion; a `noqa: E501` is someone else's business.
        noqa = _peer_ids(match.group("codes"), line, SuppressionOrigin.NOQA, _RUFF_BANDIT_LIKE, _RUFF_BANDIT_ID, "S602")
        if noqa.ids or noqa.malformed:
            found.append(noqa)
    if _ALLOWLIST.search(comment):
        found.append(Suppression(line, SuppressionOrigin.ALLOWLIST_SECRET, (), line, line))
    elif _ALLOWLIST_NEXT.search(comment):
        # detect-secrets' form for the line below (a comment alone on its line).
        found.append(Suppression(line, SuppressionOrigin.ALLOWLIST_SECRET, (), line + 1, line + 1))
    if _GITLEAKS.search(comment):
        found.append(Suppression(line, SuppressionOrigin.GITLEAKS, (), line, line))
    return found


def _parse_bastion(comment: str, line: int) -> Suppression | None:
    match = _BASTION_IGNORE.search(comment)
    if match is None:
        return _misspelt_directive(comment, line)
    text = comment[match.start() :]
    rest = comment[match.end() :]

    def made(ids: tuple[str, ...] = (), problem: str = "") -> Suppression:
        return Suppression(line, SuppressionOrigin.BASTION, ids, line, line, problem, text)

    if rest.startswith("["):
        close = rest.find("]")
        if close < 0:
            return made(problem=f"the code list has no closing `]`; write {_IGNORE_FORM}")
        items = [item for item in _LIST_SEPARATORS.split(rest[1:close]) if item]
        if not items:
            return made(problem=f"the brackets are empty; name the codes: {_IGNORE_FORM}")
        problems = [problem for item in items if (problem := _item_problem(item))]
        if problems:
            return made(problem="; ".join(problems))
        return made(tuple(item.upper() for item in items))
    if _SPACED_BRACKET.match(rest):
        return made(problem=f"a space between `ignore` and `[`; write {_IGNORE_FORM}")
    if _WRONG_OPENER.match(rest):
        return made(problem=f"codes go in square brackets right after `ignore`: {_IGNORE_FORM}")
    first = _FIRST_WORD.match(rest)
    if first and _CODE_LIKE.match(first.group("word")):
        return made(problem=f"`{first.group('word')}` is outside the brackets; write {_IGNORE_FORM}")
    return made()  # bare: every rule, with an optional reason after it


def _misspelt_directive(comment: str, line: int) -> Suppression | None:
    """`# bastion: ignroe[PAT101]`: a directive bastion does not know, where `ignore` was meant."""
    match = _BASTION_WORD.search(comment)
    if match is None:
        return None
    word = match.group("word")
    if not match.group("bracket") and not difflib.get_close_matches(word.lower(), ["ignore"], cutoff=0.6):
        return None
    problem = f"`{word}` is not a bastion directive; write {_IGNORE_FORM}"
    return Suppression(line, SuppressionOrigin.BASTION, (), line, line, problem, comment[match.start() :])


def _item_problem(item: str) -> str:
    upper = item.upper()
    if _RULE_SELECTOR.match(upper) or is_advisory_id(item):
        return ""
    hyphenated = _HYPHENATED_CODE.match(upper)
    if hyphenated:
        return f"`{item}` is not a rule code; did you mean {hyphenated.group(1)}{hyphenated.group(2)}?"
    return (
        f"`{item}` is neither a rule code (PAT101, or a prefix such as PAT1) nor an advisory id ({ADVISORY_EXAMPLES})"
    )


def _peer_ids(
    tail: str, line: int, origin: SuppressionOrigin, looks_like: patterns.Pattern, valid: patterns.Pattern, example: str
) -> Suppression:
    """A peer tool's ids after its marker: words shaped like an id must be one (`B6O2` is a typo, not a reason)."""
    ids: list[str] = []
    bad: list[str] = []
    for word in _WORD.findall(tail):
        if not looks_like.match(word):
            continue
        if valid.match(word.upper()):
            ids.append(word.upper())
        else:
            bad.append(word)
    text = f"{origin.value}{tail.rstrip()}"
    if bad:
        problem = f"{', '.join(f'`{word}`' for word in bad)}: not a {origin.value} id such as {example}"
        return Suppression(line, origin, (), line, line, problem, text)
    return Suppression(line, origin, tuple(ids), line, line, "", text)


def python_comments(text: str) -> Iterable[tuple[int, str]]:
    """(line, comment text) for every real comment; strings that merely contain '#' are not comments."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.string
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # Unparseable files get no AST rules anyway; text rules still see suppressions on their own lines.
        yield from text_comments(text)


_COMMENT_START = patterns.compile(
    r"(?:^|\s)(#\s*(?:bastion:|nosec\b|noqa\b|pragma:\s*allowlist|gitleaks:allow))", ignore_case=True
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
            yield number, line[match.start(1) :]


def find_suppressions(text: str, *, python_tree: ast.Module | None) -> list[Suppression]:
    if not has_markers(text):
        return []
    comments = python_comments(text) if python_tree is not None else text_comments(text)
    found = [suppression for line, comment in comments for suppression in parse_comment(comment, line)]
    if not found or python_tree is None:
        return found
    return _widen(found, statement_spans(python_tree))


def _widen(suppressions: list[Suppression], spans: Sequence[tuple[int, int]]) -> list[Suppression]:
    """Each suppression covers the statement its comment sits in: of the spans holding its line, the one that
    starts last (the last listed among equals). Spans are visited once, suppressions found by bisection."""
    lines = sorted({suppression.line for suppression in suppressions})
    best: dict[int, tuple[int, int]] = {}
    for start, end in sorted(spans, key=lambda span: span[0]):  # stable: equal starts keep their order
        for line in lines[bisect.bisect_left(lines, start) : bisect.bisect_right(lines, end)]:
            best[line] = (start, end)
    widened = []
    for suppression in suppressions:
        span = best.get(suppression.line)
        widened.append(suppression if span is None else replace(suppression, first_line=span[0], last_line=span[1]))
    return widened


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
        first_child = min(_first_line(child) for body in bodies for child in body)
        header_end = max(node.lineno, first_child - 1)
        spans.append((start, header_end))
        for body in bodies:
            for child in body:
                if isinstance(child, ast.stmt):
                    stack.append(child)
                    continue
                # except handlers and match cases hold statements one level down; a case's own header (its
                # pattern and guard) is a span of its own, like a compound statement's
                inner: list[ast.stmt] = getattr(child, "body", [])
                if isinstance(child, ast.match_case) and inner:
                    spans.append((child.pattern.lineno, max(child.pattern.lineno, inner[0].lineno - 1)))
                stack.extend(inner)
    return spans


def _first_line(node: ast.AST) -> int:
    """The first line of a statement, an except handler or a match case (which has no position of its own)."""
    if isinstance(node, ast.match_case):
        return node.pattern.lineno
    return int(getattr(node, "lineno", 0)) or 1
