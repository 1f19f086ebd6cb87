"""PAT302: `os.system` and `os.popen`, which always use a shell."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument
from bastion.semantic.constants import UNKNOWN


class OsSystem(AstRule):
    """## What it does
    Finds `os.system` and `os.popen` (and `subprocess.getoutput`/`getstatusoutput`), which hand their string
    to the shell.

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
    summary = "`os.system`/`os.popen` run a shell command"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (78,)
    fix_hint = "use subprocess.run([...]) with a list of arguments"
    bandit = ("B605",)
    ruff = ("S605",)
    node_types = (ast.Call,)
    callees = frozenset({"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"})

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        command = argument(node, 0, "cmd") or argument(node, 0, "command")
        if command is not None and ctx.constant(command) is not UNKNOWN:
            yield ctx.finding(
                self,
                node,
                f"`{ctx.call_name}` runs a constant command through the shell",
                severity=Severity.LOW,
            )
            return
        yield ctx.finding(self, node, f"`{ctx.call_name}` runs a command built at run time through the shell")
