"""PAT302: `os.system`, `os.popen` and the other functions that always use a shell."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._commands import SHELL_CALLS
from bastion.semantic.calls import argument
from bastion.semantic.constants import UNKNOWN


class OsSystem(AstRule):
    """## What it does
    Finds `os.system` and `os.popen` (and `subprocess.getoutput`/`getstatusoutput`,
    `asyncio.create_subprocess_shell`, the loop's `subprocess_shell`, Python 2's `popen2`/`commands`), which
    hand their string to the shell. A constant command is reported at low severity.

    ## Why is this bad?
    The shell interprets `;`, `|`, `&&`, `$(...)` and backticks in the command. When any part of it comes from
    outside (a filename, a form field, an environment variable), an attacker can append commands of their own.
    `os.system` also hides the exit status and output, so failures go unnoticed.

    ## Example
    ```python
    import os


    def ping(host):
        os.system("ping -c 1 " + host)
    ```

    ## Use instead
    ```python
    import subprocess


    def ping(host):
        subprocess.run(["ping", "-c", "1", "--", host], check=True)
    ```

    ## References
    - [Python docs: os.system](https://docs.python.org/3/library/os.html#os.system)
    - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    """

    code = "PAT302"
    slug = "os-system-shell"
    summary = "`os.system`/`os.popen` and other always-shell functions run a shell command"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (78,)
    fix_hint = "use subprocess.run([...]) with a list of arguments"
    bandit = ("B605",)
    ruff = ("S605",)
    node_types = (ast.Call,)
    callees = SHELL_CALLS

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        position = 1 if (ctx.call_name or "").endswith(".subprocess_shell") else 0
        command = argument(node, position, "cmd") or argument(node, position, "command")
        if command is None and not node.args and not node.keywords:
            return
        if command is not None and ctx.constant(command) is not UNKNOWN:
            yield ctx.finding(
                self,
                node,
                f"`{ctx.call_name}` runs a constant command through the shell",
                severity=Severity.LOW,
            )
            return
        yield ctx.finding(self, node, f"`{ctx.call_name}` runs a command built at run time through the shell")
