"""PAT202: `yaml.load` without a safe loader."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.fix import Applicability, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument, has_kwargs_splat

SAFE_LOADERS = frozenset(
    {
        "yaml.SafeLoader",
        "yaml.CSafeLoader",
        "yaml.BaseLoader",
        "yaml.CBaseLoader",
        "yaml.loader.SafeLoader",
        "yaml.loader.BaseLoader",
        "yaml.cyaml.CSafeLoader",
        "yaml.cyaml.CBaseLoader",
    }
)
_ALWAYS_UNSAFE = frozenset({"yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all"})
# PyYAML's own loaders: for documents of standard YAML tags they build what SafeLoader builds.
_STOCK_LOADERS = frozenset(
    f"{module}.{prefix}{kind}Loader"
    for module in ("yaml", "yaml.loader", "yaml.cyaml")
    for prefix in ("", "C")
    for kind in ("", "Full", "Unsafe")
)
_SAFE_FORM = {
    "yaml.load": "safe_load",
    "yaml.unsafe_load": "safe_load",
    "yaml.full_load": "safe_load",
    "yaml.load_all": "safe_load_all",
    "yaml.unsafe_load_all": "safe_load_all",
    "yaml.full_load_all": "safe_load_all",
}


class UnsafeYamlLoad(AstRule):
    """## What it does
    Finds `yaml.load` and `yaml.load_all` called without `SafeLoader`/`CSafeLoader` (or `BaseLoader`), and
    `yaml.unsafe_load`, `yaml.full_load` and their `_all` forms.

    ## Why is this bad?
    PyYAML's `Loader`, `UnsafeLoader` and (in older releases) `FullLoader` build arbitrary Python objects from
    tags such as `!!python/object/apply:os.system`. A YAML document from a user, an upload or a remote service
    then runs code in your process.

    ## Example
    ```python
    import yaml


    def read_config(text):
        return yaml.load(text, Loader=yaml.Loader)
    ```

    ## Use instead
    ```python
    import yaml


    def read_config(text):
        return yaml.safe_load(text)
    ```

    ## Fix safety
    The fix calls `yaml.safe_load` (`safe_load_all` for the `_all` forms) and drops the `Loader` argument, when
    the loader is one of PyYAML's own (`Loader`, `FullLoader`, `UnsafeLoader` and their C versions) or none is
    given. It is safe: a document written in standard YAML tags loads into the same Python values; only
    `!!python/...` tags, which is what an attack uses, are refused from then on (`ConstructorError`). Without a
    `Loader`, PyYAML 6 raises `TypeError`, so the fix also makes the call work. No fix is offered for a loader
    of your own (a subclass with extra constructors), or when the call passes `**options`.

    ## References
    - [PyYAML: yaml.load(input) deprecation](https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    """

    code = "PAT202"
    slug = "unsafe-yaml-load"
    summary = "`yaml.load` without a safe loader"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (502,)
    fix_hint = "use yaml.safe_load(...) or pass Loader=yaml.SafeLoader"
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.SAFE
    bandit = ("B506",)
    ruff = ("S506",)
    node_types = (ast.Call,)
    callees = frozenset({"yaml.load", "yaml.load_all"} | _ALWAYS_UNSAFE)

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if name in _ALWAYS_UNSAFE:
            yield ctx.finding(
                self,
                node,
                f"`{name}` can build arbitrary Python objects from the document",
                fix=self._fix(node, ctx, None),
            )
            return
        loader = argument(node, 1, "Loader")
        if loader is None:
            if has_kwargs_splat(node):
                return
            yield ctx.finding(
                self,
                node,
                f"`{name}` without a Loader; older PyYAML then builds arbitrary Python objects",
                fix=self._fix(node, ctx, None),
            )
            return
        loader_name = ctx.qualified_name(loader)
        if loader_name in SAFE_LOADERS:
            return
        shown = loader_name or ast.unparse(loader)
        confidence = Confidence.HIGH if loader_name else Confidence.MEDIUM
        fix = self._fix(node, ctx, loader) if loader_name in _STOCK_LOADERS else None
        yield ctx.finding(
            self, node, f"`{name}` with Loader `{shown}`, which is not a safe loader", confidence=confidence, fix=fix
        )

    def _fix(self, node: ast.Call, ctx: ModuleContext, loader: ast.expr | None) -> Fix | None:
        """`yaml.load(text, Loader=yaml.Loader)` -> `yaml.safe_load(text)`."""
        safe_form = _SAFE_FORM.get(ctx.call_name or "")
        expected_arguments = 1 if loader is None else 2
        if safe_form is None or has_kwargs_splat(node) or len(node.args) + len(node.keywords) != expected_arguments:
            return None
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            return None
        editor = ctx.editor
        reference = editor.import_reference("yaml", safe_form, ctx.scope, node)
        if reference is None:
            return None
        edits = [editor.replace(node.func, reference.expression)]
        if reference.edit is not None:
            edits.append(reference.edit)
        if loader is not None:
            argument_node = next((item for item in node.keywords if item.value is loader), loader)
            removal = editor.remove_argument(node, argument_node)
            if removal is None:
                return None
            edits.append(removal)
        return Fix(f"Use `{reference.expression}`", Applicability.SAFE, tuple(edits))
