"""CFG411: an image that lets users run commands as root through sudo without a password."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from bastion.concepts.deploy import is_dockerfile, parse_dockerfile
from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import TextContext, TextRule
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument

# A sudoers rule that waives the password: `user ALL=(ALL) NOPASSWD: /usr/bin/find`, `%group ALL=NOPASSWD:ALL`.
_PASSWORDLESS_RULE = patterns.compile(r"\bNOPASSWD\s*:")
_SUDOERS = patterns.compile(r"/etc/sudoers|\bvisudo\b")
# Development containers give their user sudo on purpose: they are not what gets deployed.
_DEVELOPMENT_DIRECTORIES = frozenset({".devcontainer", ".gitpod", "devcontainer"})


class DockerfilePasswordlessSudo(TextRule):
    """## What it does
    Finds `RUN` instructions of a Dockerfile that write a sudoers rule with `NOPASSWD` (`echo 'app ALL=(ALL)
    NOPASSWD: /usr/bin/find' >> /etc/sudoers`, or into `/etc/sudoers.d/`). Development containers
    (`.devcontainer/`) are not checked: they give their user sudo on purpose.

    ## Why is this bad?
    The image runs as an unprivileged user so that code execution in the app does not mean root. A passwordless
    sudo rule undoes that: whoever runs code as the app's user runs the allowed program as root, and most programs
    (`find -exec`, `vim`, `less`, `python`, `tar`, `cp`) run any command or write any file for them.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y sudo \
        && echo 'ALL ALL=(ALL) NOPASSWD: /usr/bin/find' > /etc/sudoers.d/find
    RUN useradd -m app
    USER app
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd -m app
    USER app
    ```

    ## References
    - [sudoers(5): NOPASSWD](https://www.sudo.ws/docs/man/sudoers.man/#Tag_Spec)
    - [GTFOBins: find](https://gtfobins.github.io/gtfobins/find/)
    - [CWE-250: Execution with Unnecessary Privileges](https://cwe.mitre.org/data/definitions/250.html)
    """

    code = "CFG411"
    slug = "dockerfile-passwordless-sudo"
    summary = "Image lets users run commands as root through sudo without a password"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (250, 269)
    fix_hint = "remove the NOPASSWD sudoers rule; give the app's user only the files and capabilities it needs"
    tags = ("docker", "deployment")

    def applies_to(self, file: SourceFile) -> bool:
        path = PurePosixPath(file.rel)
        return is_dockerfile(path.name) and not _DEVELOPMENT_DIRECTORIES.intersection(path.parts[:-1])

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        for instruction in parse_dockerfile(document.text):
            if instruction.keyword != "RUN":
                continue
            arguments = instruction.arguments
            if _PASSWORDLESS_RULE.search(arguments) and _SUDOERS.search(arguments):
                yield ctx.finding(
                    self,
                    instruction.line,
                    "a sudoers rule with NOPASSWD: any code running as the image's user runs the allowed "
                    "commands as root",
                )
