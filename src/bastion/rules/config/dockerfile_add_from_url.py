"""CFG404: `ADD` of a remote URL without a checksum."""

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

_URL = patterns.compile(r"(^|\s)https?://", ignore_case=True)


class DockerfileAddFromUrl(TextRule):
    """## What it does
    Finds `ADD https://...` (or `http://`) without `--checksum=sha256:...`.

    ## Why is this bad?
    The file is downloaded at build time with nothing to check it against: whoever controls the server, the DNS or
    the network path decides what goes into the image. `ADD` also unpacks nothing from URLs, so `COPY` of a
    vendored, reviewed file is usually the better choice.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    ADD https://example.org/tool.tar.gz /opt/
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    ADD --checksum=sha256:0000000000000000000000000000000000000000000000000000000000000000 \\
        https://example.org/tool.tar.gz /opt/
    ```

    ## References
    - [Docker: ADD --checksum](https://docs.docker.com/reference/dockerfile/#add---checksum)
    - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    """

    code = "CFG404"
    slug = "dockerfile-add-from-url"
    summary = "`ADD` of a remote URL without a checksum"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (494, 829)
    fix_hint = "add --checksum=sha256:<digest>, or COPY a vendored file"
    tags = ("docker", "deployment", "supply-chain")

    def applies_to(self, file: SourceFile) -> bool:
        return is_dockerfile(PurePosixPath(file.rel).name)

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        for instruction in parse_dockerfile(document.text):
            if instruction.keyword != "ADD" or "--checksum" in instruction.arguments:
                continue
            if _URL.search(instruction.arguments):
                yield ctx.finding(self, instruction.line, "ADD downloads a remote file with no checksum to verify it")
