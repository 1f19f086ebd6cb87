"""Lock files: `poetry.lock`, `uv.lock`, `pdm.lock`, `pylock.toml` (PEP 751) and `Pipfile.lock`.

A lock pins every package, transitive ones included, each in its own entry: one dependency per entry, placed at
the entry's `name` line (the line that brings the package in). Entries from git, a URL or a local path are not
auditable; a lock's own project (uv's `source = { editable = "." }`) is not a PyPI package at all.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Iterator, Mapping
from typing import Any

from bastion.core import patterns
from bastion.deps.model import Dependency, DependencyKind, Manifest, ManifestKind, ManifestProblem
from bastion.deps.sources.base import DependencySource, file_name, items, load_toml, str_value, table
from bastion.deps.sources.locate import Span, TomlLines, json_key_line
from bastion.deps.sources.pep508 import redact_credentials, snippet
from bastion.deps.versions import normalise_name, pinned_version
from bastion.source.reading import split_lines

_PYLOCK_NAME = patterns.compile(r"^pylock\.([^.]+\.)?toml$")


def _entries(data: Mapping[str, Any], lines: TomlLines, key: str) -> Iterator[tuple[Mapping[str, Any], int]]:
    """Each `[[key]]` entry and the line of its `name` key."""
    entries = [entry for entry in items(data.get(key)) if isinstance(entry, Mapping)]
    spans: list[Span | None] = list(lines.array_tables(key))
    if len(spans) != len(entries):
        spans = [None] * len(entries)  # an inline array of tables: place each by its name string instead
    for entry, span in zip(entries, spans, strict=True):
        name = str_value(entry.get("name"))
        if span is not None:
            line = lines.key("name", lines.body(span)) or span.start
        else:
            line = lines.string(name, 1, len(lines.lines)) or 1
        yield entry, line


def _lock_manifest(
    path: str, kind: ManifestKind, lines: TomlLines, dependencies: list[Dependency], problems: list[ManifestProblem]
) -> Manifest:
    anchor = min((d.line for d in dependencies), default=1)
    return Manifest(
        path=path,
        kind=kind,
        dependencies=tuple(dependencies),
        problems=tuple(problems),
        anchor_line=anchor,
        anchor_text=snippet(lines.line(anchor)),
    )


def _missing_name(line: int) -> ManifestProblem:
    return ManifestProblem(line, "a package entry without a name; skipped", not_audited=True)


def _entry(
    entry: Mapping[str, Any],
    line: int,
    lines: TomlLines,
    *,
    kind: DependencyKind,
    reference: str = "",
    version: str | None = None,
    hashes: int = 0,
    group: str = "",
    marker: str = "",
) -> Dependency:
    name = str_value(entry.get("name"))
    return Dependency(
        name=normalise_name(name),
        display_name=name,
        line=line,
        line_text=snippet(lines.line(line)),
        specifier=f"=={version}" if version else "",
        version=version if kind is DependencyKind.REGISTRY else None,
        marker=marker,
        kind=kind,
        reference=redact_credentials(reference),
        hashes=hashes,
        group=group,
    )


# poetry.lock `[package.source] type`; "legacy" is a private package index, whose packages carry PyPI versions
# and are audited as such.
_POETRY_SOURCE_KINDS = {
    "git": DependencyKind.VCS,
    "directory": DependencyKind.PATH,
    "file": DependencyKind.PATH,
    "url": DependencyKind.URL,
}


class _TomlLockSource(DependencySource):
    """A TOML lock file: an array of tables (`[[package]]`), one entry per locked package."""

    entries_key = "package"

    def parse(self, text: str, path: str) -> Manifest:
        data, failed = load_toml(text, path, self.kind)
        if data is None:
            assert failed is not None
            return failed
        lines = TomlLines(text)
        dependencies, problems = [], []
        for entry, line in _entries(data, lines, self.entries_key):
            if str_value(entry.get("name")):
                dependencies.append(self.dependency(entry, line, lines))
            else:
                problems.append(_missing_name(line))
        return _lock_manifest(path, self.kind, lines, dependencies, problems)

    @abstractmethod
    def dependency(self, entry: Mapping[str, Any], line: int, lines: TomlLines) -> Dependency:
        """The dependency one entry (with a name) locks."""


class PoetryLockSource(_TomlLockSource):
    kind = ManifestKind.POETRY_LOCK

    def matches(self, rel: str) -> bool:
        return file_name(rel) == "poetry.lock"

    def dependency(self, entry: Mapping[str, Any], line: int, lines: TomlLines) -> Dependency:
        source = table(entry.get("source"))
        groups = [g for g in items(entry.get("groups")) if isinstance(g, str)] or [str_value(entry.get("category"))]
        return _entry(
            entry,
            line,
            lines,
            kind=_POETRY_SOURCE_KINDS.get(str_value(source.get("type")), DependencyKind.REGISTRY),
            reference=str_value(source.get("url")),
            version=str_value(entry.get("version")) or None,
            hashes=len(items(entry.get("files"))),
            group=",".join(g for g in groups if g and g != "main"),
            marker=str_value(entry.get("markers")),
        )


class UvLockSource(_TomlLockSource):
    kind = ManifestKind.UV_LOCK

    def matches(self, rel: str) -> bool:
        return file_name(rel) == "uv.lock"

    def dependency(self, entry: Mapping[str, Any], line: int, lines: TomlLines) -> Dependency:
        kind, reference = _uv_source(table(entry.get("source")))
        hashes = len(items(entry.get("wheels"))) + (1 if isinstance(entry.get("sdist"), Mapping) else 0)
        version = str_value(entry.get("version")) or None
        return _entry(entry, line, lines, kind=kind, reference=reference, version=version, hashes=hashes)


def _uv_source(source: Mapping[str, Any]) -> tuple[DependencyKind, str]:
    if "registry" in source:
        return DependencyKind.REGISTRY, ""
    for key in ("editable", "virtual"):
        # The workspace's own members: the project being locked, not something from PyPI.
        if key in source:
            return DependencyKind.PROJECT, str_value(source.get(key))
    if "git" in source:
        return DependencyKind.VCS, str_value(source.get("git"))
    if "url" in source:
        return DependencyKind.URL, str_value(source.get("url"))
    for key in ("path", "directory"):
        if key in source:
            return DependencyKind.PATH, str_value(source.get(key))
    return DependencyKind.REGISTRY, ""


class PdmLockSource(_TomlLockSource):
    kind = ManifestKind.PDM_LOCK

    def matches(self, rel: str) -> bool:
        return file_name(rel) == "pdm.lock"

    def dependency(self, entry: Mapping[str, Any], line: int, lines: TomlLines) -> Dependency:
        kind, reference = DependencyKind.REGISTRY, ""
        for key, source_kind in (
            ("git", DependencyKind.VCS),
            ("url", DependencyKind.URL),
            ("path", DependencyKind.PATH),
        ):
            if isinstance(entry.get(key), str):
                kind, reference = source_kind, entry[key]
                break
        groups = [g for g in items(entry.get("groups")) if isinstance(g, str) and g != "default"]
        return _entry(
            entry,
            line,
            lines,
            kind=kind,
            reference=reference,
            version=str_value(entry.get("version")) or None,
            hashes=len(items(entry.get("files"))),
            group=",".join(groups),
            marker=str_value(entry.get("marker")),
        )


class PylockSource(_TomlLockSource):
    """PEP 751 `pylock.toml` and `pylock.<name>.toml`."""

    kind = ManifestKind.PYLOCK
    entries_key = "packages"

    def matches(self, rel: str) -> bool:
        return bool(_PYLOCK_NAME.match(file_name(rel)))

    def dependency(self, entry: Mapping[str, Any], line: int, lines: TomlLines) -> Dependency:
        kind, reference = _pylock_source(entry)
        files = [w for w in items(entry.get("wheels")) if isinstance(w, Mapping)] + [table(entry.get("sdist"))]
        return _entry(
            entry,
            line,
            lines,
            kind=kind,
            reference=reference,
            version=str_value(entry.get("version")) or None,
            hashes=sum(1 for file in files if table(file.get("hashes"))),
            marker=str_value(entry.get("marker")),
        )


def _pylock_source(entry: Mapping[str, Any]) -> tuple[DependencyKind, str]:
    vcs = table(entry.get("vcs"))
    if vcs:
        return DependencyKind.VCS, str_value(vcs.get("url")) or str_value(vcs.get("path"))
    directory = table(entry.get("directory"))
    if directory:
        return DependencyKind.PATH, str_value(directory.get("path"))
    archive = table(entry.get("archive"))
    if archive:
        if str_value(archive.get("url")):
            return DependencyKind.URL, str_value(archive.get("url"))
        return DependencyKind.PATH, str_value(archive.get("path"))
    return DependencyKind.REGISTRY, ""


class PipfileLockSource(DependencySource):
    """`Pipfile.lock` (JSON): the `default` and `develop` sections."""

    kind = ManifestKind.PIPFILE_LOCK

    def matches(self, rel: str) -> bool:
        return file_name(rel) == "Pipfile.lock"

    def parse(self, text: str, path: str) -> Manifest:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as error:
            line = getattr(error, "lineno", None)
            problem = ManifestProblem(
                line, f"not valid JSON: {str(error).split(':')[0]}; not audited", not_audited=True
            )
            return Manifest(path, self.kind, problems=(problem,))
        if not isinstance(data, Mapping):
            problem = ManifestProblem(1, "not a Pipfile.lock (no JSON object); not audited", not_audited=True)
            return Manifest(path, self.kind, problems=(problem,))
        lines = split_lines(text)
        dependencies: list[Dependency] = []
        for section, group in (("default", ""), ("develop", "dev")):
            section_line = json_key_line(lines, section) or 0
            for name, entry in table(data.get(section)).items():
                if not isinstance(entry, Mapping):
                    continue
                line = json_key_line(lines, name, section_line) or section_line or 1
                dependencies.append(self._dependency(name, entry, line, lines[line - 1] if lines else "", group))
        anchor = min((d.line for d in dependencies), default=1)
        return Manifest(
            path=path,
            kind=self.kind,
            dependencies=tuple(dependencies),
            anchor_line=anchor,
            anchor_text=snippet(lines[anchor - 1] if lines else ""),
        )

    @staticmethod
    def _dependency(name: str, entry: Mapping[str, Any], line: int, line_text: str, group: str) -> Dependency:
        kind, reference = DependencyKind.REGISTRY, ""
        for key, source_kind in (("git", DependencyKind.VCS), ("hg", DependencyKind.VCS), ("svn", DependencyKind.VCS)):
            if isinstance(entry.get(key), str):
                kind, reference = source_kind, entry[key]
        if kind is DependencyKind.REGISTRY:
            if isinstance(entry.get("path"), str):
                kind, reference = DependencyKind.PATH, entry["path"]
            elif isinstance(entry.get("file"), str):
                kind, reference = DependencyKind.URL, entry["file"]
        specifier = str_value(entry.get("version"))
        return Dependency(
            name=normalise_name(name),
            display_name=name,
            line=line,
            line_text=snippet(line_text),
            specifier=specifier,
            version=pinned_version(specifier) if kind is DependencyKind.REGISTRY else None,
            marker=str_value(entry.get("markers")),
            kind=kind,
            reference=redact_credentials(reference),
            hashes=len(items(entry.get("hashes"))),
            group=group,
            editable=entry.get("editable") is True,
        )
