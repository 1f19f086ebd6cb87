"""The values that cross the dependency sources' interface: manifests and the dependencies they declare.

Every value here is a frozen dataclass of plain data, so that it pickles from the per-file workers to the
project phase and compares by value in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ManifestKind(str, Enum):
    """What kind of file declared the dependencies; decides how they are audited and which hygiene applies."""

    REQUIREMENTS = "requirements"  # requirements*.txt
    REQUIREMENTS_IN = "requirements-in"  # *.in, pip-tools' input files
    PYPROJECT = "pyproject"
    POETRY_LOCK = "poetry.lock"
    PIPFILE_LOCK = "Pipfile.lock"
    UV_LOCK = "uv.lock"
    PDM_LOCK = "pdm.lock"
    PYLOCK = "pylock"
    ENVIRONMENT = "environment"

    @property
    def is_lock(self) -> bool:
        """A lock file pins every package, transitive ones included, by construction."""
        return self in _LOCK_KINDS


_LOCK_KINDS = frozenset(
    {
        ManifestKind.POETRY_LOCK,
        ManifestKind.PIPFILE_LOCK,
        ManifestKind.UV_LOCK,
        ManifestKind.PDM_LOCK,
        ManifestKind.PYLOCK,
    }
)


class DependencyKind(str, Enum):
    """Where a dependency comes from. Only `REGISTRY` dependencies have a PyPI version to audit."""

    REGISTRY = "registry"
    VCS = "vcs"
    URL = "url"
    PATH = "path"
    PROJECT = "project"  # a lock file's own project (uv's `source = { editable = "." }`)

    @property
    def auditable(self) -> bool:
        return self is DependencyKind.REGISTRY


@dataclass(frozen=True, slots=True)
class Dependency:
    """One dependency as a manifest declares it, and the line that declares it.

    `name` is PEP 503-normalised (`Flask_Cors` -> `flask-cors`); `display_name` is as written. `version` is set
    only when the declaration allows exactly one version (`==3.2.0`, `===9.0.0`, a lock file's `version`).
    """

    name: str
    display_name: str
    line: int
    line_text: str = ""
    specifier: str = ""
    version: str | None = None
    extras: tuple[str, ...] = ()
    marker: str = ""
    kind: DependencyKind = DependencyKind.REGISTRY
    reference: str = ""  # the URL or path of a non-registry dependency
    hashes: int = 0
    group: str = ""  # "" for the main dependencies; "dev", "extra:docs", "group:test" ...
    editable: bool = False

    @property
    def pinned(self) -> bool:
        return self.version is not None

    @property
    def label(self) -> str:
        """`django 3.2.0`, or the name alone when nothing is pinned."""
        return f"{self.name} {self.version}" if self.version else self.name


@dataclass(frozen=True, slots=True)
class Include:
    """A `-r FILE` (requirements) or `-c FILE` (constraints) line of a requirements file."""

    target: str  # as written, relative to the including file's directory
    line: int
    constraint: bool


@dataclass(frozen=True, slots=True)
class ManifestProblem:
    """Something in a manifest that could not be understood; becomes a notice, never a crash.

    `not_audited`: what the line (or the file, with no line) declares was not audited at all, so the dependency
    audit is incomplete there (a BST108 finding), unlike a problem that was worked around (an unknown option).
    """

    line: int | None
    message: str
    not_audited: bool = False


@dataclass(frozen=True, slots=True)
class Manifest:
    """A parsed manifest or lock file. `path` is relative to the project root, with forward slashes."""

    path: str
    kind: ManifestKind
    dependencies: tuple[Dependency, ...] = ()
    includes: tuple[Include, ...] = ()
    problems: tuple[ManifestProblem, ...] = ()
    # The line that file-level findings point at (the first declaration), 1 when there is none.
    anchor_line: int = 1
    anchor_text: str = ""
    # A requirements file written by pip-compile or `uv pip compile`: a lock in all but name.
    generated: bool = False
    require_hashes: bool = False
    # A pyproject.toml that builds a distribution: a library's, whose ranges are right and left alone.
    library: bool = False

    @property
    def is_lock(self) -> bool:
        if self.kind.is_lock:
            return True
        if self.kind is not ManifestKind.REQUIREMENTS:
            return False
        # A requirements file that pins every requirement with hashes is what `pip-compile --generate-hashes`
        # writes: it locks as well as a lock file does.
        registry = [d for d in self.dependencies if d.kind.auditable]
        fully_hashed = bool(registry) and all(d.pinned and d.hashes for d in registry)
        return self.generated or fully_hashed or _exported_lock(registry)


@dataclass(frozen=True, slots=True, order=True)
class PackageVersion:
    """A question for a vulnerability service: this package (PEP 503 name) at this version."""

    name: str
    version: str


def _exported_lock(registry: list[Dependency]) -> bool:
    """What `pipenv requirements` or `poetry export` writes from a lock: every requirement pinned exactly, nearly every
    one with the environment marker the lock recorded for it (`asgiref==3.11.1; python_version >= '3.9'`). A
    hand-written file pins what it names and rarely marks more than a platform-specific line or two."""
    if len(registry) < 5 or not all(d.pinned for d in registry):
        return False
    return sum(1 for d in registry if d.marker) * 5 >= len(registry) * 4
