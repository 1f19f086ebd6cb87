"""PAT804: `mark_safe` / `Markup` / `format_html` on strings built at run time."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument
from bastion.semantic.constants import UNKNOWN

_MARK_SAFE = frozenset(
    {
        "django.utils.safestring.mark_safe",
        "django.utils.safestring.SafeString",
        "django.utils.safestring.SafeText",
        "django.utils.html.mark_safe",
        "markupsafe.Markup",
        "flask.Markup",
        "jinja2.Markup",
        "jinja2.utils.Markup",
    }
)
_FORMAT_HTML = frozenset({"django.utils.html.format_html"})
# Calls whose result is already escaped (or escapes what it is given): wrapping them is fine.
_ESCAPING = frozenset(
    {
        "django.utils.html.escape",
        "django.utils.html.conditional_escape",
        "django.utils.html.format_html",
        "django.utils.html.format_html_join",
        "django.utils.html.json_script",
        "django.utils.html.strip_tags",
        "django.template.loader.render_to_string",
        "django.utils.html.linebreaks",
        "markupsafe.escape",
        "markupsafe.Markup.escape",
        "html.escape",
        "flask.render_template",
        "bleach.clean",
        "bleach.linkify",
        "nh3.clean",
        "json.dumps",
    }
)


class MarkSafeNonConstant(AstRule):
    """## What it does
    Finds Django's `mark_safe`/`SafeString` and MarkupSafe's `Markup` (also via `flask.Markup` and
    `jinja2.Markup`) applied to strings built at run time, and `format_html` whose *format string* is built at
    run time. Wrapping a constant, or the result of an escaping function (`escape`, `format_html`,
    `render_to_string`, `bleach.clean`), or a concatenation of those, is not reported.

    ## Why is this bad?
    These functions tell the template engine "this string is already safe HTML; do not escape it". When part
    of it comes from a user, the user's markup (and scripts) reach the page unescaped: cross-site scripting.
    `format_html` escapes its *arguments*, not its format string, so an f-string passed to it is unescaped.

    ## Example
    ```python
    from django.utils.safestring import mark_safe


    def greeting(name):
        return mark_safe(f"<b>Hello {name}</b>")
    ```

    ## Use instead
    ```python
    from django.utils.html import format_html


    def greeting(name):
        return format_html("<b>Hello {}</b>", name)
    ```

    ## References
    - [Django: mark_safe](https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.safestring.mark_safe)
    - [MarkupSafe: Markup](https://markupsafe.palletsprojects.com/en/stable/escaping/#markupsafe.Markup)
    - [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
    """

    code = "PAT804"
    slug = "mark-safe-non-constant"
    summary = "`mark_safe`/`Markup`/`format_html` on a string built at run time"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (79,)
    fix_hint = "build the HTML with format_html('<b>{}</b>', value) (or Markup(...).format), which escapes values"
    bandit = ("B308", "B703", "B704")
    ruff = ("S308", "S704")
    node_types = (ast.Call,)
    callees = _MARK_SAFE | _FORMAT_HTML

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        value = argument(node, 0, "format_string" if name in _FORMAT_HTML else "s")
        if value is None or _already_safe(value, ctx):
            return
        if name in _FORMAT_HTML:
            yield ctx.finding(self, node, "`format_html` escapes its arguments, not a format string built at run time")
            return
        yield ctx.finding(self, node, f"`{name.rsplit('.', 1)[-1]}` marks a string built at run time as safe HTML")


def _already_safe(expr: ast.expr, ctx: ModuleContext) -> bool:
    """A constant, an escaping call, or a concatenation/f-string of only those."""
    if ctx.constant(expr) is not UNKNOWN:
        return True
    if isinstance(expr, ast.Call):
        callee = ctx.qualified_name(expr.func) or ""
        if callee in _ESCAPING or callee in _MARK_SAFE:
            return True
        # `"...".format(...)` on a constant is as unsafe as an f-string; `Markup("...").format(x)` escapes x.
        if isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
            receiver = expr.func.value
            return isinstance(receiver, ast.Call) and (ctx.qualified_name(receiver.func) or "") in _MARK_SAFE
        return False
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return _already_safe(expr.left, ctx) and _already_safe(expr.right, ctx)
    if isinstance(expr, ast.JoinedStr):
        return all(
            isinstance(part, ast.Constant) or _already_safe(part.value, ctx)  # type: ignore[attr-defined]
            for part in expr.values
        )
    return False
