"""PAT202: `yaml.load` without a safe loader."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
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
    bandit = ("B506",)
    ruff = ("S506",)
    node_types = (ast.Call,)
    callees = frozenset({"yaml.load", "yaml.load_all"} | _ALWAYS_UNSAFE)

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if name in _ALWAYS_UNSAFE:
            yield ctx.finding(self, node, f"`{name}` can build arbitrary Python objects from the document")
            return
        loader = argument(node, 1, "Loader")
        if loader is None:
            if has_kwargs_splat(node):
                return
            yield ctx.finding(
                self, node, f"`{name}` without a Loader; older PyYAML then builds arbitrary Python objects"
            )
            return
        loader_name = ctx.qualified_name(loader)
        if loader_name in SAFE_LOADERS:
            return
        shown = loader_name or ast.unparse(loader)
        confidence = Confidence.HIGH if loader_name else Confidence.MEDIUM
        yield ctx.finding(
            self, node, f"`{name}` with Loader `{shown}`, which is not a safe loader", confidence=confidence
        )
