"""PAT807: hard-coded paths in shared temporary directories (/tmp, /var/tmp, /dev/shm)."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext

_SHARED_DIRECTORIES = ("/tmp", "/var/tmp", "/dev/shm")  # bastion: ignore[PAT807] the list the rule looks for
_SAFE_CREATORS = frozenset(
    {"tempfile.mkstemp", "tempfile.mkdtemp", "tempfile.NamedTemporaryFile", "tempfile.TemporaryDirectory",
     "tempfile.TemporaryFile", "tempfile.SpooledTemporaryFile"}
)  # fmt: skip


class HardcodedTmpPath(AstRule):
    """## What it does
    Finds string constants that are paths in the machine-wide temporary directories: `/tmp/...`, `/var/tmp`,
    `/dev/shm`, used as values (assigned, passed, returned; also the constant start of an f-string). Test
    files, comparisons, docstrings and the `dir=` of `tempfile`'s safe functions are not reported.

    ## Why is this bad?
    Every local user can create files in these directories. A fixed name there can be created first by
    someone else, as a symlink to a file of yours or as a file they then read: your program writes through
    their link or reads their data (CWE-377). Fixed names also collide between two copies of the program.

    ## Example
    ```python
    UPLOAD_FOLDER = "/tmp/uploads"
    ```

    ## Use instead
    ```python
    import tempfile

    UPLOAD_FOLDER = tempfile.mkdtemp(prefix="uploads-")
    ```
    Or a directory that belongs to the application (`/var/lib/myapp/uploads`, set by configuration).

    ## References
    - [Python docs: tempfile](https://docs.python.org/3/library/tempfile.html)
    - [CWE-377: Insecure Temporary File](https://cwe.mitre.org/data/definitions/377.html)
    """

    code = "PAT807"
    slug = "hardcoded-temp-path"
    summary = "Hard-coded path in a shared temporary directory (/tmp)"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (377, 379)
    fix_hint = "create temporary files with the tempfile module, or use a directory owned by the application"
    bandit = ("B108",)
    ruff = ("S108",)
    # Constants are everywhere: `check` tests the string's start first and is a plain function.
    node_types = (ast.Constant,)

    def check(self, node: ast.Constant, ctx: ModuleContext) -> Iterable[Finding]:
        value = node.value
        if type(value) is not str or not value.startswith(_SHARED_DIRECTORIES):
            return ()
        rest = value[len(next(d for d in _SHARED_DIRECTORIES if value.startswith(d))) :]
        if rest and rest[0] != "/":
            return ()  # "/tmpfiles", "/var/tmpl": another directory
        if is_test_path(ctx.path) or not _used_as_value(node, ctx):
            return ()
        return (ctx.finding(self, node, f"`{value[:60]}` is in a directory every local user can write to"),)


def _used_as_value(node: ast.Constant, ctx: ModuleContext) -> bool:
    parent = ctx.parent
    if isinstance(parent, (ast.Compare, ast.Expr)):
        return False
    if isinstance(parent, ast.keyword) and parent.arg == "dir":
        call = ctx.ancestors[-3] if len(ctx.ancestors) >= 3 else None
        if isinstance(call, ast.Call) and ctx.qualified_name(call.func) in _SAFE_CREATORS:
            return False
    # `path.startswith("/tmp")` and the like test a path; they do not use one.
    return not (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Attribute)
        and parent.func.attr in ("startswith", "endswith", "replace", "removeprefix")
    )
