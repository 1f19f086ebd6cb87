"""Secrets in git history: every commit reachable from any ref, added lines only, each blob once.

One `git log --all -p -U0` stream is read (no checkout, no per-commit process): for each file a commit adds or
changes, the added lines go through the same engine as the working tree (provider shapes, private keys, config
values, entropy; Python files with SEC201's line form, as there is no whole syntax tree for a hunk). A file
version (blob) already scanned in another commit (a cherry-pick, a merge of the same change) is skipped. Each
secret is reported once per path, at the oldest commit that added it, with the author date, the line in that
commit, and whether the secret is still in the working tree's copy of the file.
"""

from __future__ import annotations

import ast
import os
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bastion.secrets.engine import SecretMatch, find_secrets
from bastion.secrets.filekinds import TextKind, classify
from bastion.secrets.python_literals import NODE_TYPES, literal_secrets
from bastion.secrets.redaction import redact_spans, secret_hash
from bastion.source.suppressions import Suppression, SuppressionOrigin, find_suppressions

_COMMIT_MARK = b"\x00"
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
    commits: int = 0
    blobs: int = 0
    lines: int = 0
    duration: float = 0.0


def _git(repo: Path, *arguments: str, timeout: float = 60.0) -> str:
    try:
        completed = subprocess.run(
            ["git", "-C", str(repo), *arguments], capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise HistoryError("git is not installed (the history scan runs the git command)") from None
    except subprocess.TimeoutExpired:
        raise HistoryError(f"git {arguments[0]} took longer than {timeout:.0f} s") from None
    if completed.returncode != 0:
        reason = completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else "unknown error"
        raise HistoryError(f"{repo}: {reason}")
    return completed.stdout


def repository_toplevel(path: Path) -> Path:
    directory = path if path.is_dir() else path.parent
    try:
        output = _git(directory, "rev-parse", "--show-toplevel")
    except HistoryError as error:
        raise HistoryError(f"{path} is not inside a git repository ({error})") from None
    return Path(output.strip())


@dataclass
class _FileDiff:
    commit: str
    date: str
    path: str = ""
    blob: str = ""
    numbers: list[int] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _unquote_path(raw: str) -> str:
    if raw.startswith('"') and raw.endswith('"'):
        return (
            raw[1:-1]
            .encode("latin-1", "backslashreplace")
            .decode("unicode_escape")
            .encode("latin-1")
            .decode("utf-8", "replace")
        )
    return raw


def _diffs(stream: Iterator[bytes], counts: HistoryScan) -> Iterator[_FileDiff]:
    """File diffs with their added lines, from `git log -p -U0` output."""
    commit, date = "", ""
    current: _FileDiff | None = None
    next_line = 0
    for raw in stream:
        first = raw[:1]
        if first == b"+" and current is not None and current.path:
            if raw.startswith(b"+++ "):
                continue
            current.numbers.append(next_line)
            current.lines.append(raw[1:].rstrip(b"\r\n").decode("utf-8", "replace"))
            next_line += 1
            continue
        if first == b"@" and raw.startswith(b"@@ "):
            # @@ -a,b +c,d @@: the added lines that follow start at line c of the new file.
            plus = raw.split(b" ", 3)[2]
            next_line = int(plus[1:].split(b",", 1)[0] or b"0")
            continue
        if first == _COMMIT_MARK:
            if current is not None and current.lines:
                yield current
            current = None
            header = raw[1:].decode("utf-8", "replace").strip().split(" ", 1)
            commit, date = header[0], header[1] if len(header) > 1 else ""
            counts.commits += 1
            continue
        if raw.startswith(b"diff --git "):
            if current is not None and current.lines:
                yield current
            current = _FileDiff(commit, date)
            continue
        if current is None:
            continue
        if raw.startswith(b"index "):
            current.blob = raw.split(b" ")[1].split(b"..")[-1].decode("ascii", "replace").strip()
        elif raw.startswith(b"+++ "):
            target = raw[4:].rstrip(b"\r\n").decode("utf-8", "replace")
            target = _unquote_path(target)
            current.path = target[2:] if target.startswith("b/") else ""
    if current is not None and current.lines:
        yield current


def _scan_diff(diff: _FileDiff) -> list[tuple[SecretMatch, str]]:
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
    from dataclasses import replace

    return replace(match, line=line)


def _silences(suppression: Suppression, code: str) -> bool:
    if suppression.origin in (SuppressionOrigin.ALLOWLIST_SECRET, SuppressionOrigin.GITLEAKS):
        return True
    if suppression.origin is SuppressionOrigin.BASTION:
        return not suppression.ids or any(code.startswith(i) for i in suppression.ids)
    return False


class _WorkingTree:
    """Answers "is this secret still in the file?" from the working tree, reading each file once."""

    def __init__(self, toplevel: Path) -> None:
        self.toplevel = toplevel
        self._texts: dict[str, str | None] = {}
        self._suppressions: dict[str, list[Suppression]] = {}

    def text(self, path: str) -> str | None:
        if path not in self._texts:
            try:
                raw = (self.toplevel / path).read_bytes()
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


def scan_history(
    path: Path, *, revisions: Sequence[str] = ("--all",), codes: frozenset[str] | None = None
) -> HistoryScan:
    """Scan every commit reachable from `revisions` (default: all refs) of the repository holding `path`."""
    started = time.perf_counter()
    toplevel = repository_toplevel(path)
    scan = HistoryScan(toplevel)
    command = [
        "git",
        "-C",
        str(toplevel),
        "-c",
        "core.quotepath=false",
        "log",
        *revisions,
        "--reverse",
        "-p",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--no-renames",
        "--full-index",
        "--diff-filter=AMCT",
        "--format=%x00%H %aI",
    ]
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
        )
    except FileNotFoundError:
        raise HistoryError("git is not installed (the history scan runs the git command)") from None
    assert process.stdout is not None
    seen_blobs: set[str] = set()
    first: dict[tuple[str, str], HistoryHit] = {}
    for diff in _diffs(iter(process.stdout.readline, b""), scan):
        if diff.blob and diff.blob in seen_blobs:
            continue
        seen_blobs.add(diff.blob)
        scan.blobs += 1
        scan.lines += len(diff.lines)
        for match, snippet in _scan_diff(diff):
            if codes is not None and match.code not in codes:
                continue
            key = (secret_hash(match.value), diff.path)
            if key in first:
                first[key].commits += 1
                continue
            first[key] = HistoryHit(match, diff.path, diff.commit, diff.date, snippet, blob=diff.blob)
    _, errors = process.communicate()
    if process.returncode != 0:
        message = errors.decode("utf-8", "replace").strip().splitlines()
        raise HistoryError(f"git log failed: {message[-1] if message else 'unknown error'}")
    confirmed = _confirm_python_literals(toplevel, list(first.values()))
    first = {key: hit for key, hit in first.items() if hit in confirmed}
    tree = _WorkingTree(toplevel)
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


def _confirm_python_literals(toplevel: Path, hits: list[HistoryHit]) -> list[HistoryHit]:
    """Keep a name-based hit in a Python file only when the file version's syntax tree gives that literal to a
    secret-like name on that line (as the working-tree scan would); an unparseable version keeps its hits."""
    kept: list[HistoryHit] = []
    literals_by_blob: dict[str, set[tuple[int, str]] | None] = {}
    for hit in hits:
        if hit.match.code not in _NAME_BASED or classify(hit.path) is not TextKind.PYTHON or not hit.blob:
            kept.append(hit)
            continue
        if hit.blob not in literals_by_blob:
            literals_by_blob[hit.blob] = _python_literals(toplevel, hit.blob)
        literals = literals_by_blob[hit.blob]
        if literals is None or (hit.match.line, hit.match.value) in literals:
            kept.append(hit)
    return kept


def _python_literals(toplevel: Path, blob: str) -> set[tuple[int, str]] | None:
    """(line, value) of every literal a Python file version gives to a secret-like name; None if unparseable."""
    try:
        source = _git(toplevel, "cat-file", "blob", blob)
        tree = ast.parse(source)
    except (HistoryError, SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
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
