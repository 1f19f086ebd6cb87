"""CFG407: a compose service shares the host's network, PID or IPC namespace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from bastion.concepts.deploy import compose_entries, is_compose_file
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import TextContext, TextRule
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument

_NAMESPACE_KEYS = {"network_mode": "network", "pid": "process (PID)", "ipc": "IPC"}


class ComposeHostNamespace(TextRule):
    """## What it does
    Finds docker-compose services with `network_mode: host`, `pid: host` or `ipc: host`.

    ## Why is this bad?
    With the host's network the container can reach every service bound to the host's loopback (databases, admin
    ports, cloud metadata proxies) and its own ports bypass the published-port rules. The host PID and IPC
    namespaces let it see and signal the host's processes and read their shared memory.

    ## Example
    ```yaml file=docker-compose.yml
    services:
      web:
        build: .
        network_mode: host
    ```

    ## Use instead
    ```yaml file=docker-compose.yml
    services:
      web:
        build: .
        ports:
          - "8000:8000"
    ```

    ## References
    - [Docker: Host network driver](https://docs.docker.com/engine/network/drivers/host/)
    - [CWE-653: Improper Isolation or Compartmentalization](https://cwe.mitre.org/data/definitions/653.html)
    """

    code = "CFG407"
    slug = "compose-host-namespace"
    summary = "Compose service shares the host's network, PID or IPC namespace"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (653,)
    fix_hint = "use a bridge network with published ports; do not share host namespaces"
    tags = ("docker", "deployment")

    def applies_to(self, file: SourceFile) -> bool:
        return is_compose_file(PurePosixPath(file.rel).name)

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        for entry in compose_entries(document.text):
            if entry.key in _NAMESPACE_KEYS and str(entry.value).strip() == "host":
                namespace = _NAMESPACE_KEYS[entry.key]
                yield ctx.finding(
                    self, entry.line, f"service `{entry.service}` shares the host's {namespace} namespace"
                )
