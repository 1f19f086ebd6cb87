"""CFG301: state-changing form routes without CSRF protection."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_csrf
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


class CsrfProtectionMissing(WebAppRule):
    """## What it does
    Flask: a route that accepts a form or an upload (`request.form`, `request.files`) with POST/PUT/PATCH/DELETE in
    an app with no Flask-WTF `CSRFProtect` or Flask-SeaSurf (a Flask-WTF form checked with `validate_on_submit()`
    protects its own route), with `WTF_CSRF_ENABLED = False`, or exempted with `@csrf.exempt`. Django:
    `CsrfViewMiddleware` missing from `MIDDLEWARE`, or `@csrf_exempt` on a state-changing view (REST framework views
    and webhooks that verify a signature are left alone). FastAPI/Starlette: form routes under `SessionMiddleware`
    with no CSRF middleware.

    ## Why is this bad?
    The browser attaches the user's session cookie to a form that another site submits. Without a token the
    server cannot tell the user's own request from the forged one: the attacker changes the password, the e-mail
    address or anything else the form does.

    ## Example
    ```python file=app.py
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/email", methods=["POST"])
    def change_email():
        return request.form["email"]
    ```

    ## Use instead
    ```python file=app.py
    from flask import Flask, request
    from flask_wtf.csrf import CSRFProtect

    app = Flask(__name__)
    CSRFProtect(app)


    @app.route("/email", methods=["POST"])
    def change_email():
        return request.form["email"]
    ```

    ## References
    - [Flask-WTF: CSRF protection](https://flask-wtf.readthedocs.io/en/stable/csrf/)
    - [Django: Cross Site Request Forgery protection](https://docs.djangoproject.com/en/stable/ref/csrf/)
    - [OWASP CSRF Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html)
    - [CWE-352: Cross-Site Request Forgery](https://cwe.mitre.org/data/definitions/352.html)
    """

    code = "CFG301"
    slug = "csrf-protection-missing"
    summary = "State-changing form route without CSRF protection"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (352,)
    fix_hint = "enable CSRF protection app-wide (CSRFProtect, CsrfViewMiddleware) and remove the exemption"
    tags = ("config", "csrf")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_csrf(model)
