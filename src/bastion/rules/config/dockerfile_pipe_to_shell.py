"""CFG405: a downloaded script piped into a shell (`curl ... | sh`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from bastion.concepts.deploy import is_dockerfile, parse_dockerfile, pipes_to_shell
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import TextContext, TextRule
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument


class DockerfilePipeToShell(TextRule):
    """## What it does
    Finds `RUN` instructions that download a script and run it in one go: `curl ... | sh`, `wget -O- ... | bash`,
    `sh -c "$(curl ...)"`, `curl ... | python`.

    ## Why is this bad?
    The script runs as root during the build without ever being looked at or checked against a digest; a
    compromised server, DNS answer or CDN runs whatever it likes in your image, and a connection dropped half-way
    runs half a script.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN curl -sSL https://example.org/install.sh | sh
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    COPY install.sh /tmp/install.sh
    RUN sh /tmp/install.sh
    ```

    ## References
    - [Docker: Dockerfile best practices, using pipes](https://docs.docker.com/build/building/best-practices/#using-pipes)
    - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    """

    code = "CFG405"
    slug = "dockerfile-pipe-to-shell"
    summary = "Downloaded script piped into a shell (`curl | sh`)"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (494,)
    fix_hint = "download to a file, verify its checksum, then run it (or COPY a vendored copy)"
    tags = ("docker", "deployment", "supply-chain")

    def applies_to(self, file: SourceFile) -> bool:
        return is_dockerfile(PurePosixPath(file.rel).name)

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        for instruction in parse_dockerfile(document.text):
            if instruction.keyword == "RUN" and pipes_to_shell(instruction.arguments):
                yield ctx.finding(self, instruction.line, "a downloaded script is run without being verified")
