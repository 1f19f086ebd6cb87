"""PAT102: `__import__` / `importlib.import_module` with a module name that is not a constant."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument, keyword
from bastion.semantic.constants import UNKNOWN


class DynamicImport(AstRule):
    """## What it does
    Finds `importlib.import_module`, `__import__` and `importlib.__import__` called with a module name that is
    not a constant. A name chosen from a fixed table, and a relative name under a constant package
    (`import_module("." + plugin, package="app.plugins")`, which can only name a module of the app's own
    package), are not reported.

    ## Why is this bad?
    Importing a module runs its top-level code. When the name comes from a request, a message or a file the
    user controls, the user picks which code runs: any module on the path, including ones that act on import
    (`antigravity`, a test helper, a plugin left behind). Plugin systems that read module names from their own
    configuration are fine; names from outside are not.

    ## Example
    ```python
    import importlib


    def load_exporter(kind):
        return importlib.import_module(kind)
    ```

    ## Use instead
    ```python
    import importlib

    EXPORTERS = {"csv": "exporters.csv_export", "json": "exporters.json_export"}


    def load_exporter(kind):
        return importlib.import_module(EXPORTERS[kind])
    ```
    Map the outside value to a module through a fixed table (the lookup fails for anything else).

    ## References
    - [Python docs: importlib.import_module](https://docs.python.org/3/library/importlib.html#importlib.import_module)
    - [CWE-470: Use of Externally-Controlled Input to Select Classes or Code](https://cwe.mitre.org/data/definitions/470.html)
    """

    code = "PAT102"
    slug = "dynamic-import"
    summary = "Module imported by a name that is not a constant"
    severity = Severity.LOW
    confidence = Confidence.LOW
    cwe = (470,)
    fix_hint = "choose the module from a fixed mapping of allowed names"
    node_types = (ast.Call,)
    callees = frozenset({"importlib.import_module", "builtins.__import__", "importlib.__import__"})

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = argument(node, 0, "name")
        if name is None or ctx.constant(name) is not UNKNOWN or _from_fixed_table(name, ctx):
            return
        if _inside_fixed_package(node, name, ctx):
            return
        yield ctx.finding(self, node, f"`{ctx.call_name}` imports a module whose name is chosen at run time")


def _from_fixed_table(name: ast.expr, ctx: ModuleContext) -> bool:
    """`TABLE[key]` where TABLE folds to a dict or list of constants: the value can only be one of them."""
    return isinstance(name, ast.Subscript) and ctx.constant(name.value) is not UNKNOWN


def _inside_fixed_package(call: ast.Call, name: ast.expr, ctx: ModuleContext) -> bool:
    """`import_module("." + plugin, package="app.plugins")`: a relative name under a constant package can only be a
    module of the app's own package (relative names cannot climb above its top level)."""
    package = keyword(call, "package")
    if package is None or not isinstance(ctx.constant(package), str):
        return False
    if isinstance(name, ast.Name):
        earlier = [
            binding.value
            for binding in ctx.scope.bindings.get(name.id, [])
            if binding.value is not None and getattr(binding.node, "lineno", call.lineno) < call.lineno
        ]
        if not earlier:
            return False
        name = earlier[-1]
    prefix = name.left if isinstance(name, ast.BinOp) and isinstance(name.op, ast.Add) else name
    if isinstance(name, ast.JoinedStr) and name.values:
        prefix = name.values[0]
    value = ctx.constant(prefix)
    return isinstance(value, str) and value.startswith(".")
