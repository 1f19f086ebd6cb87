"""PEP 508 requirement strings (requirements files, pyproject.toml, lock metadata) to `Dependency` values."""

from __future__ import annotations

from packaging.requirements import InvalidRequirement, Requirement

from bastion.core import patterns
from bastion.deps.model import Dependency, DependencyKind, ManifestProblem
from bastion.deps.versions import normalise_name, pinned_version

_CREDENTIALS = patterns.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")
_URL_SCHEME = patterns.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+")
MAX_SNIPPET = 400


def redact_credentials(text: str) -> str:
    """`https://user:token@host/...` -> `https://****@host/...`: no credential is ever shown."""
    return _CREDENTIALS.sub(lambda m: m.group("scheme") + "****@", text)


def snippet(line: str) -> str:
    return redact_credentials(line.rstrip())[:MAX_SNIPPET]


def shorten(text: str) -> str:
    return text if len(text) <= 120 else text[:119] + "…"


def reference_kind(location: str) -> DependencyKind:
    """VCS (`git+https://...`), URL (an archive on a server) or PATH (a local file or folder)."""
    lowered = location.lower()
    if lowered.startswith(VCS_PREFIXES) or lowered.startswith("git://"):
        return DependencyKind.VCS
    if _URL_SCHEME.match(location) and not lowered.startswith("file:"):
        return DependencyKind.URL
    return DependencyKind.PATH


def dependency_from_pep508(
    text: str, *, line: int, line_text: str, group: str = "", hashes: int = 0
) -> tuple[Dependency | None, ManifestProblem | None]:
    """The dependency a PEP 508 string declares, or the problem that says why it cannot be read."""
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        reason = str(error).splitlines()[0] if str(error) else "invalid"
        shown = redact_credentials(shorten(text))
        return None, ManifestProblem(
            line, f"`{shown}` is not a valid requirement ({reason}); not audited", not_audited=True
        )
    kind = reference_kind(requirement.url) if requirement.url else DependencyKind.REGISTRY
    dependency = Dependency(
        name=normalise_name(requirement.name),
        display_name=requirement.name,
        line=line,
        line_text=snippet(line_text),
        specifier=str(requirement.specifier),
        version=pinned_version(requirement.specifier) if kind is DependencyKind.REGISTRY else None,
        extras=tuple(sorted(requirement.extras)),
        marker=str(requirement.marker) if requirement.marker else "",
        kind=kind,
        reference=redact_credentials(requirement.url or ""),
        hashes=hashes,
        group=group,
    )
    return dependency, None
