"""PAT802: Jinja2 environments that do not escape HTML."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.fix import Applicability, Edit, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument, has_kwargs_splat, keyword
from bastion.semantic.constants import UNKNOWN

_ENVIRONMENTS = frozenset(
    {
        "jinja2.Environment",
        "jinja2.environment.Environment",
        "jinja2.sandbox.SandboxedEnvironment",
        "jinja2.sandbox.ImmutableSandboxedEnvironment",
    }
)
_SELECT = frozenset({"jinja2.select_autoescape", "jinja2.utils.select_autoescape"})
_HTML_EXTENSIONS = frozenset({"html", "htm", "xml", "xhtml", "jinja", "j2", "jinja2"})


class Jinja2Autoescape(AstRule):
    """## What it does
    Finds `jinja2.Environment` (and the sandboxed environments) created with `autoescape=False` or without
    `autoescape` (Jinja2's default is off), and `select_autoescape` given extensions that leave HTML out
    (`select_autoescape(["txt"])`). Flask's own environment escapes by default and is not concerned, and neither
    is an environment whose every `get_template` in the module names a text template (`config.cfg.template`,
    `mail.txt`, `settings.ini.j2`): nothing it renders reaches a browser. Nor is an environment given its own
    variable delimiters (`variable_start_string="<<"`, `"\\VAR{"`): that is how code generators and LaTeX or
    config templates keep Jinja's `{{ }}` out of the files they write, which are not HTML pages.

    ## Why is this bad?
    Without autoescaping, every `{{ value }}` is written into the page as raw HTML. Any value that a user
    influenced (a name, a comment, a search term) can carry `<script>` and run in other users' browsers
    (cross-site scripting).

    ## Example
    ```python
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader("templates"))
    ```

    ## Use instead
    ```python
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())
    ```

    ## Fix safety
    The fix passes `autoescape=select_autoescape()` (in place of `autoescape=False`, or added), importing
    `select_autoescape` from `jinja2` when needed: templates named `.html`, `.htm` or `.xml`, and templates from
    strings, are then escaped. It is unsafe: every page whose variables hold markup built on purpose (HTML from a
    Markdown renderer, a snippet from configuration) now shows that markup as text; mark such values safe where
    they are made (`markupsafe.Markup`) once you know they are. No fix when `autoescape` is computed, or with
    `**options`.

    ## References
    - [Jinja2: autoescaping](https://jinja.palletsprojects.com/en/stable/api/#autoescaping)
    - [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
    """

    code = "PAT802"
    slug = "jinja2-autoescape-off"
    summary = "Jinja2 environment without HTML autoescaping"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (79, 116)
    fix_hint = "create the environment with autoescape=select_autoescape() (or True)"
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.UNSAFE
    bandit = ("B701",)
    ruff = ("S701",)
    node_types = (ast.Call,)
    callees = _ENVIRONMENTS | _SELECT

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if name in _SELECT:
            extensions = ctx.constant(argument(node, 0, "enabled_extensions"))
            if isinstance(extensions, (list, tuple, set, frozenset)) and not _HTML_EXTENSIONS & {
                str(extension).lower().lstrip(".") for extension in extensions
            }:
                yield ctx.finding(self, node, "select_autoescape leaves .html templates unescaped")
            return
        autoescape = keyword(node, "autoescape")
        if _renders_only_text(node, ctx) or _own_delimiters(node, ctx):
            return
        if autoescape is None:
            if has_kwargs_splat(node) or len(node.args) > 10:
                return
            yield ctx.finding(
                self,
                node,
                f"`{name}` without autoescape: Jinja2 does not escape HTML by default",
                severity=Severity.MEDIUM,
                fix=_autoescape(node, None, ctx),
            )
            return
        value = ctx.constant(autoescape)
        if value is not UNKNOWN and not value:
            fix = _autoescape(node, autoescape, ctx) if isinstance(autoescape, ast.Constant) else None
            yield ctx.finding(self, node, f"`{name}` with autoescape off writes values into HTML unescaped", fix=fix)


def _renders_only_text(environment: ast.Call, ctx: ModuleContext) -> bool:
    """`env = Environment(...)` whose every `env.get_template(...)` in the module names a template that is not
    HTML (`config.cfg.template`, `email.txt`): nothing it renders reaches a
    browser. A template name built at run time, or none at all, proves nothing."""
    parent = ctx.parent
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    variable = parent.targets[0].id
    names: list[object] = []
    for node in ctx.module.nodes_of(ast.Call):
        if (
            isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == variable
            and node.func.attr in ("get_template", "select_template", "from_string", "get_or_select_template")
        ):
            names.append(ctx.constant(node.args[0]) if node.args and node.func.attr == "get_template" else None)
    return bool(names) and all(isinstance(name, str) and _text_template(name) for name in names)


def _own_delimiters(environment: ast.Call, ctx: ModuleContext) -> bool:
    """`Environment(variable_start_string="<<", ...)`: delimiters of its own, so that the `{{ }}` of the files it
    writes (Vue or Python sources, LaTeX, config) pass through; those files are not HTML pages."""
    start = ctx.constant(keyword(environment, "variable_start_string"))
    return isinstance(start, str) and start != "{{"


# Extensions of templates that render text, not markup.
_TEXT_EXTENSIONS = frozenset({"txt", "cfg", "ini", "conf", "toml", "yml", "yaml", "json", "sh", "py", "sql", "csv"})


def _text_template(name: str) -> bool:
    """`config.cfg.template`, `mail.txt`, `settings.ini.jinja`: the last extension that is not a template marker."""
    parts = [part.lower() for part in name.rsplit("/", 1)[-1].split(".")[1:]]
    meaningful = [part for part in parts if part not in ("template", "tmpl", "tpl", "jinja", "jinja2", "j2", "in")]
    return bool(meaningful) and meaningful[-1] in _TEXT_EXTENSIONS


def _autoescape(node: ast.Call, value: ast.expr | None, ctx: ModuleContext) -> Fix | None:
    """`autoescape=select_autoescape()`, in place of `value` or added to the call."""
    editor = ctx.editor
    reference = editor.import_reference("jinja2", "select_autoescape", ctx.scope, node)
    if reference is None:
        return None
    chooser = f"{reference.expression}()"
    edit = editor.replace(value, chooser) if value is not None else editor.add_keyword(node, f"autoescape={chooser}")
    if edit is None:
        return None
    edits: list[Edit] = [edit] if reference.edit is None else [edit, reference.edit]
    return Fix("Escape HTML and XML templates: `autoescape=select_autoescape()`", Applicability.UNSAFE, tuple(edits))
