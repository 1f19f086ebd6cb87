"""PAT508: paramiko accepting unknown SSH host keys."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument

_CLIENTS = ("paramiko.SSHClient()", "paramiko.client.SSHClient()")
_ACCEPTING = frozenset(
    f"{module}.{policy}" for module in ("paramiko", "paramiko.client") for policy in ("AutoAddPolicy", "WarningPolicy")
)


class SshHostKeyUnverified(AstRule):
    """## What it does
    Finds `SSHClient.set_missing_host_key_policy(AutoAddPolicy())` and `WarningPolicy()` in paramiko.

    ## Why is this bad?
    SSH proves who the server is through its host key. Accepting unknown keys means the first (or every)
    connection accepts whoever answers: an attacker on the path gets the password or runs the session, and
    reads what is sent.

    ## Example
    ```python
    import paramiko


    def connect(host):
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        client.connect(host)
        return client
    ```

    ## Use instead
    ```python
    import paramiko


    def connect(host):
        client = paramiko.SSHClient()
        client.load_system_host_keys()
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        client.connect(host)
        return client
    ```

    ## References
    - [paramiko: host key policies](https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.MissingHostKeyPolicy)
    - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    """

    code = "PAT508"
    slug = "ssh-host-key-not-verified"
    summary = "paramiko accepts unknown SSH host keys (AutoAddPolicy/WarningPolicy)"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (295, 322)
    fix_hint = "load known host keys and use paramiko.RejectPolicy()"
    bandit = ("B507",)
    ruff = ("S507",)
    node_types = (ast.Call,)
    callees = frozenset(f"{client}.set_missing_host_key_policy" for client in _CLIENTS)

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        policy = argument(node, 0, "policy")
        name = (ctx.qualified_name(policy) or "").removesuffix("()") if policy is not None else ""
        if name in _ACCEPTING:
            yield ctx.finding(
                self, node, f"`{name.rsplit('.', 1)[-1]}` accepts any host key: the server is not verified"
            )
