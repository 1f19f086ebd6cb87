"""PAT304: a shell started explicitly as the program (`["sh", "-c", command]`)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._commands import (
    ASYNC_EXEC_CALLS,
    OS_EXEC_CALLS,
    OS_SPAWN_CALLS,
    SUBPROCESS_CALLS,
    is_shell_program,
    list_elements,
    program_position,
)
from bastion.semantic.calls import argument
from bastion.semantic.constants import UNKNOWN


class ShellProgramInvoked(AstRule):
    """## What it does
    Finds processes started with a shell as the program and a command string after `-c`:
    `subprocess.run(["bash", "-c", command])`, `os.execl("/bin/sh", "sh", "-c", command)`,
    `os.spawnlp(os.P_WAIT, "sh", "sh", "-c", command)`, `asyncio.create_subprocess_exec("sh", "-c", command)`,
    when the command is not a constant.

    ## Why is this bad?
    This is `shell=True` written out by hand: the shell parses the command string, so `;`, `|` and `$(...)` in
    any value that reaches it start other commands. Tools that only look for `shell=True` miss it.

    ## Example
    ```python
    import subprocess


    def compress(path):
        subprocess.run(["sh", "-c", "gzip " + path], check=True)
    ```

    ## Use instead
    ```python
    import subprocess


    def compress(path):
        subprocess.run(["gzip", "--", path], check=True)
    ```

    ## References
    - [Python docs: os.exec*](https://docs.python.org/3/library/os.html#os.execl)
    - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    """

    code = "PAT304"
    slug = "shell-program-invoked"
    summary = "A shell started explicitly (`sh -c`) with a command built at run time"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (78,)
    fix_hint = "run the program directly with a list of arguments instead of through `sh -c`"
    bandit = ("B605",)
    ruff = ("S605",)
    node_types = (ast.Call,)
    callees = SUBPROCESS_CALLS | OS_EXEC_CALLS | OS_SPAWN_CALLS | ASYNC_EXEC_CALLS

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if name in SUBPROCESS_CALLS:
            argv = list_elements(argument(node, 0, "args"))
        elif name in ASYNC_EXEC_CALLS:
            argv = None if any(isinstance(a, ast.Starred) for a in node.args) else list(node.args)
        else:
            argv = self._os_argv(node, name)
        if not argv or len(argv) < 3:
            return
        if not is_shell_program(ctx.constant(argv[0])):
            return
        flags = [ctx.constant(element) for element in argv[1:-1]]
        if not any(isinstance(flag, str) and flag.startswith("-") and "c" in flag for flag in flags):
            return
        if ctx.constant(argv[-1]) is not UNKNOWN:
            return
        yield ctx.finding(self, node, f"`{name}` starts a shell with `-c` and a command built at run time")

    @staticmethod
    def _os_argv(node: ast.Call, name: str) -> list[ast.expr] | None:
        """[program, argv[1], argv[2], ...] of an os.exec*/spawn* call (argv[0] is the program's display name)."""
        if any(isinstance(a, ast.Starred) for a in node.args):
            return None
        args = node.args[program_position(name) :]
        if len(args) < 2:
            return None
        function = name.rsplit(".", 1)[-1]
        variant = function.removeprefix("posix_").removeprefix("exec").removeprefix("spawn")
        if "v" in variant or function.startswith("posix_spawn"):
            items = list_elements(args[1])
            if items is None:
                return None
        else:
            # execl(path, arg0, arg1, ...); the 'e' variants end with the environment mapping.
            items = args[1:-1] if "e" in variant else args[1:]
        return [args[0], *items[1:]]
