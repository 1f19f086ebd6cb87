"""PAT307: paramiko `exec_command` with a command built at run time."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument
from bastion.semantic.constants import UNKNOWN

_CLIENTS = ("paramiko.SSHClient()", "paramiko.client.SSHClient()")


class ParamikoExecCommand(AstRule):
    """## What it does
    Finds `paramiko.SSHClient().exec_command(command)` where the command is not a constant.

    ## Why is this bad?
    `exec_command` hands its string to the remote user's shell. Values placed in it (a file name, a branch, a
    host parameter) can add commands of their own on the remote machine, with the privileges of the account
    you log in as.

    ## Example
    ```python
    import paramiko


    def remote_size(path):
        client = paramiko.SSHClient()
        client.load_system_host_keys()
        client.connect("backup.internal")
        return client.exec_command("du -sh " + path)
    ```

    ## Use instead
    ```python
    import shlex

    import paramiko


    def remote_size(path):
        client = paramiko.SSHClient()
        client.load_system_host_keys()
        client.connect("backup.internal")
        return client.exec_command(f"du -sh -- {shlex.quote(path)}")
    ```
    Quote every value with `shlex.quote` (the remote side is a POSIX shell), or avoid the shell by using SFTP
    operations for file work.

    ## References
    - [paramiko: SSHClient.exec_command](https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.SSHClient.exec_command)
    - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    """

    code = "PAT307"
    slug = "paramiko-exec-command"
    summary = "paramiko `exec_command` with a command built at run time"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (78,)
    fix_hint = "quote each value with shlex.quote, or use SFTP operations instead of a remote shell"
    bandit = ("B601",)
    ruff = ("S601",)
    node_types = (ast.Call,)
    callees = frozenset(f"{client}.exec_command" for client in _CLIENTS)

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        command = argument(node, 0, "command")
        if command is None or ctx.constant(command) is not UNKNOWN or _all_quoted(command, ctx):
            return
        yield ctx.finding(self, node, "`exec_command` sends a command built at run time to the remote shell")


def _all_quoted(command: ast.expr, ctx: ModuleContext) -> bool:
    """Every run-time part of an f-string or concatenation goes through `shlex.quote`."""
    if isinstance(command, ast.JoinedStr):
        parts = [part.value for part in command.values if isinstance(part, ast.FormattedValue)]
    elif isinstance(command, ast.BinOp) and isinstance(command.op, ast.Add):
        parts = [command.left, command.right]
    else:
        return False
    for part in parts:
        if ctx.constant(part) is not UNKNOWN:
            continue
        if isinstance(part, ast.Call) and ctx.qualified_name(part.func) in ("shlex.quote", "pipes.quote"):
            continue
        if isinstance(part, (ast.BinOp, ast.JoinedStr)) and _all_quoted(part, ctx):
            continue
        return False
    return True
