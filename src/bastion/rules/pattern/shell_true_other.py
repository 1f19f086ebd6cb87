"""PAT303: `shell=True` passed to a function other than `subprocess`'s."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._commands import SUBPROCESS_CALLS
from bastion.semantic.calls import keyword
from bastion.semantic.constants import UNKNOWN


class ShellTrueOtherCall(AstRule):
    """## What it does
    Finds calls that pass `shell=True` to a function other than `subprocess.run`/`call`/`check_call`/
    `check_output`/`Popen` (those are PAT301): wrappers such as `invoke`'s `run`, a project's own `run_command`
    helper, `sh`/`plumbum`-style helpers.

    ## Why is this bad?
    A `shell` parameter almost always means the function passes its command to `/bin/sh`. The same injection
    risk as `subprocess` with `shell=True` follows, only hidden one call deeper.

    ## Example
    ```python
    from deploy.tools import run_command


    def restart(service):
        run_command(f"systemctl restart {service}", shell=True)
    ```

    ## Use instead
    ```python
    from deploy.tools import run_command


    def restart(service):
        run_command(["systemctl", "restart", service])
    ```

    ## References
    - [Python docs: security considerations of subprocess](https://docs.python.org/3/library/subprocess.html#security-considerations)
    - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    """

    code = "PAT303"
    slug = "shell-true-other-call"
    summary = "`shell=True` passed to a function that likely runs a shell command"
    severity = Severity.MEDIUM
    confidence = Confidence.LOW
    cwe = (78,)
    fix_hint = "pass the command as a list of arguments and drop shell=True"
    bandit = ("B604",)
    ruff = ("S604",)
    node_types = (ast.Call,)
    # Any callee may take `shell=`: this rule cannot be keyed by name, so it looks at keywords first (cheap).
    callees = None

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        if not node.keywords:
            return
        shell = keyword(node, "shell")
        if shell is None or ctx.call_name in SUBPROCESS_CALLS:
            return
        value = ctx.constant(shell)
        if value is UNKNOWN or value is not True:
            return
        shown = ctx.call_name or ast.unparse(node.func)
        yield ctx.finding(self, node, f"`{shown}` called with shell=True: the command likely goes through a shell")
