"""DEP201: an application dependency that is not pinned to one version, with no lock file to pin it."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.deps.model import DependencyKind, ManifestKind
from bastion.rules.base import ProjectContext
from bastion.rules.deps.project import DependencyRule, dependencies_of, location_of

_HYGIENE_KINDS = frozenset({ManifestKind.REQUIREMENTS, ManifestKind.REQUIREMENTS_IN, ManifestKind.PYPROJECT})


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
    reviewed the change. It also means bastion cannot say which version is audited: a range is not checked
    against the advisory database at all.

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
            if manifest.kind not in _HYGIENE_KINDS or manifest.library or assembled.has_lock(manifest):
                continue
            if dependency.kind is not DependencyKind.REGISTRY or dependency.pinned or not assembled.applies(dependency):
                continue
            name = dependency.display_name
            if dependency.specifier:
                message = (
                    f"`{name}{dependency.specifier}` is a range and no lock file pins it: the installed version can "
                    "change without review, and it is not audited for known vulnerabilities"
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
                # An unpackaged pyproject.toml is most likely an application's, but less surely than requirements.
                confidence=Confidence.MEDIUM if manifest.kind is ManifestKind.PYPROJECT else Confidence.HIGH,
                snippet=dependency.line_text,
                context=f"{dependency.name}:{dependency.group}",
                properties={"package": dependency.name, "specifier": dependency.specifier, "manifest": manifest.path},
            )
