"""PAT803: Mako templates without HTML escaping."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import has_kwargs_splat, keyword
from bastion.semantic.constants import UNKNOWN

_MAKO = frozenset({"mako.template.Template", "mako.lookup.TemplateLookup"})
_ESCAPING_FILTERS = frozenset({"h", "html_escape", "markupsafe.escape", "filters.html_escape"})


class MakoTemplates(AstRule):
    """## What it does
    Finds Mako `Template` and `TemplateLookup` objects created without an HTML-escaping default filter
    (`default_filters=["h"]`).

    ## Why is this bad?
    Mako writes `${value}` into the output as is. Without the `h` filter on every expression, a value that a
    user influenced can add markup and scripts to the page (cross-site scripting).

    ## Example
    ```python
    from mako.template import Template

    page = Template("<p>Hello ${name}</p>")
    ```

    ## Use instead
    ```python
    from mako.template import Template

    page = Template("<p>Hello ${name}</p>", default_filters=["h"])
    ```

    ## References
    - [Mako: expression escaping](https://docs.makotemplates.org/en/latest/filtering.html#expression-escaping)
    - [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
    """

    code = "PAT803"
    slug = "mako-without-escaping"
    summary = "Mako template without HTML escaping by default"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (79,)
    fix_hint = "pass default_filters=['h'] to Template/TemplateLookup"
    bandit = ("B702",)
    ruff = ("S702",)
    node_types = (ast.Call,)
    callees = _MAKO

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        filters = keyword(node, "default_filters")
        if filters is None:
            if has_kwargs_splat(node):
                return
        else:
            value = ctx.constant(filters)
            if value is UNKNOWN or (isinstance(value, (list, tuple)) and _ESCAPING_FILTERS & set(value)):
                return
        yield ctx.finding(self, node, f"`{ctx.call_name}` without the `h` filter writes values into HTML unescaped")
