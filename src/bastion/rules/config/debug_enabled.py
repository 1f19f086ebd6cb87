"""CFG101: debug mode on in production settings."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_debug
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


class DebugEnabled(WebAppRule):
    """## What it does
    Finds `DEBUG = True` in the settings a production deployment uses: a Django settings module (followed through
    split settings and star imports, skipping `dev`/`local`/`test` profiles), a Flask config module or class loaded
    with `app.config.from_object`, `app.config["DEBUG"] = True`, `app.debug = True`, and `FastAPI(debug=True)` or
    `Starlette(debug=True)`. A value read from the environment is reported when its default is on.

    ## Why is this bad?
    In debug mode Django answers errors with a page of settings, environment, SQL and source; Flask (Werkzeug)
    serves an interactive debugger that runs Python typed in the browser; Starlette returns tracebacks. Any visitor
    who triggers an error reads secrets, or runs code.

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    DEBUG = True
    ```

    ## Use instead
    ```python file=settings.py
    import os

    INSTALLED_APPS = ["django.contrib.auth"]
    DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
    ```

    ## References
    - [Django: DEBUG](https://docs.djangoproject.com/en/stable/ref/settings/#debug)
    - [Flask: Debug mode](https://flask.palletsprojects.com/en/stable/debugging/)
    - [CWE-489: Active Debug Code](https://cwe.mitre.org/data/definitions/489.html)
    """

    code = "CFG101"
    slug = "debug-enabled"
    summary = "Debug mode on in production settings"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (489, 215)
    fix_hint = "turn DEBUG off in production settings; read it from the environment with a default of off"
    tags = ("config", "debug")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_debug(model)
