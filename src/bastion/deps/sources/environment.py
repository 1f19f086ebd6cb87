"""The installed environment (`bastion deps --env`): every distribution `importlib.metadata` can see.

Nothing is imported or run: only metadata files are read. Each distribution is its own one-line manifest, placed
at the `Version:` line of its `METADATA` file, so that a finding points at a real file a user can open.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence
from pathlib import Path

from bastion.deps.model import Dependency, Manifest, ManifestKind
from bastion.deps.sources.pep508 import snippet
from bastion.deps.versions import normalise_name
from bastion.source.files import read_text_file


def installed_environment(paths: Sequence[str] | None = None, *, root: Path | None = None) -> tuple[Manifest, ...]:
    """One manifest per distribution on `paths` (default: `sys.path`), sorted by name. The first distribution
    of a name on the path wins, as it does for imports."""
    search = list(paths) if paths else None
    distributions = importlib.metadata.distributions(path=search) if search else importlib.metadata.distributions()
    found: dict[str, Manifest] = {}
    for distribution in distributions:
        name = distribution.metadata["Name"] if distribution.metadata else None
        if not name or normalise_name(name) in found:
            continue
        version = distribution.version
        path, line, line_text = _metadata_location(distribution, root)
        dependency = Dependency(
            name=normalise_name(name),
            display_name=name,
            line=line,
            line_text=snippet(line_text or f"Version: {version}"),
            specifier=f"=={version}",
            version=version,
        )
        found[dependency.name] = Manifest(
            path or f"(installed) {name}", ManifestKind.ENVIRONMENT, (dependency,), anchor_line=line
        )
    return tuple(found[name] for name in sorted(found))


def _metadata_location(distribution: importlib.metadata.Distribution, root: Path | None) -> tuple[str, int, str]:
    """(the METADATA file's path, relative to `root` when inside it; its `Version:` line number; that line)."""
    folder = getattr(distribution, "_path", None)  # PathDistribution's folder; there is no public accessor
    if not isinstance(folder, Path):
        return "", 1, ""
    metadata = folder / "METADATA" if (folder / "METADATA").is_file() else folder / "PKG-INFO"
    try:
        lines = read_text_file(metadata, follow_symlinks=True, errors="replace").splitlines()
    except OSError:
        return "", 1, ""
    number = next((n for n, line in enumerate(lines, start=1) if line.startswith("Version:")), 1)
    shown = metadata.resolve()
    if root is not None and shown.is_relative_to(root.resolve()):
        shown = shown.relative_to(root.resolve())
    return shown.as_posix(), number, lines[number - 1] if lines else ""
