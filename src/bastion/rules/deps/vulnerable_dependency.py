"""DEP101: a pinned dependency with a known vulnerability (OSV), reported at the line that pins it."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.fix import Applicability
from bastion.core.notice import NoticeKind
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.deps.aliases import AdvisoryGroup
from bastion.deps.audit import PackageReport, audit_packages
from bastion.deps.model import Dependency, DependencyKind, Manifest, PackageVersion
from bastion.deps.services.factory import online_service
from bastion.deps.services.interface import DatabaseError, ServiceError, VulnerabilityService
from bastion.deps.versions import lower_bound, parse_version
from bastion.rules.base import ProjectContext
from bastion.rules.deps.project import (
    UNLOCKED_KINDS,
    DependencyRule,
    ProjectDependencies,
    dependencies_of,
    location_of,
)
from bastion.rules.deps.upgrade import upgrade_fix

_NOT_FROM_PYPI = {
    DependencyKind.VCS: "a version-control reference",
    DependencyKind.URL: "a URL",
    DependencyKind.PATH: "a local path",
}


class VulnerableDependency(DependencyRule):
    """## What it does
    Audits every pinned dependency in requirements files, `pyproject.toml` and lock files (`poetry.lock`,
    `uv.lock`, `pdm.lock`, `Pipfile.lock`, `pylock.toml`) against the OSV advisory database, online or from a
    local copy (`--db`), and reports each known vulnerability at the line that pins the package, with its ids
    and aliases (PYSEC, GHSA and CVE shown together), the versions that fix it, and the smallest upgrade that
    fixes every known advisory of the package.

    An application's range that no lock file pins (`flask>=2.0` in a requirements file with no lock beside it) is
    audited at its lower bound, the oldest release it admits: a vulnerability there is reported one severity level
    lower than the same release pinned (pip installs the newest release the range admits, unless something holds
    the package back), with medium confidence, a message that names the range, and the advice to raise the lower
    bound. Where a lock file covers the manifest, the lock's pins are audited instead.

    ## Why is this bad?
    A published vulnerability comes with a description of how to exploit it. Old releases of web frameworks,
    template engines, YAML and HTTP libraries are among the first things attackers try.

    ## Example
    ```text file=requirements.txt
    flask==0.12.2
    ```

    ## Use instead
    ```text file=requirements.txt
    flask==2.2.5
    ```

    ## Fix safety
    When a release fixes every known advisory of the package, the fix raises the pin to the smallest such release
    (`flask==0.12.2` -> `flask==2.2.5`) in a requirements file or `pyproject.toml`; `bastion deps --fix` applies
    it (as does `bastion fix --unsafe-fixes`). It is unsafe: a newer release can change or remove what the code
    uses; run the tests. A lock file (`uv.lock`, `poetry.lock`, `pdm.lock`, `Pipfile.lock`, `pylock.toml`), a
    requirements file written by pip-compile or `uv pip compile`, and a pin with `--hash` belong to the tool that
    writes them: the fix is then the command to run (`uv lock --upgrade-package 'flask==2.2.5'`), shown, never
    applied. No fix when no release fixes every advisory.

    ## References
    - [OSV: the Open Source Vulnerability database](https://osv.dev/)
    - [PyPA Advisory Database](https://github.com/pypa/advisory-database)
    - [CWE-1395: Dependency on Vulnerable Third-Party Component](https://cwe.mitre.org/data/definitions/1395.html)
    """

    code = "DEP101"
    slug = "vulnerable-dependency"
    summary = "a pinned dependency (or an unlocked range's lower bound) has a known vulnerability"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (1395,)
    fix_hint = "upgrade the package to a release that fixes the advisory"
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.UNSAFE

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        assembled = self.dependencies(project)
        audited = list(self._auditable(project, assembled))
        if not audited:
            return
        service = _service(project)
        if service is None:
            _per_manifest(
                project, audited, NoticeKind.AUDIT_SKIPPED, "dependency audit skipped (--offline without --db)"
            )
            return
        try:
            reports = audit_packages([package for _, _, package in audited], service)
        except ServiceError as error:
            if isinstance(error, DatabaseError):
                hint = "point --db at a folder of OSV JSON files or at OSV's PyPI all.zip"
            else:
                hint = "give --db PATH (OSV JSON files or OSV's PyPI all.zip) to audit offline, or --offline to skip it"
            _per_manifest(
                project, audited, NoticeKind.SERVICE_UNAVAILABLE, f"the dependency audit did not run: {error}", hint
            )
            return
        for warning in service.warnings():
            project.notice(NoticeKind.INFO, warning)
        for manifest, dependency, package in audited:
            report = reports[package]
            for group in report.groups:
                yield self._finding(project, manifest, dependency, group, report, service)

    def _auditable(
        self, project: ProjectContext, assembled: ProjectDependencies
    ) -> Iterator[tuple[Manifest, Dependency, PackageVersion]]:
        """The pinned PyPI dependencies to audit; a notice for each one that cannot be."""
        for manifest, dependency in dependencies_of(assembled.manifests):
            kind = dependency.kind
            if kind is DependencyKind.PROJECT:
                continue
            if kind in _NOT_FROM_PYPI:
                where = f" ({dependency.reference})" if dependency.reference else ""
                project.notice(
                    NoticeKind.INFO,
                    f"`{dependency.display_name}` comes from {_NOT_FROM_PYPI[kind]}{where}, not a PyPI release: "
                    "not audited for known vulnerabilities",
                    path=manifest.path,
                    line=dependency.line,
                )
                continue
            version = dependency.version
            if version is None:
                # A range no lock file pins: its lower bound is the oldest release it lets in (reported lower than a
                # pin, since pip picks the newest); a range elsewhere, or no version, names nothing to look up.
                version = _unlocked_lower_bound(manifest, dependency, assembled)
                if version is None:
                    continue
            if parse_version(version) is None:
                project.notice(
                    NoticeKind.NOT_AUDITED,
                    f"`{dependency.display_name}` is pinned to `{version}`, not a PEP 440 version: not audited",
                    path=manifest.path,
                    line=dependency.line,
                )
                continue
            if not assembled.applies(dependency):
                project.notice(
                    NoticeKind.INFO,
                    f"{dependency.label}: environment marker `{dependency.marker}` is false on this platform, so "
                    "it is not installed here and was not audited (`evaluate-markers = false` in "
                    "[tool.bastion.deps] audits it anyway)",
                    path=manifest.path,
                    line=dependency.line,
                )
                continue
            yield manifest, dependency, PackageVersion(dependency.name, version)

    def _finding(
        self,
        project: ProjectContext,
        manifest: Manifest,
        dependency: Dependency,
        group: AdvisoryGroup,
        report: PackageReport,
        service: VulnerabilityService,
    ) -> Finding:
        aliases = f" ({', '.join(group.aliases)})" if group.aliases else ""
        summary = f": {group.summary}" if group.summary else ""
        severity = group.severity
        level = severity.level if severity.level > Severity.INFO else Severity.LOW
        fix = None
        if dependency.version is None:
            # A range whose lower bound is vulnerable: weaker than a vulnerable pin (pip installs the newest release
            # the range admits, unless something holds it back), so one level lower and no automatic edit.
            version = report.package.version
            message = (
                f"`{dependency.display_name}{dependency.specifier}` admits {dependency.display_name} {version} (its "
                f"lower bound), which has a known vulnerability, {group.id}{aliases}{summary}"
            )
            level = max(Severity.LOW, _one_level_lower(level))
            confidence = Confidence.MEDIUM
        else:
            version = dependency.version
            message = f"{dependency.display_name} {version} has a known vulnerability, {group.id}{aliases}{summary}"
            confidence = Confidence.HIGH
            if report.smallest_fix is not None:
                fix = upgrade_fix(manifest, dependency, report.smallest_fix, project.document(manifest.path))
        return project.finding(
            self,
            location_of(manifest, dependency.line, dependency.line_text),
            message,
            severity=level,
            confidence=confidence,
            fix_hint=_fix_hint(dependency, group, report),
            snippet=dependency.line_text,
            context=f"{dependency.name}:{group.key}",
            properties={
                "package": dependency.name,
                "version": version,
                "specifier": dependency.specifier,
                "pinned": dependency.version is not None,
                "manifest": manifest.path,
                "dependency_group": dependency.group,
                "id": group.id,
                "aliases": list(group.aliases),
                "ids": list(group.ids),
                "summary": group.summary,
                "fixed_versions": list(group.fixed_versions),
                "smallest_fix": report.smallest_fix,
                "severity_source": severity.source,
                "cvss_score": severity.score,
                "cvss_vector": severity.vector,
                "url": group.url,
                "database": service.description,
            },
            fix=fix,
        )


_LEVELS = (Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)


def _one_level_lower(level: Severity) -> Severity:
    return _LEVELS[max(0, _LEVELS.index(level) - 1)]


def _unlocked_lower_bound(manifest: Manifest, dependency: Dependency, assembled: ProjectDependencies) -> str | None:
    """The lower bound of an application's range that no lock file pins (`flask>=2.0` -> 2.0), else None."""
    if manifest.kind not in UNLOCKED_KINDS or manifest.library or assembled.has_lock(manifest):
        return None
    if dependency.kind is not DependencyKind.REGISTRY or not dependency.specifier:
        return None
    return lower_bound(dependency.specifier)


def _fix_hint(dependency: Dependency, group: AdvisoryGroup, report: PackageReport) -> str:
    name = dependency.display_name
    if dependency.version is None:
        if report.smallest_fix is not None:
            return (
                f"raise the lower bound to {report.smallest_fix} (`{name}>={report.smallest_fix}`), or lock the project"
            )
        return f"no fixed release of {name} is known: exclude the affected versions, or replace it"
    if report.smallest_fix is not None:
        count = len(report.groups)
        scope = (
            "it" if count == 1 else "both" if count == 2 else f"all {count} advisories of {name} {dependency.version}"
        )
        return f"upgrade {name} to {report.smallest_fix}, the smallest release that fixes {scope}"
    if group.fixed_versions:
        return (
            f"{group.id} is fixed in {', '.join(group.fixed_versions)}, but no release is known to fix every "
            f"advisory of {name}: upgrade and review, or replace it"
        )
    return f"no fixed release of {name} is known: replace it, or remove it if it is not needed"


def _per_manifest(
    project: ProjectContext,
    audited: list[tuple[Manifest, Dependency, PackageVersion]],
    kind: NoticeKind,
    what: str,
    hint: str = "",
) -> None:
    """One notice per manifest whose pins were not checked, at its first pin: each file's gap is its own finding
    (BST106/BST107), which a baseline can accept file by file. Ranges audited at their lower bound are not counted:
    what they install was never known."""
    by_manifest: dict[str, list[Dependency]] = {}
    for manifest, dependency, _ in audited:
        if dependency.version is not None:
            by_manifest.setdefault(manifest.path, []).append(dependency)
    for path, dependencies in sorted(by_manifest.items()):
        count = len(dependencies)
        project.notice(
            kind,
            f"{what}; {count} pinned package{'s' if count != 1 else ''} here (first: {dependencies[0].label}) "
            f"{'were' if count != 1 else 'was'} not checked for known vulnerabilities" + (f" ({hint})" if hint else ""),
            path=path,
            line=min(dependency.line for dependency in dependencies),
        )


def _service(project: ProjectContext) -> VulnerabilityService | None:
    services = project.services
    if services.vulnerabilities is not None:
        return services.vulnerabilities
    if services.offline:
        return None
    # The advisory server is the user's choice, never the scanned project's: its `osv-url` is not read here.
    return online_service(timeout=project.config.deps.timeout)
