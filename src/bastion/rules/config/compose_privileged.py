"""CFG406: a compose service runs privileged (or with the host's Docker socket or all capabilities)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from bastion.concepts.deploy import compose_entries, is_compose_file
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import TextContext, TextRule
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument

_DANGEROUS_CAPABILITIES = frozenset({"ALL", "SYS_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH"})


class ComposePrivileged(TextRule):
    """## What it does
    Finds docker-compose services with `privileged: true`, with `cap_add` of `ALL`, `SYS_ADMIN`, `SYS_PTRACE`,
    `SYS_MODULE` or `DAC_READ_SEARCH`, or with the Docker socket (`/var/run/docker.sock`) mounted.

    ## Why is this bad?
    A privileged container sees every device of the host and may load kernel modules or mount the host's disks;
    the Docker socket lets the container start a new privileged container. Either way, a bug in the app becomes
    root on the host.

    ## Example
    ```yaml file=docker-compose.yml
    services:
      web:
        build: .
        privileged: true
    ```

    ## Use instead
    ```yaml file=docker-compose.yml
    services:
      web:
        build: .
        cap_drop: [ALL]
    ```

    ## References
    - [Docker: Runtime privilege and Linux capabilities](https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities)
    - [CWE-250: Execution with Unnecessary Privileges](https://cwe.mitre.org/data/definitions/250.html)
    """

    code = "CFG406"
    slug = "compose-privileged"
    summary = "Compose service runs privileged (or with the Docker socket, or all capabilities)"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (250,)
    fix_hint = "remove privileged: true; add only the capabilities the service needs"
    tags = ("docker", "deployment")

    def applies_to(self, file: SourceFile) -> bool:
        return is_compose_file(PurePosixPath(file.rel).name)

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        for entry in compose_entries(document.text):
            if entry.key == "privileged" and entry.value is True:
                yield ctx.finding(self, entry.line, f"service `{entry.service}` runs privileged")
            elif entry.key == "cap_add" and str(entry.value).upper() in _DANGEROUS_CAPABILITIES:
                yield ctx.finding(self, entry.line, f"service `{entry.service}` is given capability {entry.value}")
            elif entry.key == "volumes" and "docker.sock" in str(entry.value):
                yield ctx.finding(self, entry.line, f"service `{entry.service}` mounts the Docker socket")
