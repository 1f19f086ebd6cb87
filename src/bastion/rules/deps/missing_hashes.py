"""DEP202: a requirements file whose pins carry no `--hash`, so pip cannot check what it downloads."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.deps.model import Dependency, DependencyKind, Manifest, ManifestKind
from bastion.rules.base import ProjectContext
from bastion.rules.deps.project import DependencyRule, location_of


class RequirementsWithoutHashes(DependencyRule):
    """## What it does
    Finds requirements files (`requirements*.txt`) that pin packages without `--hash` values. A file with no
    hash at all is reported once, at its first requirement (info); in a file where some requirements have hashes
    (or that says `--require-hashes`), each requirement without one is reported (low), since pip's hash-checking
    mode then refuses to install the file at all.

    ## Why is this bad?
    A version pin says which release to install, not which bytes: a compromised index, mirror or proxy can serve
    a different file under the same name and version. With `--hash`, pip refuses any file whose digest differs
    from the one that was reviewed.

    ## Example
    ```text file=requirements.txt
    flask==2.2.5
    ```

    ## Use instead
    ```text file=requirements.txt
    flask==2.2.5 --hash=sha256:7eb373984bf1c770023fce9db164ed0c3353cd0b53f130f4693da0ca756a2e6d
    ```

    ## References
    - [pip: Secure installs (hash-checking mode)](https://pip.pypa.io/en/stable/topics/secure-installs/)
    - [pip-tools: --generate-hashes](https://pip-tools.readthedocs.io/)
    - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    """

    code = "DEP202"
    slug = "requirements-without-hashes"
    summary = "a requirements file pins packages without hashes"
    severity = Severity.INFO
    confidence = Confidence.HIGH
    cwe = (494,)
    fix_hint = "generate hashes: pip-compile --generate-hashes, or uv pip compile --generate-hashes"

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        assembled = self.dependencies(project)
        for manifest in assembled.manifests:
            if manifest.kind is not ManifestKind.REQUIREMENTS:
                continue
            registry = [d for d in manifest.dependencies if d.kind is DependencyKind.REGISTRY]
            if not any(d.pinned for d in registry):
                continue
            if manifest.require_hashes or any(d.hashes for d in registry):
                yield from self._each_missing(project, manifest, registry)
            else:
                yield project.finding(
                    self,
                    location_of(manifest, manifest.anchor_line, manifest.anchor_text),
                    f"{manifest.path} pins {len(registry)} package(s) without --hash: pip cannot check that the "
                    "files it downloads are the ones that were reviewed",
                    snippet=manifest.anchor_text,
                    context="whole-file",
                    properties={"manifest": manifest.path, "packages": len(registry)},
                )

    def _each_missing(
        self, project: ProjectContext, manifest: Manifest, registry: list[Dependency]
    ) -> Iterator[Finding]:
        for dependency in registry:
            if dependency.hashes:
                continue
            yield project.finding(
                self,
                location_of(manifest, dependency.line, dependency.line_text),
                f"`{dependency.display_name}` has no --hash while other requirements of this file do: pip's "
                "hash-checking mode refuses to install the file",
                severity=Severity.LOW,
                snippet=dependency.line_text,
                context=dependency.name,
                properties={"package": dependency.name, "manifest": manifest.path},
            )
