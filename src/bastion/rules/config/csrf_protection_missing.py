"""CFG301: state-changing form routes without CSRF protection."""

from __future__ import annotations

from bastion.concepts.classes import ClassIndex
from bastion.concepts.webapp import ProjectModel, WebApp
from bastion.concepts.webfacts import RouteFact, SettingValue
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
    Flask: a route that accepts a form or an upload (`request.form`, `request.files`) with POST/PUT/PATCH/DELETE in an
    app with no CSRF protection, or exempted with `@csrf.exempt`. Protection is Flask-WTF's `CSRFProtect` or
    Flask-SeaSurf (a Flask-WTF form checked with `validate_on_submit()`, or with `validate()` when its class is a
    project subclass of `FlaskForm`, made in the handler or by a function of its module, protects its own route), a
    `before_request` hook that compares a token from the request with the one in the session and refuses a mismatch
    (hand-written CSRF protection), or a session cookie set to `SESSION_COOKIE_SAMESITE = "Lax"` or `"Strict"`, which
    browsers leave off cross-site form posts. `WTF_CSRF_ENABLED = False`, and `WTF_CSRF_CHECK_DEFAULT = False`
    (CSRFProtect then checks only views that call `csrf.protect()`), are reported where they are set. Django:
    `CsrfViewMiddleware` missing from `MIDDLEWARE`, or `@csrf_exempt` on a state-changing view (REST framework views and
    webhooks that verify a signature are left alone). FastAPI/Starlette: form routes under
    `SessionMiddleware(same_site="none")` with no CSRF middleware; its default, SameSite=Lax, keeps the cookie off
    cross-site posts.

    Only handlers a forged request can harm are reported: ones that change state (a store into an attribute or the
    session, or any call not known to only read: `save`, `commit`, `send_mail`, a project's own helper) and that
    know their caller by the browser's cookie. A read-only view (a health check, a listing),
    a webhook that verifies a signature, and an endpoint that reads a credential from a header (`Authorization`,
    `X-Api-Key`, a token) are not.

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
        save_email(request.form["email"])
        return "saved"
    ```

    ## Use instead
    ```python file=app.py
    from flask import Flask, request
    from flask_wtf.csrf import CSRFProtect

    app = Flask(__name__)
    CSRFProtect(app)


    @app.route("/email", methods=["POST"])
    def change_email():
        save_email(request.form["email"])
        return "saved"
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
            _flask_csrf(app, verdict, model.classes)
        elif app.framework == "django":
            _django_csrf(app, verdict)
        elif app.components_of("session"):
            _asgi_csrf(app, verdict)
    return verdict


def _asgi_csrf(app: WebApp, verdict: Verdict) -> None:
    """Starlette's SessionMiddleware sends its cookie with SameSite=Lax unless told otherwise: browsers then leave
    it off cross-site form posts, which is what CSRF needs."""
    protection = app.components_of("csrf")
    if protection:
        verdict.good(protection[0].site, "CSRF middleware")
        return
    sessions = app.components_of("session")
    open_session = next((s for s in sessions if str(s.option("same_site", "lax")).lower() == "none"), None)
    if open_session is None:
        verdict.good(sessions[0].option_site("same_site"), "the session cookie is SameSite=Lax (Starlette's default)")
        return
    for context in app.routes:
        route = context.route
        if route.changes_state and route.reads_form and not route.verifies_signature:
            verdict.problem(
                route.site,
                f"`{route.name}` accepts a form under a cookie session sent cross-site (same_site='none') and the "
                "app has no CSRF middleware",
            )


def _flask_samesite(app: WebApp) -> SettingValue | None:
    """The production SESSION_COOKIE_SAMESITE setting when it keeps the cookie off cross-site posts."""
    for config in production_configs(app):
        setting = config.get("SESSION_COOKIE_SAMESITE")
        if setting is not None and setting.known and str(setting.value).lower() in ("lax", "strict"):
            return setting
    return None


def _flask_csrf(app: WebApp, verdict: Verdict, classes: ClassIndex) -> None:
    protection = app.components_of("csrf", "seasurf")
    disabled = None
    for config in production_configs(app):
        setting = config.get("WTF_CSRF_ENABLED")
        if setting is not None and setting.known and not truthy(setting.value):
            disabled = setting
        check_default = config.get("WTF_CSRF_CHECK_DEFAULT")
        if protection and check_default is not None and check_default.known and not truthy(check_default.value):
            disabled = check_default
    samesite = _flask_samesite(app)
    if disabled is not None:
        what = (
            "turns Flask-WTF's CSRF protection off"
            if disabled.name == "WTF_CSRF_ENABLED"
            else "makes CSRFProtect check no request unless a view calls csrf.protect()"
        )
        verdict.problem(disabled.site, f"{disabled.name} = False {what}")
    elif protection:
        verdict.good(protection[0].site, f"CSRF protection by {protection[0].library.rsplit('.', 1)[-1]}")
    elif app.csrf_checks:
        verdict.good(app.csrf_checks[0], "a before-request hook compares the request's CSRF token with the session's")
    elif samesite is not None:
        verdict.good(samesite.site, f"the session cookie is SameSite={samesite.value}")
    protected = (bool(protection) and disabled is None) or bool(app.csrf_checks) or samesite is not None
    for context in app.routes:
        route = context.route
        if not (route.changes_state and route.reads_form) or not _cookie_forgeable(route):
            continue
        if route.csrf_exempt is not None and protection:
            verdict.problem(route.csrf_exempt, f"`{route.name}` accepts a form and is exempt from CSRF protection")
        elif not protected and not route.validates_form_token and not _flask_wtf_validated(route, classes):
            verdict.problem(route.site, f"`{route.name}` accepts a form with no CSRF protection in the app")


_FLASK_WTF_FORMS = frozenset({"flask_wtf.FlaskForm", "flask_wtf.form.FlaskForm", "flask_wtf.Form"})


def _flask_wtf_validated(route: RouteFact, classes: ClassIndex) -> bool:
    """The handler validates a Flask-WTF form (`form.validate()`), which checks the form's CSRF token."""
    return any(classes.derives_from(form, _FLASK_WTF_FORMS) for form in route.validated_forms)


def _cookie_forgeable(route: RouteFact) -> bool:
    """A forged cross-site request can do harm here: the handler changes state and its caller is known by the
    browser's cookie, not by a signature or a credential in a header (a webhook, an API key, a bearer token)."""
    return route.writes_state and not route.verifies_signature and not route.header_authenticated


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
        if route.csrf_exempt is not None and route.changes_state and not route.drf and _cookie_forgeable(route):
            verdict.problem(route.csrf_exempt, f"`{route.name}` is exempt from CSRF protection (csrf_exempt)")
    for entry in app.url_entries:
        if any(wrapper.endswith("csrf_exempt") for wrapper in entry.wrappers):
            verdict.problem(entry.site, f"`{entry.view.rsplit('.', 1)[-1]}` is exempt from CSRF protection")
