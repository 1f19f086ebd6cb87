"""What the SEC rules share: the per-document detection (computed once for all SEC rules), findings built with a
redacted snippet and a hashed context, and the advice every secret finding carries."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator

from bastion.core import patterns
from bastion.core.finding import NON_PRODUCTION, Finding
from bastion.core.rule import Rule
from bastion.core.severity import Severity
from bastion.rules.base import AstRule, ModuleContext, TextContext, TextRule
from bastion.secrets.engine import DEFAULT_PAIR_NOTE, SecretMatch, find_secrets, shapes_in_value
from bastion.secrets.filekinds import TextKind, classify
from bastion.secrets.notebooks import notebook_text
from bastion.secrets.redaction import redact, redact_spans, redact_values, secret_fingerprint
from bastion.secrets.validators import LOCAL_DEFAULT_NOTE
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument

FIX_HINT = (
    "rotate the credential (it is compromised once committed), read it from an environment variable or a secrets "
    "manager, and purge it from git history if it was pushed"
)
ADVICE = "Rotate it, load it from the environment or a secrets manager, and purge it from git history if pushed."
_SKIPPED_FOR_ENTROPY = (".min.js", ".min.css", ".map", ".svg", ".css")

_cache: tuple[TextDocument | None, list[SecretMatch]] = (None, [])


def document_secrets(document: TextDocument) -> list[SecretMatch]:
    """Every secret the text engine finds in `document`; computed once per document for all SEC rules."""
    global _cache
    if _cache[0] is document:
        return _cache[1]
    kind = classify(document.rel, is_python=document.is_python)
    if kind is TextKind.PYTHON:
        matches = find_secrets(document.lines, kind, document.rel, providers_only=True)
    elif kind is TextKind.NOTEBOOK:
        notebook = notebook_text(document.lines)
        matches = find_secrets(notebook.lines, kind, document.rel, python_lines=notebook.code_lines)
    elif document.rel.lower().endswith(_SKIPPED_FOR_ENTROPY):
        matches = find_secrets(document.lines, kind, document.rel, providers_only=True)
    else:
        matches = find_secrets(document.lines, kind, document.rel)
    _cache = (document, matches)
    return matches


def is_text_file(file: SourceFile) -> bool:
    return not file.is_known_binary


def describe(match: SecretMatch, *, where: str = "") -> str:
    """`GitHub token `ghp_…(40 chars)` hard-coded` plus why it was downgraded, if it was."""
    subject = match.title[0].upper() + match.title[1:]
    named = ""
    if match.name and match.name != "authorization":
        named = f" next to `{match.name}`" if match.detector == "high-entropy" else f" assigned to `{match.name}`"
    text = f"{subject} `{redact(match.value)}`{named} {where or 'hard-coded in the file'}"
    notes = []
    if match.note:
        notes.append(_NOTES.get(match.note, match.note))
    if match.severity is Severity.LOW and not match.note:
        notes.append("reported at low severity")
    if notes:
        text += f" ({'; '.join(notes)})"
    return f"{text}. {ADVICE}"


_NOTES = {
    "test-or-example": "in a test, fixture or example, or marked as fake: low severity, but check it is not real",
    "expired": "expired token: low severity",
    "test-mode key": "test-mode key: low severity",
    "local-service": "a service on the local machine: low severity",
    "default-pair": "the password repeats the user name, a default: medium severity",
    LOCAL_DEFAULT_NOTE: (
        "a default password of a service on the local machine (a development database): held back like example code"
    ),
    DEFAULT_PAIR_NOTE: (
        "the value repeats the user or database name set beside it: the default of a quick-start or local setup, "
        "held back like example code; change it wherever the setup is deployed"
    ),
}


def _json_escaped(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def text_findings(rule: Rule, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
    """Findings for the matches of `rule.code` in a text document, one per secret per place, redacted."""
    matches = document_secrets(document)
    mine = [match for match in matches if match.code == rule.code]
    if not mine:
        return
    notebook = document.rel.lower().endswith(".ipynb")
    for match in mine:
        raw = document.line(match.line)
        same_line = [m for m in matches if m.line == match.line]
        if notebook:
            values = [v for m in same_line for v in (m.value, _json_escaped(m.value))]
            snippet = redact_values(raw, values)
            column = max(raw.find(_json_escaped(match.value)), 0) + 1
        else:
            snippet = redact_spans(raw, [(m.start, m.end) for m in same_line])
            column = match.start + 1
        yield ctx.finding(
            rule,
            match.line,
            describe(match),
            column=column,
            severity=match.severity,
            confidence=match.confidence,
            snippet=snippet.rstrip()[:400],
            context=secret_fingerprint(match.value, ctx.path),
            properties={"detector": match.detector, "secret": redact(match.value), **_non_production(document, match)},
        )


# Tables of test runners in pyproject.toml and setup.cfg (`[tool.pytest_env]`, `[tool.pytest.ini_options]`,
# `[tool:pytest]`, `[tool.tox]`, `[tool.coverage.run]`): the environment the test suite runs with.
_TEST_TOOL_TABLE = patterns.compile(r"^\s*\[\[?\s*tool[.:](pytest|tox|coverage|nox)")
_TABLE_HEADER = patterns.compile(r"^\s*\[")


def _non_production(document: TextDocument, match: SecretMatch) -> dict[str, bool]:
    """`{NON_PRODUCTION: True}` for a default user/password pair of a quick-start setup, or a secret set in a test
    runner's table of pyproject.toml or setup.cfg."""
    if match.note in (DEFAULT_PAIR_NOTE, LOCAL_DEFAULT_NOTE):
        return {NON_PRODUCTION: True}
    if document.rel.rsplit("/", 1)[-1] not in ("pyproject.toml", "setup.cfg"):
        return {}
    for number in range(match.line, 0, -1):
        line = document.line(number)
        if _TABLE_HEADER.search(line):
            return {NON_PRODUCTION: True} if _TEST_TOOL_TABLE.search(line) else {}
    return {}


def node_snippet(ctx: ModuleContext, node: ast.AST, value: str) -> str:
    """The node's first line with the node's source replaced by the redacted value (quoted), so that a secret
    split over pieces (`"sk_live_" "…"`) or lines is not shown either."""
    line_number = getattr(node, "lineno", 1)
    line = ctx.module.document.line(line_number)
    location = ctx.location(node)
    start = location.column - 1
    same_line = location.end_line in (None, line_number) and location.end_column is not None
    stop = location.end_column - 1 if same_line and location.end_column is not None else len(line.rstrip())
    snippet = line[:start] + '"' + redact(value) + '"' + line[stop:]
    return redact_values(snippet, [value]).rstrip()[:400]


def _assembled(node: ast.Constant, value: str) -> bool:
    """Whether a string constant was written in pieces (implicit concatenation, escapes, several lines): only
    then can its text differ from what the text scan sees. A plain one-line literal is the text scan's."""
    end_line, end_column = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
    if end_line is None or end_column is None or end_line != node.lineno:
        return True
    # Quotes and a prefix take at most 4 characters; more means pieces or escapes (AST columns are UTF-8 bytes).
    # A lone surrogate (`"\udcad"`) can only come from an escape; it still counts as the 3 bytes it would take.
    return bool(end_column - node.col_offset > len(value.encode("utf-8", "surrogatepass")) + 4)


def assembled_shape_findings(rule: Rule, node: ast.AST, ctx: ModuleContext) -> Iterator[Finding]:
    """Provider shapes in a string assembled from pieces (`"sk_live_" "…"`, `"ghp_" + "…"`), which the text
    scan cannot see; left to the text scan when it found something of this code on the same lines."""
    if isinstance(node, ast.BinOp) and isinstance(ctx.parent, ast.BinOp):
        return
    if isinstance(node, ast.Constant):
        value = node.value if type(node.value) is str else None
        if value is None or len(value) < 16 or not _assembled(node, value):
            return
    else:
        from bastion.secrets.python_literals import literal_string

        value = literal_string(node)
    if value is None or len(value) < 16:
        return
    found = [match for match in shapes_in_value(value) if match.code == rule.code]
    if not found:
        return
    first: int = getattr(node, "lineno", 1)
    last: int = getattr(node, "end_lineno", None) or first
    seen = document_secrets(ctx.module.document)
    if any(m.code == rule.code and first <= m.line <= last for m in seen):
        return
    for match in found:
        yield ctx.finding(
            rule,
            node,
            describe(match, where="assembled from string pieces"),
            severity=match.severity,
            confidence=match.confidence,
            snippet=node_snippet(ctx, node, match.value),
            context=secret_fingerprint(match.value, ctx.path),
            properties={"detector": match.detector, "secret": redact(match.value)},
        )


# Configuration rules that also notice a literal credential (a SECRET_KEY setting, a Dockerfile ENV, a compose
# `environment:` entry): on the same line, the secret finding is the one reported (it is redacted, hashed in
# baselines, and says to rotate the credential).
SUPERSEDED_CONFIGURATION_RULES = ("CFG102", "CFG403", "CFG408")


class ShapeRule(AstRule, TextRule):
    """A rule for secrets recognised by their shape (SEC101-SEC104): on the text of every file, and in the syntax
    tree of Python files for strings assembled from pieces. Subclasses only declare their metadata and docs."""

    supersedes = SUPERSEDED_CONFIGURATION_RULES
    node_types = (ast.Constant, ast.BinOp, ast.JoinedStr)

    def applies_to(self, file: SourceFile) -> bool:
        return is_text_file(file)

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        return text_findings(self, document, ctx)

    def check(self, node: ast.AST, ctx: ModuleContext) -> Iterator[Finding]:
        return assembled_shape_findings(self, node, ctx)
