"""TNT104: untrusted input becomes the source of a server-side template (SSTI)."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class TemplateInjection(TaintRule):
    """## What it does
    Finds untrusted input that becomes template source: Flask `render_template_string`, `jinja2.Template`,
    `Environment.from_string`, Django `Template`. A Jinja2 `SandboxedEnvironment` or `ImmutableSandboxedEnvironment`
    (made here, or returned by a function of the module declared to return one) is not reported: its templates
    cannot reach Python's internals, which is what it is for (user-written notification or e-mail templates).

    ## Why is this bad?
    Template languages reach Python objects: `{{ cycler.__init__.__globals__.os.popen('id').read() }}` in Jinja2
    runs a command. Input must be a template *variable*, never part of the template text.

    ## Example
    ```python
    from flask import Flask, render_template_string, request

    app = Flask(__name__)


    @app.route("/hello")
    def hello():
        return render_template_string("<h1>Hello " + request.args["name"] + "</h1>")
    ```

    ## Use instead
    ```python
    from flask import Flask, render_template_string, request

    app = Flask(__name__)


    @app.route("/hello")
    def hello():
        return render_template_string("<h1>Hello {{ name }}</h1>", name=request.args["name"])
    ```

    ## References
    - [PortSwigger: Server-side template injection](https://portswigger.net/web-security/server-side-template-injection)
    - [CWE-1336](https://cwe.mitre.org/data/definitions/1336.html)
    """

    code = "TNT104"
    slug = "template-injection"
    summary = "untrusted input becomes the source of a server-side template (SSTI)"
    severity = Severity.CRITICAL
    confidence = Confidence.HIGH
    cwe = (1336, 94)
    fix_hint = (
        'keep templates constant and pass input as variables: `render_template_string("Hello {{ name }}", name=name)`'
    )
    bandit = ()
    ruff = ()
    sink_concept = "TemplateConstruction"
    effect = "is compiled as a template"
