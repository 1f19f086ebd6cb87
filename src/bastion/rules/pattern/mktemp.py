"""PAT806: `tempfile.mktemp`, which returns a name another process can take first."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext


class Mktemp(AstRule):
    """## What it does
    Finds `tempfile.mktemp()` (and Python 2's `os.tempnam`/`os.tmpnam`).

    ## Why is this bad?
    `mktemp` only returns a name that did not exist a moment ago; the file is created later, by you. In
    between, another local user can create that path (or a symlink there to a file of yours), and your
    program then writes into their file or through their link (CWE-377, a classic race). The function has been
    deprecated since Python 2.3.

    ## Example
    ```python
    import tempfile


    def scratch_file():
        path = tempfile.mktemp(suffix=".csv")
        return open(path, "w")
    ```

    ## Use instead
    ```python
    import tempfile


    def scratch_file():
        return tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    ```
    `mkstemp`, `NamedTemporaryFile` and `TemporaryDirectory` create the file atomically with safe permissions.

    ## References
    - [Python docs: tempfile.mktemp](https://docs.python.org/3/library/tempfile.html#tempfile.mktemp)
    - [CWE-377: Insecure Temporary File](https://cwe.mitre.org/data/definitions/377.html)
    """

    code = "PAT806"
    slug = "insecure-mktemp"
    summary = "`tempfile.mktemp` (race between choosing and creating the file)"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (377,)
    fix_hint = "use tempfile.mkstemp, NamedTemporaryFile or TemporaryDirectory"
    bandit = ("B306",)
    ruff = ("S306",)
    node_types = (ast.Call,)
    callees = frozenset({"tempfile.mktemp", "os.tempnam", "os.tmpnam"})

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        yield ctx.finding(self, node, f"`{ctx.call_name}` returns a name another process can create first")
