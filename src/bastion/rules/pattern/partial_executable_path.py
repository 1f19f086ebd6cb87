"""PAT305: a process started by a program name that is searched on PATH."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._commands import (
    OS_EXEC_CALLS,
    OS_SPAWN_CALLS,
    SHELL_CALLS,
    SUBPROCESS_CALLS,
    list_elements,
    program_position,
)
from bastion.semantic.calls import argument
from bastion.semantic.constants import UNKNOWN

_ABSOLUTE = patterns.compile(r"^(/|\\\\|[A-Za-z]:[\\/]|\.{1,2}/|~)")


class PartialExecutablePath(AstRule):
    """## What it does
    Finds processes started by a bare program name (`"git"`, `["convert", ...]`, `os.system("clear")`) rather
    than an absolute path.

    ## Why is this bad?
    The program is looked up on `PATH` when the process starts. Whoever can change `PATH` or write to a
    directory early in it (a writable `./bin`, a user-controlled working directory on Windows) decides which
    program runs. For services that run with privileges this turns into code execution. It is a low-severity
    finding: in most deployments `PATH` is under your control.

    Off by default (select it with `--select PAT305` or `extend-select = ["PAT305"]`): on six real apps all 19 of
    its findings were programs an operator installs on the server's own `PATH` (git, pybabel, a CRF tagger), none
    a problem a maintainer would change. Hosts where untrusted users share the `PATH` are where to switch it on.

    ## Example
    ```python
    import subprocess


    def thumbnail(source, target):
        subprocess.run(["convert", source, "-resize", "200x200", target], check=True)
    ```

    ## Use instead
    ```python
    import shutil
    import subprocess

    CONVERT = shutil.which("convert") or "/usr/bin/convert"


    def thumbnail(source, target):
        subprocess.run([CONVERT, source, "-resize", "200x200", target], check=True)
    ```
    Resolve the program once at start-up (or configure its full path), so that later changes to `PATH` do not
    change what runs.

    ## References
    - [Python docs: subprocess.Popen](https://docs.python.org/3/library/subprocess.html#subprocess.Popen)
    - [CWE-426: Untrusted Search Path](https://cwe.mitre.org/data/definitions/426.html)
    """

    code = "PAT305"
    slug = "partial-executable-path"
    summary = "Process started by a program name looked up on PATH"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    cwe = (426,)
    fix_hint = "start the program by its absolute path (resolve it once with shutil.which)"
    bandit = ("B607",)
    ruff = ("S607",)
    default_enabled = False
    node_types = (ast.Call,)
    callees = SUBPROCESS_CALLS | SHELL_CALLS | OS_EXEC_CALLS | OS_SPAWN_CALLS

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if name in SUBPROCESS_CALLS:
            first = argument(node, 0, "args")
            elements = list_elements(first)
            if elements is not None:
                first = elements[0] if elements else None
        elif name in SHELL_CALLS:
            first = argument(node, 1 if name.endswith(".subprocess_shell") else 0, "cmd")
        else:
            first = argument(node, program_position(name))
        value = ctx.constant(first)
        if value is UNKNOWN or not isinstance(value, str) or not value.strip():
            return
        program = value.split()[0]
        if _ABSOLUTE.match(program):
            return
        yield ctx.finding(self, node, f"`{program}` is looked up on PATH when `{name}` starts it")
