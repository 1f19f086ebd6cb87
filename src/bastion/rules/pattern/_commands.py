"""Process-starting APIs, shared by the command rules (PAT3xx)."""

from __future__ import annotations

import ast

SUBPROCESS_FUNCTIONS = ("run", "call", "check_call", "check_output", "Popen")
SUBPROCESS_CALLS = frozenset(f"subprocess.{function}" for function in SUBPROCESS_FUNCTIONS)
ASYNC_EXEC_CALLS = frozenset({"asyncio.create_subprocess_exec", "asyncio.subprocess.create_subprocess_exec"})
# Functions that hand their string to /bin/sh whatever the arguments.
SHELL_CALLS = frozenset(
    {
        "os.system",
        "os.popen",
        "os.popen2",
        "os.popen3",
        "os.popen4",
        "popen2.popen2",
        "popen2.popen3",
        "popen2.popen4",
        "popen2.Popen3",
        "popen2.Popen4",
        "commands.getoutput",
        "commands.getstatusoutput",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "asyncio.create_subprocess_shell",
        "asyncio.subprocess.create_subprocess_shell",
        "asyncio.get_event_loop().subprocess_shell",
        "asyncio.get_running_loop().subprocess_shell",
    }
)
_EXEC = ("execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe")
_SPAWN = ("spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe")
# os.exec*/spawn*: the program is the first argument (after the mode for spawn*), then argv.
OS_EXEC_CALLS = frozenset(f"os.{name}" for name in _EXEC) | frozenset({"os.posix_spawn", "os.posix_spawnp"})
OS_SPAWN_CALLS = frozenset(f"os.{name}" for name in _SPAWN)
SHELL_PROGRAMS = frozenset(
    {"sh", "bash", "dash", "zsh", "ksh", "csh", "tcsh", "fish", "ash", "busybox", "cmd", "cmd.exe"}
)


def program_position(name: str) -> int:
    """Where the program is among the positional arguments of a process-starting call."""
    return 1 if name in OS_SPAWN_CALLS else 0


def is_shell_program(value: object) -> bool:
    """'/bin/sh', 'bash', 'cmd.exe': a program that runs the command string it is given."""
    if not isinstance(value, str):
        return False
    base = value.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return base in SHELL_PROGRAMS


def list_elements(expr: ast.expr | None) -> list[ast.expr] | None:
    """The elements of a literal list or tuple (no starred parts), else None."""
    if isinstance(expr, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in expr.elts):
        return list(expr.elts)
    return None
