"""PAT306: a wildcard in a shell command of tools that take options from file names (tar, chown, chmod, rsync)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._commands import SHELL_CALLS, SUBPROCESS_CALLS
from bastion.semantic.calls import argument, keyword
from bastion.semantic.constants import UNKNOWN

_RISKY = patterns.compile(r"(^|[\s;&|(`])(chown|chmod|chgrp|tar|rsync|zip|7z)\b[^;&|]*\*")


class WildcardInjection(AstRule):
    """## What it does
    Finds shell commands that run `tar`, `chown`, `chmod`, `chgrp`, `rsync`, `zip` or `7z` with a `*` wildcard:
    `os.system("tar czf backup.tgz *")`, `subprocess.run("chown app:app *", shell=True)`.

    ## Why is this bad?
    The shell expands `*` into the file names of the directory, and these tools read options from their
    arguments. A user who can create a file named `--checkpoint-action=exec=sh evil.sh` (tar) or
    `--reference=owned` (chown) in that directory adds an option of their choosing, which can run commands or
    change ownership of other files.

    ## Example
    ```python
    import os


    def backup(folder):
        os.chdir(folder)
        os.system("tar czf /backups/site.tgz *")
    ```

    ## Use instead
    ```python
    import subprocess


    def backup(folder):
        subprocess.run(["tar", "czf", "/backups/site.tgz", "-C", folder, "."], check=True)
    ```
    Name the directory (`.`) instead of expanding `*`, or put `--` before the file names.

    ## References
    - [Exploiting wildcards on Linux (DefenseCode)](https://www.exploit-db.com/papers/33930)
    - [CWE-155: Improper Neutralization of Wildcards or Matching Symbols](https://cwe.mitre.org/data/definitions/155.html)
    """

    code = "PAT306"
    slug = "shell-wildcard-injection"
    summary = "Shell wildcard passed to a tool that reads options from file names"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (155,)
    fix_hint = "name the directory instead of `*`, or put `--` before the expanded file names"
    bandit = ("B609",)
    ruff = ("S609",)
    node_types = (ast.Call,)
    callees = SHELL_CALLS | SUBPROCESS_CALLS

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if name in SUBPROCESS_CALLS:
            shell = keyword(node, "shell")
            if shell is None or ctx.constant(shell) is not True:
                return
            command = argument(node, 0, "args")
        else:
            command = argument(node, 1 if name.endswith(".subprocess_shell") else 0, "cmd")
        text = _constant_text(command, ctx)
        if text and "-- " not in text and _RISKY.search(text):
            yield ctx.finding(self, node, f"`{name}` expands `*` for a tool that takes options from file names")


def _constant_text(expr: ast.expr | None, ctx: ModuleContext) -> str:
    """The constant parts of a command string (f-string pieces and concatenated literals), joined."""
    if expr is None:
        return ""
    value = ctx.constant(expr)
    if isinstance(value, str):
        return value
    if value is not UNKNOWN:
        return ""
    if isinstance(expr, ast.JoinedStr):
        return " ".join(_constant_text(part, ctx) for part in expr.values if isinstance(part, ast.Constant))
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return _constant_text(expr.left, ctx) + " " + _constant_text(expr.right, ctx)
    return ""
