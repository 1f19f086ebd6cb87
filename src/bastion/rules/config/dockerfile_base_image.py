"""CFG402: base image not pinned (`latest`) or a full-size Python image."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from bastion.concepts.deploy import dockerfile_stages, image_problems, is_dockerfile, parse_dockerfile
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import TextContext, TextRule
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument


class DockerfileBaseImage(TextRule):
    """## What it does
    Finds `FROM` lines with the `latest` tag or no tag at all (and no digest), and a final stage built on the full
    official `python` image instead of a `-slim` (or `-alpine`) variant. Variables (`FROM python:${PY}`), earlier
    stage names and `scratch` are left alone; a full image in a build stage is fine.

    ## Why is this bad?
    `latest` is whatever was pushed last: builds stop being reproducible and a new major version (or a compromised
    push) arrives unreviewed. The full Python image carries compilers and hundreds of Debian packages the app never
    uses, each one more vulnerability to patch and more tooling for an intruder.

    ## Example
    ```dockerfile
    FROM python:latest
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    ```

    ## References
    - [Docker: Choose the right base image](https://docs.docker.com/build/building/best-practices/#choose-the-right-base-image)
    - [Docker: Pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    - [CWE-1357: Reliance on Insufficiently Trustworthy Component](https://cwe.mitre.org/data/definitions/1357.html)
    """

    code = "CFG402"
    slug = "dockerfile-base-image"
    summary = "Base image not pinned (`latest`) or a full-size Python image"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    cwe = (1357, 1104)
    fix_hint = "pin a version tag (or digest) of a slim image: python:3.12-slim"
    tags = ("docker", "deployment")

    def applies_to(self, file: SourceFile) -> bool:
        return is_dockerfile(PurePosixPath(file.rel).name)

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        stages = dockerfile_stages(parse_dockerfile(document.text))
        names = {stage.name.lower() for stage in stages if stage.name}
        for position, stage in enumerate(stages):
            problems = image_problems(stage, position == len(stages) - 1, names)
            if problems:
                yield ctx.finding(self, stage.line, "; ".join(problems))
