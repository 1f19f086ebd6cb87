"""CFG301: state-changing form routes without CSRF protection."""

from __future__ import annotations

from bastion.concepts.webapp import ProjectModel, WebApp
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import (
    Verdict,
    WebAppRule,
    middleware_setting,
    middleware_site,
    production_configs,
    truthy,
)


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


DJANGO_CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"


def check_csrf(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps:
        if app.framework == "flask":
            _flask_csrf(app, verdict)
        elif app.framework == "django":
            _django_csrf(app, verdict)
        elif app.components_of("session"):
            protection = app.components_of("csrf")
            for context in app.routes:
                route = context.route
                if route.changes_state and route.reads_form and not protection:
                    verdict.problem(
                        route.site,
                        f"`{route.name}` accepts a form under a cookie session and the app has no CSRF middleware",
                    )
            if protection:
                verdict.good(protection[0].site, "CSRF middleware")
    return verdict


def _flask_csrf(app: WebApp, verdict: Verdict) -> None:
    protection = app.components_of("csrf", "seasurf")
    disabled = None
    for config in production_configs(app):
        setting = config.get("WTF_CSRF_ENABLED")
        if setting is not None and setting.known and not truthy(setting.value):
            disabled = setting
    if disabled is not None:
        verdict.problem(disabled.site, "WTF_CSRF_ENABLED = False turns Flask-WTF's CSRF protection off")
    elif protection:
        verdict.good(protection[0].site, f"CSRF protection by {protection[0].library.rsplit('.', 1)[-1]}")
    for context in app.routes:
        route = context.route
        if not (route.changes_state and route.reads_form) or route.verifies_signature:
            continue
        if route.csrf_exempt is not None and protection:
            verdict.problem(route.csrf_exempt, f"`{route.name}` accepts a form and is exempt from CSRF protection")
        elif (not protection or disabled is not None) and not route.validates_form_token:
            verdict.problem(route.site, f"`{route.name}` accepts a form with no CSRF protection in the app")


def _django_csrf(app: WebApp, verdict: Verdict) -> None:
    for config in production_configs(app):
        setting, items = middleware_setting(config)
        if items is None:
            continue
        site = middleware_site(config, app, DJANGO_CSRF_MIDDLEWARE)
        if site is not None:
            verdict.good(site, "CsrfViewMiddleware enabled")
        else:
            verdict.problem(setting.site if setting else app.site, "`CsrfViewMiddleware` is missing from MIDDLEWARE")
    for context in app.routes:
        route = context.route
        if route.csrf_exempt is not None and route.changes_state and not route.drf and not route.verifies_signature:
            verdict.problem(route.csrf_exempt, f"`{route.name}` is exempt from CSRF protection (csrf_exempt)")
    for entry in app.url_entries:
        if any(wrapper.endswith("csrf_exempt") for wrapper in entry.wrappers):
            verdict.problem(entry.site, f"`{entry.view.rsplit('.', 1)[-1]}` is exempt from CSRF protection")
