"""PAT904: `|safe` and `{% autoescape off %}` in Jinja2 and Django templates."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import TextContext, TextRule
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument

_TEMPLATE_SUFFIXES = frozenset({".jinja", ".jinja2", ".j2"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".djhtml", ".xml", ".txt"})
_TEMPLATE_FOLDERS = frozenset({"templates", "template", "jinja2", "jinja", "layouts", "partials", "includes"})
# `{{ value|safe }}`, `{{ items|safeseq }}`; a string literal before the filter is constant markup, not data.
_SAFE_FILTER = patterns.compile(r"\{\{-?\s*(?P<expr>[^}]*?)\|\s*(?P<filter>safe|safeseq)\b[^}]*\}\}")
_AUTOESCAPE_OFF = patterns.compile(r"\{%-?\s*autoescape\s+(?P<value>false|off)\s*-?%\}", ignore_case=True)


class TemplateAutoescapeOff(TextRule):
    """## What it does
    Scans Jinja2 and Django templates (`*.jinja`, `*.j2` anywhere; `*.html`, `*.htm`, `*.txt` ... under a
    `templates/` folder) for the `|safe` and `|safeseq` filters on variables and for `{% autoescape false %}`
    (Jinja2) / `{% autoescape off %}` (Django) blocks.

    ## Why is this bad?
    Both switch off HTML escaping for the values they cover. A value that a user influenced (a search term, a
    profile name, a comment) then reaches the page as markup, and its scripts run in every visitor's browser
    (cross-site scripting).

    ## Example
    ```html
    <h1>Results for {{ query|safe }}</h1>
    ```

    ## Use instead
    ```html
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
    summary = "`|safe` or `{% autoescape off %}` in a template"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (79, 116)
    fix_hint = "remove |safe / autoescape off; sanitise HTML where it is produced if it must stay HTML"

    def applies_to(self, file: SourceFile) -> bool:
        suffix = file.suffix
        if suffix in _TEMPLATE_SUFFIXES:
            return True
        if suffix not in _HTML_SUFFIXES:
            return False
        folders = file.rel.replace("\\", "/").split("/")[:-1]
        return any(folder.lower() in _TEMPLATE_FOLDERS for folder in folders)

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        text = document.text
        if "safe" not in text and "autoescape" not in text:
            return
        for number, line in enumerate(document.lines, start=1):
            for match in _SAFE_FILTER.finditer(line):
                if _is_string_literal(match.group("expr")):
                    continue
                yield ctx.finding(
                    self,
                    number,
                    f"`|{match.group('filter')}` writes `{match.group('expr').strip()}` into the page unescaped",
                    column=match.start() + 1,
                )
            for match in _AUTOESCAPE_OFF.finditer(line):
                yield ctx.finding(
                    self,
                    number,
                    f"`autoescape {match.group('value')}` writes every value in the block unescaped",
                    column=match.start() + 1,
                )


def _is_string_literal(expression: str) -> bool:
    """`'<br>'` or `"<hr>"`: a quoted constant, which no user can change."""
    text = expression.strip()
    return len(text) >= 2 and text[0] in "'\"" and text[-1] == text[0]
