"""PAT904: request data written unescaped by a template (`|safe`, `{% autoescape off %}`)."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.concepts.templates import (
    RenderCall,
    TemplateOutputs,
    find_render_calls,
    is_template_file,
    unescaped_outputs,
)
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


class TemplateAutoescapeOff(ProjectRule):
    """## What it does
    Finds values a template writes without HTML escaping — the `|safe` and `|safeseq` filters, and the variables of
    an `{% autoescape false %}` (Jinja2) / `{% autoescape off %}` (Django) block — when the code renders that
    template with request data for that value: `render_template("results.html", query=request.args["q"])`,
    `render(request, "page.html", {"note": note})` where `note` was read from the request or is a path parameter of
    the route. Templates are Jinja2 files anywhere and `*.html`, `*.htm`, `*.txt` ... under a `templates/` folder;
    those that do not render HTML are left alone (`.txt` files, e-mail subjects and plain-text bodies, SMS and push
    texts, templates with no markup at all).

    Values that are not request data are not reported: HTML the server builds (a chart, a rendered Markdown
    document, a plugin's form), text an administrator writes, or numbers. On six real apps every one of the 26
    `|safe` uses that the earlier version of this rule reported was such a value. Whether a value read from the
    database holds what a user wrote (stored cross-site scripting) is a question for the taint rules, which follow
    the data.

    ## Why is this bad?
    Both switch off HTML escaping for the values they cover. Request data (a search term, a name in the URL) then
    reaches the page as markup, and its scripts run in the visitor's browser (reflected cross-site scripting).

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
    summary = "Request data written unescaped by a template (`|safe` or `{% autoescape off %}`)"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (79, 116)
    fix_hint = "remove |safe / autoescape off; sanitise HTML where it is produced if it must stay HTML"
    collectors = (TemplateOutputsCollector, RenderCallsCollector)
    pure = True

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        renders: dict[str, list[RenderCall]] = {}
        for calls in project.facts_of(RenderCallsCollector).values():
            for call in calls or ():
                renders.setdefault(call.template.lstrip("/"), []).append(call)
        for path, outputs in sorted(project.facts_of(TemplateOutputsCollector).items()):
            if not isinstance(outputs, TemplateOutputs) or not outputs.renders_html:
                continue
            calls = [call for name, found in renders.items() if _names(path, name) for call in found]
            for output in outputs.outputs:
                culprit = next(
                    (
                        (call, variable)
                        for call in calls
                        for variable in output.variables
                        if variable in call.request_variables
                    ),
                    None,
                )
                if culprit is None:
                    continue
                call, variable = culprit
                where = f"{call.site.path}:{call.site.line}"
                what = f"`|{output.kind}`" if output.kind != "autoescape" else "`autoescape off`"
                yield project.finding(
                    self,
                    Location(path, output.line, output.column),
                    f"{what} writes `{variable}` unescaped, and {where} renders this template with request data "
                    f"for `{variable}`",
                    snippet=project.source_line(path, output.line),
                )


def _names(path: str, template: str) -> bool:
    """Whether a render call's template name designates the template file at `path` (names are relative to a
    templates folder: `results.html`, `reports/base.html`)."""
    return path == template or path.endswith("/" + template)
