"""Repository hygiene: files that hold secrets by their nature (`.env`, private keys, cloud credentials) and
are tracked by git or not covered by `.gitignore`.

With a git repository, its index and ignore files answer (read through `bastion.source.git`, which runs no
program); without one, the `.gitignore` files between the project root and the file are read with pathspec. A
tracked file stays in history even once ignored, so "tracked" is reported whatever `.gitignore` says.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pathspec

from bastion.core import patterns
from bastion.secrets.filters import Candidate, Verdict, judge
from bastion.secrets.names import is_secret_name
from bastion.source.discovery import path_excluded
from bastion.source.files import read_file_head, read_text_file

if TYPE_CHECKING:
    from bastion.source.git import Repository

_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tmpl", ".defaults", ".schema")
_TEMPLATE_PREFIXES = ("template.", "example.", "sample.")
_ASSIGNMENT = patterns.compile(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(?P<value>.*?)\s*$")
_KEY_FILE = patterns.compile(r"^id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?$")
_PRIVATE_KEY_MARK = b"PRIVATE KEY"


@dataclass(frozen=True)
class SensitiveFile:
    rel: str  # relative to the project root
    what: str  # "environment file", "private key" ...


def sensitive_kind(rel: str, head: bytes | None = None) -> str | None:
    """What secret-holding file `rel` is, or None. `head`, when given, is the file's first bytes: `.pem` and
    `.key` files count only if they hold a private key (a certificate is public), environment files only if they
    set a secret-like variable to a value (`COMPOSE_PROJECT_NAME=shop` is committed on purpose)."""
    name = rel.rsplit("/", 1)[-1]
    lower = name.lower()
    if lower.endswith(_TEMPLATE_SUFFIXES) or lower.startswith(_TEMPLATE_PREFIXES):
        return None
    # `.flaskenv` is Flask's file of public settings, meant to be committed (secrets go in `.env`).
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
        if head is not None and not environment_sets_secret(head):
            return None
        return "environment file"
    if _KEY_FILE.match(lower):
        return "SSH private key"
    if lower.endswith((".pem", ".key")):
        if head is not None and _PRIVATE_KEY_MARK not in head:
            return None
        return "private key file"
    if lower.endswith((".p12", ".pfx", ".jks", ".keystore")):
        return "key store"
    if lower in ("credentials.json", "client_secret.json", "service-account.json", "service_account.json"):
        return "cloud credentials file"
    if lower.startswith(("service-account", "service_account")) and lower.endswith(".json"):
        return "cloud credentials file"
    if lower in (".pypirc", ".netrc", ".pgpass", ".htpasswd", ".git-credentials"):
        return "credentials file"
    return None


def environment_sets_secret(content: bytes) -> bool:
    """Whether an environment file sets a secret-like variable to a value that is not a placeholder, a template
    or a reference to where the secret lives."""
    for raw in content.decode("utf-8", "replace").splitlines():
        match = _ASSIGNMENT.match(raw)
        if match is None or raw.lstrip().startswith("#") or not is_secret_name(match.group("name")):
            continue
        value = match.group("value").split(" #", 1)[0].strip().strip("\"'")
        if value and judge(Candidate(value, generic=True, name=match.group("name")))[0] is not Verdict.DROP:
            return True
    return False


def read_head(path: Path, size: int = 65536) -> bytes | None:
    """The first bytes of a regular file; None for anything else (a link, a FIFO: never followed, never waited on)."""
    try:
        return read_file_head(path, size)
    except OSError:
        return None


class GitView:
    """What git says about files under `root`: tracked or not, ignored or not."""

    def __init__(self, root: Path, repository: Repository, tracked: set[str]) -> None:
        self.root = root
        self.repository = repository
        self.toplevel = repository.toplevel
        self.tracked = tracked  # paths relative to `root`
        try:
            self._prefix = root.resolve().relative_to(self.toplevel).as_posix()
        except ValueError:
            self._prefix = ""

    def ignored(self, rels: Sequence[str]) -> set[str]:
        """Which of `rels` (relative to `root`) the repository's ignore files ignore."""
        prefix = "" if self._prefix in ("", ".") else self._prefix + "/"
        return {rel for rel in rels if self.repository.is_ignored(prefix + rel)}


def git_view(root: Path) -> GitView | None:
    """The git view of `root`, or None when it is not in a git work tree (or its index cannot be read)."""
    start = root.resolve()
    if not any(os.path.lexists(directory / ".git") for directory in (start, *start.parents)):
        return None  # no repository to open, and libgit2 need not even be loaded
    from bastion.source.git import GitError, open_repository

    try:
        repository = open_repository(root)
        listed = repository.tracked_paths()
    except GitError:
        return None
    return GitView(root, repository, tracked_under(root.resolve(), repository.toplevel, listed))


def tracked_under(root: Path, toplevel: Path, listed: Iterable[str]) -> set[str]:
    """The index's paths (`listed`, relative to `toplevel`) that lie under `root`, made relative to it. Git keeps
    them normalised (no `.`, `..` or doubled slash), so a prefix test does what `Path.relative_to` would, at a
    fraction of its cost (a scan pays this for every tracked file, changed or not)."""
    try:
        prefix = root.relative_to(toplevel).as_posix()
    except ValueError:
        return set()
    if prefix == ".":
        return set(listed)
    start = len(prefix) + 1
    tracked = {name[start:] for name in listed if name.startswith(prefix) and name[len(prefix) : start] == "/"}
    if prefix in listed:
        tracked.add(".")
    return tracked


def gitignore_covers(root: Path, rel: str) -> bool:
    """Without git: whether a `.gitignore` between `root` and the file ignores it (deeper files win)."""
    parts = rel.split("/")
    verdict = False
    for depth in range(len(parts)):
        directory = root.joinpath(*parts[:depth])
        try:
            lines = read_text_file(directory / ".gitignore", errors="replace").splitlines()
        except OSError:  # none, or not a regular file
            continue
        result = pathspec.GitIgnoreSpec.from_lines(lines).check_file("/".join(parts[depth:]))
        if result.include is not None:
            verdict = bool(result.include)
    return verdict


@dataclass(frozen=True)
class HygieneProblem:
    rel: str
    what: str
    tracked: bool  # True: tracked by git; False: not covered by .gitignore


def hygiene_problems(root: Path, discovered: Iterable[str], excludes: Sequence[str] = ()) -> list[HygieneProblem]:
    """Secret-holding files under `root` that git tracks or that no `.gitignore` covers. Tracked files are
    looked at even when `.gitignore` now hides them from the scan; the configured `excludes` still apply."""
    view = git_view(root)
    candidates = set(discovered)
    if view is not None:
        spec = pathspec.GitIgnoreSpec.from_lines(excludes)
        candidates |= {rel for rel in view.tracked if sensitive_kind(rel) is not None and not path_excluded(spec, rel)}
    kinds = {}
    for rel in sorted(candidates):
        if sensitive_kind(rel) is None:
            continue
        kind = sensitive_kind(rel, read_head(root / rel))
        if kind is not None:
            kinds[rel] = kind
    problems = []
    if view is not None:
        untracked = [rel for rel in kinds if rel not in view.tracked]
        ignored = view.ignored(untracked)
        for rel, kind in kinds.items():
            if rel in view.tracked:
                problems.append(HygieneProblem(rel, kind, tracked=True))
            elif rel not in ignored:
                problems.append(HygieneProblem(rel, kind, tracked=False))
        return problems
    return [HygieneProblem(rel, kind, tracked=False) for rel, kind in kinds.items() if not gitignore_covers(root, rel)]
