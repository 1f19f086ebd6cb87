"""The project's dependencies, assembled once per scan for every DEP rule.

From the manifests the workers parsed: `-r` includes are followed (once each, so cycles end; inside the project
root only), files that are only ever named by `-c` are constraints and set aside (they limit versions, they add
no package), installed environments (`bastion deps --env`) are added, and each manifest is told whether a lock
file covers it. Problems found on the way become notices.

A manifest is covered by a lock when it is one (`poetry.lock`, `uv.lock`, `pdm.lock`, `Pipfile.lock`,
`pylock*.toml`, Rye's `requirements*.lock`, or a requirements file written by pip-compile/uv or pinned throughout
with hashes), when one of those lock files sits in its directory, or, for a pip-tools `x.in`, when `x.txt` sits
beside it.
"""

from __future__ import annotations

import posixpath
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bastion.core import patterns
from bastion.core.finding import Location
from bastion.core.notice import Notice, NoticeKind
from bastion.deps.audit import marker_applies
from bastion.deps.model import Dependency, Manifest, ManifestKind
from bastion.deps.sources.requirements import parse_requirements
from bastion.rules.base import ProjectContext, ProjectRule
from bastion.rules.deps.collector import ManifestCollector
from bastion.source.files import read_text_file

# Manifests that declare an application's own dependencies: where no lock covers them, a range decides what is
# installed (DEP201 reports the range, DEP101 audits its lower bound).
UNLOCKED_KINDS = frozenset({ManifestKind.REQUIREMENTS, ManifestKind.REQUIREMENTS_IN, ManifestKind.PYPROJECT})

LOCK_FILE_NAMES = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock", "requirements.lock")
_URL = patterns.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class ProjectDependencies:
    manifests: tuple[Manifest, ...]  # by path; constraint-only files left out, included files added
    locked: frozenset[str]  # paths of the manifests a lock file covers
    notices: tuple[Notice, ...]
    evaluate_markers: bool = True

    def has_lock(self, manifest: Manifest) -> bool:
        return manifest.path in self.locked

    def applies(self, dependency: Dependency) -> bool:
        """Whether the dependency's environment marker holds here (always, with `evaluate-markers = false`)."""
        return not self.evaluate_markers or marker_applies(dependency)

    def emit_notices(self, project: ProjectContext) -> None:
        # Every DEP rule emits them, so that any selection reports them; the scan drops the duplicates.
        project.notices.extend(self.notices)


class DependencyRule(ProjectRule):
    """The base of the DEP rules: they read the manifests the collector parsed, assembled once per scan."""

    tags = ("dependency", "supply-chain")
    collectors = (ManifestCollector,)

    def dependencies(self, project: ProjectContext) -> ProjectDependencies:
        assembled = project_dependencies(project)
        assembled.emit_notices(project)
        return assembled


_cache: tuple[weakref.ReferenceType[ProjectContext], ProjectDependencies] | None = None


def project_dependencies(project: ProjectContext) -> ProjectDependencies:
    """The assembled dependencies of this scan, computed by the first DEP rule that asks and shared after."""
    global _cache
    if _cache is not None and _cache[0]() is project:
        return _cache[1]
    assembled = _Assembly(project).run()
    _cache = (weakref.ref(project), assembled)
    return assembled


class _Assembly:
    def __init__(self, project: ProjectContext) -> None:
        self.project = project
        self.root = project.root.resolve()
        self.manifests: dict[str, Manifest] = {
            rel: manifest for rel, manifest in project.facts_of(ManifestCollector).items() if manifest is not None
        }
        self.notices: list[Notice] = []
        self.required: set[str] = set()
        self.constraints: set[str] = set()

    def run(self) -> ProjectDependencies:
        self._follow_includes()
        kept = [
            manifest
            for rel, manifest in sorted(self.manifests.items())
            if not (rel in self.constraints and rel not in self.required)
        ]
        kept.extend(self.project.services.environments)
        for manifest in kept:
            for problem in manifest.problems:
                kind = NoticeKind.NOT_AUDITED if problem.not_audited else NoticeKind.INFO
                self.notices.append(Notice(kind, problem.message, manifest.path, problem.line))
        locked = frozenset(manifest.path for manifest in kept if self._has_lock(manifest))
        return ProjectDependencies(tuple(kept), locked, tuple(self.notices), self.project.config.deps.evaluate_markers)

    def _follow_includes(self) -> None:
        # Each file is read once (a file already known is never read again), so include cycles end.
        queue = sorted(rel for rel, manifest in self.manifests.items() if manifest.includes)
        while queue:
            manifest = self.manifests[queue.pop(0)]
            for include in manifest.includes:
                target = self._resolve(manifest, include.target, include.line)
                if target is None:
                    continue
                (self.constraints if include.constraint else self.required).add(target)
                if include.constraint or target in self.manifests:
                    continue
                text = self._read(target)
                if text is None:
                    self.notices.append(
                        Notice(
                            NoticeKind.NOT_AUDITED,
                            f"included file `{include.target}` not found or unreadable; its requirements were not "
                            "audited",
                            manifest.path,
                            include.line,
                        )
                    )
                    continue
                self.manifests[target] = parse_requirements(text, target)
                queue.append(target)

    def _resolve(self, manifest: Manifest, target: str, line: int) -> str | None:
        """The included file's path relative to the root, or None (with a notice) when it is not followed."""
        if _URL.match(target):
            reason = "remote includes are not fetched"
        else:
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(manifest.path), target.replace("\\", "/")))
            absolute = (self.root / joined).resolve() if not posixpath.isabs(joined) else Path(joined).resolve()
            if absolute.is_relative_to(self.root):
                return absolute.relative_to(self.root).as_posix()
            reason = "it is outside the project"
        self.notices.append(
            Notice(
                NoticeKind.NOT_AUDITED,
                f"included file `{target}` not followed: {reason}; its requirements were not audited",
                manifest.path,
                line,
            )
        )
        return None

    def _read(self, rel: str) -> str | None:
        if self.project.file(rel) is not None:
            document = self.project.document(rel)
            return document.text if document is not None else None
        try:
            return read_text_file(self.root / rel, max_size=self.project.config.max_file_size, errors="replace")
        except OSError:  # missing, not a regular file (a link, a FIFO), too large
            return None

    def _has_lock(self, manifest: Manifest) -> bool:
        if manifest.is_lock or manifest.kind is ManifestKind.ENVIRONMENT:
            return True
        directory = self.root / posixpath.dirname(manifest.path)
        if manifest.kind is ManifestKind.REQUIREMENTS_IN:
            compiled = directory / (posixpath.basename(manifest.path)[: -len(".in")] + ".txt")
            if compiled.is_file():
                return True
        return any(_exists(directory / name) for name in LOCK_FILE_NAMES) or any(directory.glob("pylock*.toml"))


def _exists(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def dependencies_of(manifests: Iterable[Manifest]) -> Iterable[tuple[Manifest, Dependency]]:
    for manifest in manifests:
        for dependency in manifest.dependencies:
            yield manifest, dependency


def location_of(manifest: Manifest, line: int, line_text: str) -> Location:
    """Where a dependency finding points: the declaring line, at its first non-blank character."""
    column = len(line_text) - len(line_text.lstrip()) + 1 if line_text.strip() else 1
    return Location(manifest.path, line, column)
