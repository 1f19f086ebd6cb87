"""`pyproject.toml`: PEP 621 `dependencies` and `optional-dependencies`, PEP 735 `dependency-groups` (with
`include-group`), and Poetry's `[tool.poetry.dependencies]`, `dev-dependencies` and `group.<name>.dependencies`.

Each declaration is one dependency at its own line; an `include-group` adds nothing new (the included group's
strings are declared, and audited, where they are written) but is checked: an unknown group or a cycle is a
problem. `[build-system] requires` is not audited (build tools, not the application).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bastion.core import patterns
from bastion.deps.model import Dependency, DependencyKind, Manifest, ManifestKind, ManifestProblem
from bastion.deps.sources.base import DependencySource, file_name, items, load_toml, str_value, table
from bastion.deps.sources.locate import Span, TomlLines
from bastion.deps.sources.pep508 import dependency_from_pep508, redact_credentials, snippet
from bastion.deps.versions import normalise_name, parse_version

_POETRY_SOURCES = (("git", DependencyKind.VCS), ("path", DependencyKind.PATH), ("url", DependencyKind.URL))
_POETRY_EXACT = patterns.compile(r"^={1,2}\s*(?P<version>[^\s,|<>!=~^*]+)$")


class _Collector:
    def __init__(self, lines: TomlLines) -> None:
        self.lines = lines
        self.dependencies: list[Dependency] = []
        self.problems: list[ManifestProblem] = []

    def pep508_array(self, values: Any, span: Span | None, key: str, group: str) -> None:
        """PEP 508 strings of one array, each placed at its own line (searched in order from the key's line)."""
        whole = Span(1, len(self.lines.lines))
        where = span or whole
        cursor = self.lines.key(key, where) or where.start
        for value in items(values):
            if not isinstance(value, str):
                continue
            line = self.lines.string(value, cursor, where.end) or self.lines.string(value, 1, whole.end) or cursor
            cursor = max(cursor, line) if line >= where.start else cursor
            dependency, problem = dependency_from_pep508(value, line=line, line_text=self.lines.line(line), group=group)
            if problem is not None:
                self.problems.append(problem)
            if dependency is not None:
                self.dependencies.append(dependency)

    def poetry_table(self, values: Mapping[str, Any], span: Span | None, group: str) -> None:
        for name, spec in values.items():
            if normalise_name(name) == "python":
                continue
            line = (self.lines.key(name, span) if span else None) or (span.start if span else 1)
            for entry in spec if isinstance(spec, list) else [spec]:
                self.dependencies.append(_poetry_dependency(name, entry, line, self.lines.line(line), group))


def _poetry_dependency(name: str, spec: Any, line: int, line_text: str, group: str) -> Dependency:
    constraint = ""
    marker = ""
    extras: tuple[str, ...] = ()
    kind = DependencyKind.REGISTRY
    reference = ""
    if isinstance(spec, str):
        constraint = spec.strip()
    elif isinstance(spec, Mapping):
        constraint = str_value(spec.get("version")).strip()
        marker = str_value(spec.get("markers"))
        extras = tuple(sorted(e for e in items(spec.get("extras")) if isinstance(e, str)))
        for key, source_kind in (
            ("git", DependencyKind.VCS),
            ("path", DependencyKind.PATH),
            ("url", DependencyKind.URL),
        ):
            if isinstance(spec.get(key), str):
                kind, reference = source_kind, redact_credentials(spec[key])
                break
    return Dependency(
        name=normalise_name(name),
        display_name=name,
        line=line,
        line_text=snippet(line_text),
        specifier=constraint,
        version=poetry_pinned_version(constraint) if kind is DependencyKind.REGISTRY else None,
        extras=extras,
        marker=marker,
        kind=kind,
        reference=reference,
        group=group,
    )


def poetry_pinned_version(constraint: str) -> str | None:
    """Poetry's constraint syntax: `1.2.3`, `=1.2.3` and `==1.2.3` pin; `^1.2`, `~1.2`, `1.2.*`, `>=1` do not."""
    constraint = constraint.strip()
    match = _POETRY_EXACT.match(constraint)
    candidate = match.group("version") if match else constraint
    if not candidate or any(ch in candidate for ch in "^~*<>!=,| "):
        return None
    return candidate if parse_version(candidate) is not None else None


def _group_problems(groups: Mapping[str, Any], line_of: Mapping[str, int]) -> Iterable[ManifestProblem]:
    """PEP 735 `include-group` entries that name no group, or that include themselves through others."""
    names = {normalise_name(name): name for name in groups}
    edges: dict[str, list[str]] = {}
    for name, entries in groups.items():
        for entry in items(entries):
            if isinstance(entry, Mapping) and isinstance(entry.get("include-group"), str):
                target = normalise_name(entry["include-group"])
                if target not in names:
                    line = line_of.get(name)
                    yield ManifestProblem(line, f"dependency group `{name}` includes unknown group `{target}`")
                else:
                    edges.setdefault(normalise_name(name), []).append(target)
    for start in sorted(edges):
        seen: set[str] = set()
        stack = list(edges[start])
        while stack:
            current = stack.pop()
            if current == start:
                yield ManifestProblem(line_of.get(names[start]), f"dependency group `{names[start]}` includes itself")
                break
            if current not in seen:
                seen.add(current)
                stack.extend(edges.get(current, ()))


def is_library(data: Mapping[str, Any]) -> bool:
    """Whether the project builds a distribution (a `[build-system]`) and does not say it is not packaged:
    Poetry's `package-mode = false`, uv's `package = false`, PDM's `distribution = false` mark applications."""
    tool = table(data.get("tool"))
    not_packaged = (
        table(tool.get("poetry")).get("package-mode") is False
        or table(tool.get("uv")).get("package") is False
        or table(tool.get("pdm")).get("distribution") is False
    )
    return bool(table(data.get("build-system"))) and not not_packaged


class PyprojectSource(DependencySource):
    kind = ManifestKind.PYPROJECT

    def matches(self, rel: str) -> bool:
        return file_name(rel) == "pyproject.toml"

    def parse(self, text: str, path: str) -> Manifest:
        data, failed = load_toml(text, path, self.kind)
        if data is None:
            assert failed is not None
            return failed
        lines = TomlLines(text)
        collector = _Collector(lines)
        project = table(data.get("project"))
        project_span = lines.table("project")
        collector.pep508_array(project.get("dependencies"), project_span, "dependencies", "")
        optional = table(project.get("optional-dependencies"))
        optional_span = lines.table("project", "optional-dependencies") or project_span
        for extra, values in optional.items():
            collector.pep508_array(values, optional_span, extra, f"extra:{extra}")
        groups = table(data.get("dependency-groups"))
        groups_span = lines.table("dependency-groups")
        for group, values in groups.items():
            strings = [v for v in items(values) if isinstance(v, str)]
            collector.pep508_array(strings, groups_span, group, f"group:{group}")
        if groups_span is not None:
            line_of = {group: lines.key(group, groups_span) or groups_span.start for group in groups}
        else:
            line_of = {}
        collector.problems.extend(_group_problems(groups, line_of))
        self._poetry(data, lines, collector)
        dependencies = tuple(collector.dependencies)
        anchor = min((d.line for d in dependencies), default=1)
        return Manifest(
            path=path,
            kind=self.kind,
            dependencies=dependencies,
            problems=tuple(collector.problems),
            anchor_line=anchor,
            anchor_text=snippet(lines.line(anchor)),
            library=is_library(data),
        )

    @staticmethod
    def _poetry(data: Mapping[str, Any], lines: TomlLines, collector: _Collector) -> None:
        poetry = table(table(data.get("tool")).get("poetry"))
        for key, group in (("dependencies", ""), ("dev-dependencies", "group:dev")):
            values = table(poetry.get(key))
            collector.poetry_table(values, lines.table("tool", "poetry", key), group)
        for group_name, group in table(poetry.get("group")).items():
            values = table(table(group).get("dependencies"))
            span = lines.table("tool", "poetry", "group", group_name, "dependencies")
            collector.poetry_table(values, span, f"group:{group_name}")
