"""TNT301: untrusted input is sent to the browser as HTML without escaping."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class CrossSiteScripting(TaintRule):
    """## What it does
    Finds untrusted input in HTML responses: a string returned by a Flask view, `make_response`, `Response`, Django
    `HttpResponse`, FastAPI `HTMLResponse`, and text marked safe with `Markup` or `mark_safe`. A response whose
    content type is not HTML is left out: `Response(text, mimetype="text/plain")`, a `(body, status, headers)` tuple
    naming a text type, or a response object given one before it is returned (`r = make_response(text)`,
    `r.mimetype = "text/plain"` or `r.headers["Content-Type"] = "text/plain"`). Text escaped (`markupsafe.escape`,
    `html.escape`, Django `escape`) or rendered by an autoescaping template before it is marked safe is not
    reported, nor is a view's dict or list (sent as JSON) or `request.script_root` (set by the server, not the
    browser).

    ## Why is this bad?
    `<script>` in a query parameter echoed into the page runs in the victim's browser with the site's cookies and
    permissions (reflected XSS).

    ## Example
    ```python
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/hello")
    def hello():
        return "<h1>Hello " + request.args["name"] + "</h1>"
    ```

    ## Use instead
    ```python
    from markupsafe import escape
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/hello")
    def hello():
        return "<h1>Hello " + escape(request.args["name"]) + "</h1>"
    ```

    ## References
    - [OWASP: Cross Site Scripting Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html)
    - [CWE-79](https://cwe.mitre.org/data/definitions/79.html)
    """

    code = "TNT301"
    # With the path from the input shown, PAT804 sees the same `Markup`/`mark_safe` adds nothing on the same line.
    supersedes = ("PAT804",)
    slug = "cross-site-scripting"
    summary = "untrusted input is sent to the browser as HTML without escaping"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (79,)
    fix_hint = "render through an autoescaping template, or escape with `markupsafe.escape`/`html.escape`"
    bandit = ("B703", "B704")
    ruff = ("S704",)
    sink_concept = "HttpResponse"
    # Text marked safe (`Markup`, `mark_safe`) ends up in a page unescaped.
    extra_concepts = ("HtmlMarkup",)
    effect = "is sent to the browser as HTML"
