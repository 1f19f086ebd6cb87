"""PAT806: `tempfile.mktemp`, which returns a name another process can take first."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.fix import Applicability, Edit, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import has_kwargs_splat

# mktemp(suffix="", prefix="tmp", dir=None): positional arguments, by name.
_MKTEMP_PARAMETERS = ("suffix", "prefix", "dir")


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

    ## Fix safety
    The fix creates the file instead of only naming it: `tempfile.mktemp(...)` becomes
    `tempfile.NamedTemporaryFile(delete=False, ...).name`, with the same `suffix`, `prefix` and `dir`. The file
    exists (empty, readable by its owner only) once the name is returned, so no other process can take the name
    first. It is unsafe: code that expected no file there (`os.mkdir(path)`, `os.link(...)`, a tool that refuses
    to overwrite, a check `os.path.exists(path)`) behaves differently, and the file is left behind unless the code
    removes it. For a directory, use `tempfile.mkdtemp()`. No fix for `os.tempnam`/`os.tmpnam` or `**options`.

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
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.UNSAFE
    bandit = ("B306",)
    ruff = ("S306",)
    node_types = (ast.Call,)
    callees = frozenset({"tempfile.mktemp", "os.tempnam", "os.tmpnam"})

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        yield ctx.finding(
            self,
            node,
            f"`{ctx.call_name}` returns a name another process can create first",
            fix=_create_it(node, ctx) if ctx.call_name == "tempfile.mktemp" else None,
        )


def _create_it(node: ast.Call, ctx: ModuleContext) -> Fix | None:
    """`tempfile.mktemp(".txt")` -> `tempfile.NamedTemporaryFile(delete=False, suffix=".txt").name`."""
    if has_kwargs_splat(node) or len(node.args) > len(_MKTEMP_PARAMETERS):
        return None
    if any(isinstance(arg, ast.Starred) for arg in node.args):
        return None
    editor = ctx.editor
    reference = editor.import_reference("tempfile", "NamedTemporaryFile", ctx.scope, node)
    if reference is None:
        return None
    arguments = ["delete=False"]
    arguments += [f"{name}={editor.source(arg)}" for name, arg in zip(_MKTEMP_PARAMETERS, node.args, strict=False)]
    arguments += [f"{item.arg}={editor.source(item.value)}" for item in node.keywords]
    edits: list[Edit] = [editor.replace(node, f"{reference.expression}({', '.join(arguments)}).name")]
    if reference.edit is not None:
        edits.append(reference.edit)
    return Fix("Create the file: `NamedTemporaryFile(delete=False).name`", Applicability.UNSAFE, tuple(edits))
