"""PAT804: `mark_safe` / `Markup` / `format_html` on strings built at run time (opt-in)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument, keyword
from bastion.semantic.constants import UNKNOWN
from bastion.semantic.index import BindingKind

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


# Calls whose result holds no markup: URLs the router builds, numbers, dates, URL-encoded text.
_NO_MARKUP = frozenset(
    {
        "django.urls.reverse",
        "django.urls.reverse_lazy",
        "django.shortcuts.resolve_url",
        "flask.url_for",
        "builtins.len",
        "builtins.int",
        "builtins.float",
        "urllib.parse.urlencode",
        "urllib.parse.quote",
        "urllib.parse.quote_plus",
        "babel.dates.format_date",
        "babel.dates.format_datetime",
        "babel.dates.format_time",
        "django.utils.formats.date_format",
    }
)
_NO_MARKUP_METHODS = frozenset({"get_absolute_url", "isoformat", "strftime", "url_for"})
# Translation functions: the translation of a constant is written by the project's translators.
_TRANSLATIONS = frozenset({"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "pgettext", "lazy_gettext"})
_MARKDOWN_MAKERS = frozenset({"mistune.create_markdown", "mistune.Markdown", "mistune.markdown"})


class MarkSafeNonConstant(AstRule):
    """## What it does
    Finds Django's `mark_safe`/`SafeString` and MarkupSafe's `Markup` (also via `flask.Markup` and
    `jinja2.Markup`) applied to strings built at run time, and `format_html` whose *format string* is built at
    run time. Wrapping a constant, or the result of an escaping function (`escape`, `format_html`,
    `render_to_string`, `bleach.clean`, a Markdown renderer made with `escape=True`), a value that holds no markup
    (a URL from `reverse()`/`url_for()`/`get_absolute_url()`, a number, a date, the translation of a constant), a
    local name every assignment of which is one of those, or a concatenation, f-string, `.format` or `%` of only
    those, is not reported. HTML read from the app's configuration is reported at low severity: only an
    administrator can set it.

    Off by default: select it with `--select PAT804` (or `--extend-select PAT804`) to review every place that
    marks built HTML as safe. On six real maintained apps none of its findings was a flaw (a model's name, the
    output of installed plugins, HTML from the app's own settings, a value checked against a fixed list): what
    reaches these calls is rarely known from the call alone. Request data that reaches `mark_safe`, `Markup` or
    `format_html`'s format string is reported by the taint rule TNT301, which is on by default.

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
    default_enabled = False
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
        function = name.rsplit(".", 1)[-1]
        if _from_configuration(value, ctx):
            yield ctx.finding(
                self,
                node,
                f"`{function}` marks HTML from the app's configuration as safe: only an administrator can set it",
                severity=Severity.LOW,
                confidence=Confidence.LOW,
            )
            return
        yield ctx.finding(self, node, f"`{function}` marks a string built at run time as safe HTML")


def _already_safe(expr: ast.expr, ctx: ModuleContext, depth: int = 0) -> bool:
    """A constant, an escaping call, a value that cannot hold markup (a URL made by the router, a number, a date,
    a translation of a constant), a local name every assignment of which is one of those, or a concatenation,
    f-string, `.format` or `%` of only those."""
    if depth > 4:
        return False
    if ctx.constant(expr) is not UNKNOWN:
        return True
    if isinstance(expr, ast.Name):
        return _bound_to_safe(expr, ctx, depth)
    if isinstance(expr, ast.Call):
        return _safe_call(expr, ctx, depth)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return _already_safe(expr.left, ctx, depth + 1) and _already_safe(expr.right, ctx, depth + 1)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod) and ctx.constant(expr.left) is not UNKNOWN:
        values = expr.right.elts if isinstance(expr.right, ast.Tuple) else [expr.right]
        return all(_already_safe(value, ctx, depth + 1) for value in values)
    if isinstance(expr, ast.JoinedStr):
        return all(
            isinstance(part, ast.Constant) or _already_safe(part.value, ctx, depth + 1)  # type: ignore[attr-defined]
            for part in expr.values
        )
    return False


def _bound_to_safe(name: ast.Name, ctx: ModuleContext, depth: int) -> bool:
    """`classes = "icon-true" if ... else "icon-false"` or one constant per branch: every binding of the local name
    is an assignment of a safe value."""
    bindings = ctx.index.lookup(name.id, ctx.scope)
    return bool(bindings) and all(
        binding.kind is BindingKind.ASSIGNMENT
        and binding.value is not None
        and _already_safe(binding.value, ctx, depth + 1)
        for binding in bindings
    )


def _safe_call(call: ast.Call, ctx: ModuleContext, depth: int) -> bool:
    callee = ctx.qualified_name(call.func) or ""
    if callee in _ESCAPING or callee in _MARK_SAFE or callee in _NO_MARKUP:
        return True
    method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    if method in _NO_MARKUP_METHODS:
        return True
    if callee.rsplit(".", 1)[-1] in _TRANSLATIONS:
        return bool(call.args) and ctx.constant(call.args[0]) is not UNKNOWN
    if method == "format":
        receiver = call.func.value  # type: ignore[attr-defined]
        # `Markup("...").format(x)` escapes x; `"...".format(x)` on a constant is safe only if every x is.
        if isinstance(receiver, ast.Call) and (ctx.qualified_name(receiver.func) or "") in _MARK_SAFE:
            return True
        arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
        return ctx.constant(receiver) is not UNKNOWN and all(
            _already_safe(argument, ctx, depth + 1) for argument in arguments
        )
    return _escaping_renderer(call.func, ctx)


def _escaping_renderer(func: ast.expr, ctx: ModuleContext) -> bool:
    """`render = mistune.create_markdown(escape=True)`; `render(text)` is escaped HTML."""
    if not isinstance(func, ast.Name):
        return False
    bindings = ctx.index.lookup(func.id, ctx.scope)
    if len(bindings) != 1 or not isinstance(bindings[0].value, ast.Call):
        return False
    maker = bindings[0].value
    escape = keyword(maker, "escape")
    return (
        (ctx.qualified_name(maker.func) or "") in _MARKDOWN_MAKERS
        and escape is not None
        and ctx.constant(escape) is True
    )


def _from_configuration(expr: ast.expr, ctx: ModuleContext) -> bool:
    """HTML the operator configures (`current_app.config.get("BANNER_HTML")`, `settings.BANNER`), directly or
    through a local name bound once to it."""
    if isinstance(expr, ast.Name):
        bindings = ctx.scope.bindings.get(expr.id, [])
        if len(bindings) != 1 or bindings[0].value is None:
            return False
        expr = bindings[0].value
    for part in ast.walk(expr):
        if isinstance(part, ast.Attribute) and part.attr == "config":
            return True
        if isinstance(part, (ast.Attribute, ast.Name)) and (ctx.qualified_name(part) or "").startswith(
            "django.conf.settings."
        ):
            return True
    return False
