"""PAT904: request or stored data written unescaped by a template (`|safe`, `{% autoescape off %}`), graded."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.concepts.sites import last_name
from bastion.concepts.templates import (
    RenderCall,
    TemplateOutputs,
    WrittenField,
    find_render_calls,
    find_written_fields,
    is_template_file,
    unescaped_outputs,
)
from bastion.core import patterns
from bastion.core.finding import Finding, Location
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import FactCollector, ProjectContext, ProjectRule
from bastion.semantic.module import PythonModule
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument


class TemplateOutputsCollector(FactCollector):
    """Where templates write values unescaped, and whether they render HTML."""

    name = "pat-template-outputs"
    fact_types = (TemplateOutputs,)

    def wants_text(self, file: SourceFile) -> bool:
        return is_template_file(file.rel)

    def collect_text(self, document: TextDocument) -> TemplateOutputs | None:
        return unescaped_outputs(document.rel, document.text)


class RenderCallsCollector(FactCollector):
    """Calls that render a template by name, and the context values that come from the request."""

    name = "pat-render-calls"
    fact_types = (RenderCall,)

    def collect_module(self, module: PythonModule) -> tuple[RenderCall, ...] | None:
        if "render" not in module.document.text and "TemplateResponse" not in module.document.text:
            return None
        return tuple(find_render_calls(module)) or None


class WrittenFieldsCollector(FactCollector):
    """Model fields the code writes from request data (what makes a stored value one a user chose)."""

    name = "pat-written-fields"
    fact_types = (WrittenField,)

    def collect_module(self, module: PythonModule) -> tuple[WrittenField, ...] | None:
        if "request" not in module.document.text:
            return None
        return tuple(find_written_fields(module)) or None


class TemplateAutoescapeOff(ProjectRule):
    """## What it does
    Finds values a template writes without HTML escaping — the `|safe` and `|safeseq` filters, and the variables of
    an `{% autoescape false %}` (Jinja2) / `{% autoescape off %}` (Django) block — and grades each by where the value
    comes from, joining the template to the code that renders it by name:

    - **high**: request data. The code renders the template with it (`render_template("results.html",
      query=request.args["q"])`, `render(request, "page.html", {"note": note})` where `note` was read from the
      request, a route's path parameter or a Django view's URL argument, a request header from `request.META`), or
      the template reads the request itself (`{{ request.GET.q|safe }}`). Also a stored field that the project writes
      from request data (`task.title = request.POST["title"]`, `Task(title=title)`) when the template writes that
      field of a row of that model.
    - **medium**: stored data that users write: a field of a row the view reads from the database
      (`Task.objects.get(pk=task_id)`, `get_object_or_404(Task, ...)`, `Task.query.get(...)`) and renders, and what
      the logged-in user chose about themselves (`{{ user.username|safe }}`, `current_user.name`).
    - **low**: a value an administrator configures (`settings.FOOTER`, `config.banner`, `site_settings...`).

    Not reported: constants, numbers, dates, identifiers and URLs (`.pk`, `*_at`, `get_absolute_url`,
    `url_for(...)`, `reverse`), values escaped or encoded before `|safe` (`|escape|safe`, `|urlencode|safe`), markup
    the server builds (`*_html` fields, a chart, a rendered Markdown document), and values whose source is not seen
    (a helper's result). Templates are Jinja2 files anywhere and `*.html`, `*.htm`, `*.txt` ... under a `templates/`
    folder; those that do not render HTML are left alone (`.txt` files, e-mail subjects and plain-text bodies, SMS
    and push texts, templates with no markup at all). On six real apps none of the 26 `|safe` uses that the first
    version of this rule reported is reported now: each was such a value.

    ## Why is this bad?
    Both switch off HTML escaping for the values they cover. Request data (a search term, a name in the URL) then
    reaches the page as markup, and its scripts run in the visitor's browser (reflected cross-site scripting); a
    title or user name someone saved runs in the browser of everyone who views it (stored cross-site scripting).

    ## Example
    ```python file=app.py
    from flask import Flask, render_template, request

    app = Flask(__name__)


    @app.route("/search")
    def search():
        query = request.args.get("q", "")
        return render_template("results.html", query=query)
    ```

    ```html file=templates/results.html
    <h1>Results for {{ query|safe }}</h1>
    ```

    ## Use instead
    ```python file=app.py
    from flask import Flask, render_template, request

    app = Flask(__name__)


    @app.route("/search")
    def search():
        query = request.args.get("q", "")
        return render_template("results.html", query=query)
    ```

    ```html file=templates/results.html
    <h1>Results for {{ query }}</h1>
    ```
    If the value really is HTML, sanitise it where it is made (`bleach.clean`, `nh3.clean`) and mark it safe
    there, next to the sanitiser, where a reviewer sees both.

    ## References
    - [Jinja2: working with automatic escaping](https://jinja.palletsprojects.com/en/stable/templates/#working-with-automatic-escaping)
    - [Django: the safe filter](https://docs.djangoproject.com/en/stable/ref/templates/builtins/#safe)
    - [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
    """

    code = "PAT904"
    slug = "template-autoescape-off"
    summary = "Request or stored data written unescaped by a template (`|safe` or `{% autoescape off %}`)"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (79, 116)
    fix_hint = "remove |safe / autoescape off; sanitise HTML where it is produced if it must stay HTML"
    collectors = (TemplateOutputsCollector, RenderCallsCollector, WrittenFieldsCollector)
    pure = True

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        renders: dict[str, list[RenderCall]] = {}
        for calls in project.facts_of(RenderCallsCollector).values():
            for call in calls or ():
                renders.setdefault(call.template.lstrip("/"), []).append(call)
        written: dict[tuple[str, str], WrittenField] = {}
        for fields in project.facts_of(WrittenFieldsCollector).values():
            for field in fields or ():
                written.setdefault((last_name(field.model), field.field), field)
        for path, outputs in sorted(project.facts_of(TemplateOutputsCollector).items()):
            if not isinstance(outputs, TemplateOutputs) or not outputs.renders_html:
                continue
            calls = [call for name, found in renders.items() if _names(path, name) for call in found]
            for output in outputs.outputs:
                grades = [_grade(expression, calls, written) for expression in output.expressions]
                worst = max((grade for grade in grades if grade is not None), key=lambda grade: grade[0], default=None)
                if worst is None:
                    continue
                severity, confidence, written_expression, why = worst
                what = f"`|{output.kind}`" if output.kind != "autoescape" else "`autoescape off`"
                yield project.finding(
                    self,
                    Location(path, output.line, output.column),
                    f"{what} writes `{written_expression}` unescaped: {why}",
                    severity=severity,
                    confidence=confidence,
                    snippet=project.source_line(path, output.line),
                )


Grade = tuple[Severity, Confidence, str, str]  # severity, confidence, the expression, why it matters

# Filters after which the value is escaped, a number, a date or a length: `|safe` adds nothing dangerous.
_NEUTRAL_FILTERS = frozenset(
    {
        "escape",
        "e",
        "force_escape",
        "escapejs",
        "urlencode",
        "iriencode",
        "json_script",
        "tojson",
        "striptags",
        "length",
        "count",
        "wordcount",
        "floatformat",
        "date",
        "time",
        "timesince",
        "timeuntil",
        "naturaltime",
        "naturalday",
        "filesizeformat",
        "intcomma",
        "int",
        "float",
        "round",
        "yesno",
        "pluralize",
        "slugify",
        "bleach",
        "clean",
        "sanitize",
        "sanitise",
    }
)
# Calls whose result the framework makes: URLs, static paths, CSRF fields, translations.
_FRAMEWORK_VALUES = frozenset(
    {"url_for", "url", "reverse", "static", "csrf_token", "csrf_input", "_", "gettext", "ngettext", "trans"}
)
# Attributes that hold numbers, dates, identifiers, URLs or markup the server builds, not text someone typed.
_NOT_TEXT = patterns.compile(
    r"^(id|pk|uuid|count|total|size|length|amount|price|cost|number|num|year|month|day|age|priority|position|rank"
    r"|score|percent|pct|url|href|link|get_absolute_url|html|markup|rendered|as_p|as_ul|as_table|as_div|media"
    r"|csrf_input|items|keys)$"
    r"|(_id|_pk|_count|_total|_at|_on|_date|_time|_url|_pct|_percent|_html|_num|_number)$"
    r"|^(is_|has_|date|time|created|updated|modified|timestamp)",
    ignore_case=True,
)
# What a user chose about themselves: the logged-in user object every Django/Flask-Login template sees.
_USER_ROOTS = frozenset({"user", "current_user"})
_IDENTITY_FIELDS = frozenset(
    {
        "username",
        "get_username",
        "first_name",
        "last_name",
        "full_name",
        "get_full_name",
        "get_short_name",
        "name",
        "display_name",
        "nickname",
        "email",
        "bio",
        "about",
        "signature",
    }
)
# Values an administrator configures: site settings, banners, configuration objects.
_ADMIN_ROOTS = patterns.compile(
    r"^(settings|config|conf|configuration|site_settings|site_config|site|get_config|banner|announcement|motd"
    r"|branding)$",
    ignore_case=True,
)
_PATH_PART = patterns.compile(r"[A-Za-z_]\w*")


def _grade(expression: str, calls: list[RenderCall], written: dict[tuple[str, str], WrittenField]) -> Grade | None:
    """How bad writing `expression` unescaped is: request data high, stored user data medium (high when the field is
    written from request data), administrator settings low; numbers, dates, URLs, escaped values nothing."""
    base, *filters = expression.split("|")
    if any(f.split(":", 1)[0].strip().lower() in _NEUTRAL_FILTERS for f in filters):
        return None
    parts = _PATH_PART.findall(base.split("(", 1)[0].split("[", 1)[0])
    if not parts or parts[0] in _FRAMEWORK_VALUES or (len(parts) > 1 and _NOT_TEXT.search(parts[-1])):
        return None
    root, attributes = parts[0], parts[1:]
    text = base.strip()
    for call in calls:
        if root in call.request_variables:
            where = f"{call.site.path}:{call.site.line}"
            return Severity.HIGH, Confidence.MEDIUM, text, f"{where} renders this template with request data for it"
    if root == "request" and attributes[:1] != ["user"]:
        return Severity.HIGH, Confidence.MEDIUM, text, "the template reads it from the request itself"
    for call in calls:
        stored = next((value for value in call.stored_values if value.key == root), None)
        if stored is None:
            continue
        model = last_name(stored.model)
        where = f"{call.site.path}:{call.site.line}"
        field = written.get((model, attributes[-1])) if attributes else None
        if field is not None:
            return (
                Severity.HIGH,
                Confidence.MEDIUM,
                text,
                f"a `{model}` row rendered at {where}, whose `{field.field}` is written from request data at "
                f"{field.site.path}:{field.site.line} (stored cross-site scripting)",
            )
        return (
            Severity.MEDIUM,
            Confidence.MEDIUM,
            text,
            f"a `{model}` row read from the database and rendered at {where}: stored data that users may write",
        )
    field = _written_field_of_model_named(root, attributes, written)
    if field is not None:
        return (
            Severity.HIGH,
            Confidence.MEDIUM,
            text,
            f"`{root}` holds `{last_name(field.model)}` rows (by its name), whose `{field.field}` is written from "
            f"request data at {field.site.path}:{field.site.line} (stored cross-site scripting)",
        )
    user_path = attributes[1:] if root == "request" else attributes
    if (root in _USER_ROOTS or root == "request") and user_path and user_path[-1] in _IDENTITY_FIELDS:
        return Severity.MEDIUM, Confidence.MEDIUM, text, "a value the user chose about themselves (stored data)"
    if _ADMIN_ROOTS.match(root):
        return Severity.LOW, Confidence.LOW, text, "a value an administrator configures"
    return None


def _written_field_of_model_named(
    root: str, attributes: list[str], written: dict[tuple[str, str], WrittenField]
) -> WrittenField | None:
    """The field written from request data of the model a context variable is named after (`notes` or `note` for
    `Note`, `blog_posts` for `BlogPost`), when the render call's value did not say where the rows come from (a
    helper's result: `notes=get_notes_for_user(user.id)`)."""
    if not attributes:
        return None
    singular = root.lower().replace("_", "")
    for name in (singular, singular.removesuffix("s"), singular.removesuffix("list")):
        for (model, field_name), field in written.items():
            if field_name == attributes[-1] and model.lower() == name:
                return field
    return None


def _names(path: str, template: str) -> bool:
    """Whether a render call's template name designates the template file at `path` (names are relative to a
    templates folder: `results.html`, `reports/base.html`)."""
    return path == template or path.endswith("/" + template)
