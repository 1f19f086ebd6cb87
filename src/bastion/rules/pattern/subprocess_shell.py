"""PAT301: `subprocess` called with `shell=True`."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._commands import SUBPROCESS_CALLS
from bastion.semantic.calls import argument, keyword
from bastion.semantic.constants import UNKNOWN


class SubprocessShell(AstRule):
    """## What it does
    Finds `subprocess.run`, `call`, `check_call`, `check_output` and `Popen` called with `shell=True` (also when
    `True` arrives through a variable).

    ## Why is this bad?
    With `shell=True` the command is a string that `/bin/sh` parses: any `;`, `|`, `$(...)` or backtick in a
    value that reaches it starts another command. Quoting by hand is fragile; one missed path is enough.

    ## Example
    ```python
    import subprocess


    def archive(name):
        subprocess.run(f"tar czf backup.tgz {name}", shell=True)
    ```

    ## Use instead
    ```python
    import subprocess


    def archive(name):
        subprocess.run(["tar", "czf", "backup.tgz", "--", name], check=True)
    ```
    Pass the command as a list, so that no shell parses it. If a shell is truly needed, quote every value with
    `shlex.quote`.

    ## References
    - [Python docs: security considerations of subprocess](https://docs.python.org/3/library/subprocess.html#security-considerations)
    - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    """

    code = "PAT301"
    slug = "subprocess-shell-true"
    summary = "`subprocess` call with `shell=True`"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (78,)
    fix_hint = "pass the command as a list of arguments and drop shell=True"
    bandit = ("B602",)
    ruff = ("S602",)
    node_types = (ast.Call,)
    callees = SUBPROCESS_CALLS

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        shell = keyword(node, "shell")
        if shell is None:
            return
        value = ctx.constant(shell)
        if value is UNKNOWN or not value:
            return
        command = argument(node, 0, "args")
        literal = command is not None and ctx.constant(command) is not UNKNOWN
        if literal:
            yield ctx.finding(
                self,
                node,
                f"`{ctx.call_name}` runs a constant command through the shell",
                severity=Severity.LOW,
            )
        else:
            yield ctx.finding(
                self,
                node,
                f"`{ctx.call_name}` runs a command built at run time through the shell (shell=True)",
            )
