"""Dependency sources, one parser per manifest format behind one interface (`DependencySource`)."""

from __future__ import annotations

from bastion.deps.model import Manifest
from bastion.deps.sources.base import DependencySource
from bastion.deps.sources.locks import PdmLockSource, PipfileLockSource, PoetryLockSource, PylockSource, UvLockSource
from bastion.deps.sources.pyproject import PyprojectSource
from bastion.deps.sources.requirements import RequirementsInSource, RequirementsSource, parse_requirements

SOURCES: tuple[DependencySource, ...] = (
    RequirementsSource(),
    RequirementsInSource(),
    PyprojectSource(),
    PoetryLockSource(),
    UvLockSource(),
    PdmLockSource(),
    PylockSource(),
    PipfileLockSource(),
)


def source_for(rel: str) -> DependencySource | None:
    """The source that reads the file at `rel` (relative, `/`-separated), or None when none does."""
    return next((source for source in SOURCES if source.matches(rel)), None)


def parse_manifest(rel: str, text: str) -> Manifest | None:
    source = source_for(rel)
    return source.parse(text, rel) if source is not None else None


__all__ = ["SOURCES", "DependencySource", "parse_manifest", "parse_requirements", "source_for"]
