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
    not a constant. A name chosen from a fixed table, a name under a constant package
    (`import_module(f"app.extensions.{name}")`, `"app.plugins." + name`, a package taken from a constant list),
    and a relative name under a constant package (`import_module("." + plugin, package="app.plugins")`) are not
    reported: such a name can only be a module of that package.

    Off by default (select it with `--select PAT102` or `extend-select = ["PAT102"]`): a pattern cannot tell a
    plugin loader that reads module names from its own configuration or database from one that takes them from a
    request. On nine real apps all 9 of its findings were plugin and extension loaders reading the server's own
    settings (none true), and on the labelled vulnerable apps its one finding was false. Switch it on to review
    every dynamic import of a codebase.

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
    default_enabled = False
    node_types = (ast.Call,)
    callees = frozenset({"importlib.import_module", "builtins.__import__", "importlib.__import__"})

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = argument(node, 0, "name")
        if name is None or ctx.constant(name) is not UNKNOWN or _from_fixed_table(name, ctx):
            return
        if _inside_fixed_package(node, name, ctx) or _under_constant_package(_earlier_value(name, node, ctx), ctx):
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
        name = _earlier_value(name, call, ctx)
        if isinstance(name, ast.Name):
            return False
    prefix = name.left if isinstance(name, ast.BinOp) and isinstance(name.op, ast.Add) else name
    if isinstance(name, ast.JoinedStr) and name.values:
        prefix = name.values[0]
    value = ctx.constant(prefix)
    return isinstance(value, str) and value.startswith(".")


def _earlier_value(name: ast.expr, call: ast.Call, ctx: ModuleContext) -> ast.expr:
    """The value last bound to a variable before `call` (the variable itself when there is none)."""
    if not isinstance(name, ast.Name):
        return name
    earlier = [
        binding.value
        for binding in ctx.scope.bindings.get(name.id, [])
        if binding.value is not None and getattr(binding.node, "lineno", call.lineno) < call.lineno
    ]
    return earlier[-1] if earlier else name


def _under_constant_package(name: ast.expr, ctx: ModuleContext) -> bool:
    """`f"app.extensions.{name}"`, `"app.plugins." + name`, or `f"{package}.{name}"` with `package` looping over a
    constant list of packages: an absolute name that starts with a constant package and a dot can only be a module
    of that package (a module name has no `..` to climb out)."""
    if isinstance(name, ast.BinOp) and isinstance(name.op, ast.Add):
        while isinstance(name.left, ast.BinOp) and isinstance(name.left.op, ast.Add):
            name = name.left
        return _is_package_prefix(ctx.constant(name.left))
    if not isinstance(name, ast.JoinedStr) or not name.values:
        return False
    first = name.values[0]
    if isinstance(first, ast.Constant):
        return _is_package_prefix(first.value)
    following = name.values[1] if len(name.values) > 1 else None
    if not (isinstance(following, ast.Constant) and str(following.value).startswith(".")):
        return False
    packages = _loop_constants(first.value, ctx) if isinstance(first, ast.FormattedValue) else None
    return bool(packages) and all(_is_package_prefix(package + ".") for package in packages or ())


def _is_package_prefix(value: object) -> bool:
    """`"app.plugins."`: a constant dotted package name followed by a dot."""
    if not isinstance(value, str) or "." not in value or value.startswith("."):
        return False
    package = value[: value.rindex(".")]
    return all(part.isidentifier() for part in package.split("."))


def _loop_constants(target: ast.expr, ctx: ModuleContext) -> list[str] | None:
    """The constant strings a variable takes in the enclosing `for` loop over a constant list or tuple."""
    if not isinstance(target, ast.Name):
        return None
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, (ast.For, ast.AsyncFor)) and isinstance(ancestor.target, ast.Name):
            if ancestor.target.id != target.id:
                continue
            values = ctx.constant(ancestor.iter)
            if isinstance(values, (list, tuple)) and values and all(isinstance(v, str) for v in values):
                return list(values)
            return None
    return None
