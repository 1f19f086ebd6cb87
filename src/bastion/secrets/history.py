"""Secrets in git history: every commit reachable from any ref, added lines only, each blob once.

The repository is read through `bastion.source.git` (libgit2: no program from any git configuration runs, and no
attribute or setting can hide a change): for each file version a commit introduces, the lines it added (for a
merge, the lines none of its parents had) go through the same engine as the working tree (provider shapes,
private keys, config values, entropy; Python files with SEC201's line form, as there is no whole syntax tree for
a hunk). A file version (blob) already scanned in another commit (a cherry-pick, a merge of the same change) is
skipped. Each
secret is reported once per path, at the oldest commit that added it, with the author date, the line in that
commit, and whether the secret is still in the working tree's copy of the file.
"""

from __future__ import annotations

import ast
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from bastion.secrets.engine import SecretMatch, find_secrets
from bastion.secrets.filekinds import TextKind, classify
from bastion.secrets.python_literals import NODE_TYPES, literal_secrets
from bastion.secrets.redaction import redact_spans, secret_hash
from bastion.source.files import read_regular_file
from bastion.source.git import FileVersion, GitError, HistoryStats, Repository, open_repository
from bastion.source.suppressions import Suppression, SuppressionOrigin, find_suppressions

DEFAULT_MAX_SIZE = 2 * 1024 * 1024
_SKIP_SUFFIXES = (".min.js", ".min.css", ".map", ".svg", ".lock")


class HistoryError(Exception):
    """The history could not be read (not a git repository, git missing, git failed)."""


@dataclass
class HistoryHit:
    match: SecretMatch
    path: str  # relative to the repository's top level, as in the commit
    commit: str
    author_date: str  # ISO 8601
    snippet: str  # the added line, redacted
    present: bool = False  # still in the working tree's copy of the file
    present_line: int | None = None
    allowed: bool = False  # the working tree's line carries a secrets suppression comment
    commits: int = 1  # how many commits added this secret at this path
    blob: str = ""  # the file version that added it


@dataclass
class HistoryScan:
    toplevel: Path
    hits: list[HistoryHit] = field(default_factory=list)
    stats: HistoryStats = field(default_factory=HistoryStats)
    duration: float = 0.0

    @property
    def commits(self) -> int:
        return self.stats.commits

    @property
    def blobs(self) -> int:
        return self.stats.blobs

    @property
    def lines(self) -> int:
        return self.stats.lines


def repository_toplevel(path: Path) -> Path:
    try:
        return open_repository(path).toplevel
    except GitError as error:
        raise HistoryError(str(error)) from None


def _scan_diff(diff: FileVersion) -> list[tuple[SecretMatch, str]]:
    if diff.path.lower().endswith(_SKIP_SUFFIXES):
        return []
    kind = classify(diff.path)
    python = kind is TextKind.PYTHON
    matches = find_secrets(diff.lines, kind, diff.path, python_lines=range(len(diff.lines)) if python else None)
    found = []
    for match in matches:
        line_text = diff.lines[match.line - 1]
        same_line = [(m.start, m.end) for m in matches if m.line == match.line]
        real = diff.numbers[match.line - 1]
        found.append((_renumber(match, real), redact_spans(line_text, same_line).rstrip()[:400]))
    return found


def _renumber(match: SecretMatch, line: int) -> SecretMatch:
    return replace(match, line=line)


def _silences(suppression: Suppression, code: str) -> bool:
    if suppression.origin in (SuppressionOrigin.ALLOWLIST_SECRET, SuppressionOrigin.GITLEAKS):
        return True
    if suppression.origin is SuppressionOrigin.BASTION:
        return not suppression.ids or any(code.startswith(i) for i in suppression.ids)
    return False


class _WorkingTree:
    """Answers "is this secret still in the file?" from the working tree, reading each file once."""

    def __init__(self, toplevel: Path, max_size: int) -> None:
        self.toplevel = toplevel
        self.max_size = max_size
        self._texts: dict[str, str | None] = {}
        self._suppressions: dict[str, list[Suppression]] = {}

    def text(self, path: str) -> str | None:
        if path not in self._texts:
            try:
                raw = read_regular_file(self.toplevel / path, max_size=self.max_size)
                self._texts[path] = None if b"\x00" in raw[:8192] else raw.decode("utf-8", "replace")
            except OSError:
                self._texts[path] = None
        return self._texts[path]

    def locate(self, path: str, value: str) -> int | None:
        text = self.text(path)
        if text is None:
            return None
        text = text.replace("\r\n", "\n")
        position = text.find(value.replace("\r\n", "\n"))
        return None if position < 0 else text.count("\n", 0, position) + 1

    def suppressions(self, path: str) -> list[Suppression]:
        """The file's suppression comments; in Python each covers its whole statement, as in a scan."""
        if path not in self._suppressions:
            self._suppressions[path] = self._read_suppressions(path)
        return self._suppressions[path]

    def _read_suppressions(self, path: str) -> list[Suppression]:
        text = self.text(path)
        if text is None:
            return []
        tree = None
        if classify(path) is TextKind.PYTHON:
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                tree = None
        return find_suppressions(text, python_tree=tree)


def scan_history(path: Path, *, codes: frozenset[str] | None = None, max_size: int = DEFAULT_MAX_SIZE) -> HistoryScan:
    """Scan every commit reachable from any ref (or HEAD) of the repository holding `path`; file versions over
    `max_size` bytes are counted, not read."""
    started = time.perf_counter()
    try:
        repository = open_repository(path)
    except GitError as error:
        raise HistoryError(str(error)) from None
    toplevel = repository.toplevel
    scan = HistoryScan(toplevel)
    first: dict[tuple[str, str], HistoryHit] = {}
    try:
        for version in repository.file_versions(max_size=max_size, stats=scan.stats):
            for match, snippet in _scan_diff(version):
                if codes is not None and match.code not in codes:
                    continue
                key = (secret_hash(match.value), version.path)
                if key in first:
                    first[key].commits += 1
                    continue
                first[key] = HistoryHit(
                    match, version.path, version.commit, version.author_date, snippet, blob=version.blob
                )
    except GitError as error:
        raise HistoryError(str(error)) from None
    confirmed = _confirm_python_literals(repository, list(first.values()), max_size)
    first = {key: hit for key, hit in first.items() if hit in confirmed}
    tree = _WorkingTree(toplevel, max_size)
    for hit in first.values():
        hit.present_line = tree.locate(hit.path, hit.match.value)
        hit.present = hit.present_line is not None
        if hit.present_line is not None:
            hit.allowed = any(
                suppression.covers(hit.present_line) and _silences(suppression, hit.match.code)
                for suppression in tree.suppressions(hit.path)
            )
    scan.hits = sorted(first.values(), key=lambda h: (h.path, h.match.line, h.commit))
    scan.duration = time.perf_counter() - started
    return scan


# Name-based findings (a literal given to a secret-like name). A Python diff line cannot say whether it is code or
# text inside a docstring or a test's table of strings; the working tree's scan reads the syntax tree, and so does
# the history's, for the file versions that have such a hit.
_NAME_BASED = frozenset({"SEC201", "SEC202"})


def _confirm_python_literals(repository: Repository, hits: list[HistoryHit], max_size: int) -> list[HistoryHit]:
    """Keep a name-based hit in a Python file only when the file version's syntax tree gives that literal to a
    secret-like name on that line (as the working-tree scan would); an unparseable version keeps its hits."""
    kept: list[HistoryHit] = []
    literals_by_blob: dict[str, set[tuple[int, str]] | None] = {}
    for hit in hits:
        if hit.match.code not in _NAME_BASED or classify(hit.path) is not TextKind.PYTHON or not hit.blob:
            kept.append(hit)
            continue
        if hit.blob not in literals_by_blob:
            literals_by_blob[hit.blob] = _python_literals(repository.read_blob(hit.blob, max_size=max_size))
        literals = literals_by_blob[hit.blob]
        if literals is None or (hit.match.line, hit.match.value) in literals:
            kept.append(hit)
    return kept


def _python_literals(source: bytes | None) -> set[tuple[int, str]] | None:
    """(line, value) of every literal a Python file version gives to a secret-like name; None if unparseable."""
    if source is None:
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
        return None
    found: set[tuple[int, str]] = set()
    parents: list[tuple[ast.AST, ast.AST | None]] = [(tree, None)]
    while parents:
        node, parent = parents.pop()
        if isinstance(node, NODE_TYPES):
            for literal in literal_secrets(node, parent, lambda _expr: None):
                for line in range(literal.node.lineno, (literal.node.end_lineno or literal.node.lineno) + 1):
                    found.add((line, literal.value))
        parents.extend((child, node) for child in ast.iter_child_nodes(node))
    return found
