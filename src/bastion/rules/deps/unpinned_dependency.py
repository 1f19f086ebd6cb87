"""DEP201: an application dependency that is not pinned to one version, with no lock file to pin it."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.deps.model import DependencyKind, ManifestKind
from bastion.deps.versions import lower_bound
from bastion.rules.base import ProjectContext
from bastion.rules.deps.project import UNLOCKED_KINDS, DependencyRule, dependencies_of, location_of


class UnpinnedDependency(DependencyRule):
    """## What it does
    Finds application dependencies declared with no version (`numpy`) or with a range (`flask>=2.0`,
    `django~=4.2`) in requirements files and `pyproject.toml`, when no lock file in the same directory pins what
    is installed (`poetry.lock`, `uv.lock`, `pdm.lock`, `Pipfile.lock`, `pylock.toml`, or a requirements file
    compiled by pip-compile or uv).

    A `pyproject.toml` that builds a distribution (it has a `[build-system]`) is a library's: ranges are what a
    library should declare, and the rule leaves it alone. One with no `[build-system]`, or that says it is not
    packaged (Poetry's `package-mode = false`, `[tool.uv] package = false`, `[tool.pdm] distribution = false`),
    is an application's.

    ## Why is this bad?
    Without a pin, each install takes whatever release is newest that day: a deployment can silently pick up a
    release with a new vulnerability, or one published by an attacker who took over the package, and nobody
    reviewed the change. It also means bastion cannot say which version is installed, so it cannot say whether
    that version has a known vulnerability.

    Severity says which it is: a dependency with no version, or a range with no lower bound (`<3`, `!=1.5`), is
    low; a range with a lower bound (`>=2.0`, `~=2.0`, `==2.*`) is info, because `DEP101` audits that lower bound
    (the oldest release the range admits) and reports it, one level below a vulnerable pin, when it has a known
    vulnerability. Where a lock file covers the manifest, the lock decides the installed version: nothing is
    reported here, and `DEP101` audits the lock's pins.

    ## Example
    ```text file=requirements.txt
    flask>=2.0
    ```

    ## Use instead
    ```text file=requirements.txt
    flask==2.2.5
    ```

    ## References
    - [pip: Repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/)
    - [CWE-1357: Reliance on Insufficiently Trustworthy Component](https://cwe.mitre.org/data/definitions/1357.html)
    """

    code = "DEP201"
    slug = "unpinned-dependency"
    summary = "an application dependency is not pinned and no lock file pins it"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    cwe = (1357,)
    fix_hint = "pin the exact version (==), or lock the project (uv lock, poetry lock, pip-compile)"

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        assembled = self.dependencies(project)
        for manifest, dependency in dependencies_of(assembled.manifests):
            if manifest.kind not in UNLOCKED_KINDS or manifest.library or assembled.has_lock(manifest):
                continue
            if dependency.kind is not DependencyKind.REGISTRY or dependency.pinned or not assembled.applies(dependency):
                continue
            name = dependency.display_name
            severity = Severity.LOW
            floor = lower_bound(dependency.specifier) if dependency.specifier else None
            if floor is not None:
                # The range names its oldest release, which DEP101 audits: what is left is reproducibility.
                severity = Severity.INFO
                message = (
                    f"`{name}{dependency.specifier}` is a range and no lock file pins it: each install takes the "
                    f"newest release it admits, unreviewed (its lower bound {floor} is audited, not what is installed)"
                )
            elif dependency.specifier:
                message = (
                    f"`{name}{dependency.specifier}` is a range with no lower bound and no lock file pins it: any "
                    "release it admits can be installed, and none is audited for known vulnerabilities"
                )
            else:
                message = (
                    f"`{name}` has no version and no lock file pins it: any release can be installed, and it is not "
                    "audited for known vulnerabilities"
                )
            yield project.finding(
                self,
                location_of(manifest, dependency.line, dependency.line_text),
                message,
                severity=severity,
                # An unpackaged pyproject.toml is most likely an application's, but less surely than requirements.
                confidence=Confidence.MEDIUM if manifest.kind is ManifestKind.PYPROJECT else Confidence.HIGH,
                snippet=dependency.line_text,
                context=f"{dependency.name}:{dependency.group}",
                properties={"package": dependency.name, "specifier": dependency.specifier, "manifest": manifest.path},
            )
