"""PAT808: files or directories made writable by every user."""

from __future__ import annotations

import ast
import stat
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument
from bastion.semantic.qualified_constants import fold_qualified

# Permission bits by qualified name, so that `stat.S_IRWXU | stat.S_IWOTH` folds to a number.
_STAT_BITS = {f"stat.{name}": getattr(stat, name) for name in dir(stat) if name.startswith("S_I") and name[3:4] != "S"}
# callee -> position of the mode argument
_MODE_POSITION = {"os.chmod": 1, "os.lchmod": 1, "os.fchmod": 1, "pathlib.Path().chmod": 0, "pathlib.Path().lchmod": 0}


class WorldWritableChmod(AstRule):
    """## What it does
    Finds `os.chmod`, `os.fchmod`, `os.lchmod` and `Path.chmod` with a mode that lets every user write
    (`0o777`, `0o666`, `stat.S_IWOTH`, `stat.S_IRWXO`), folding modes built from `stat` constants.

    ## Why is this bad?
    A world-writable file can be changed by any account on the machine, including a compromised service
    running as another user: configuration can be rewritten, scripts replaced with code that runs under your
    account, logs erased.

    ## Example
    ```python
    import os


    def publish(path):
        os.chmod(path, 0o777)
    ```

    ## Use instead
    ```python
    import os


    def publish(path):
        os.chmod(path, 0o755)
    ```

    ## References
    - [Python docs: os.chmod](https://docs.python.org/3/library/os.html#os.chmod)
    - [CWE-732: Incorrect Permission Assignment for Critical Resource](https://cwe.mitre.org/data/definitions/732.html)
    """

    code = "PAT808"
    slug = "world-writable-permissions"
    summary = "File permissions that let every user write (chmod 0o777, S_IWOTH)"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (732,)
    fix_hint = "drop the write bit for others (0o755 for directories and scripts, 0o644 for files)"
    bandit = ("B103",)
    ruff = ("S103",)
    node_types = (ast.Call,)
    callees = frozenset(_MODE_POSITION)

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        mode = argument(node, _MODE_POSITION[ctx.call_name or ""], "mode")
        value = fold_qualified(mode, ctx.index, ctx.scope, _STAT_BITS)
        if isinstance(value, int) and not isinstance(value, bool) and value & stat.S_IWOTH:
            yield ctx.finding(self, node, f"mode {oct(value)} lets every user on the machine write here")
