"""CFG310: failed logins not logged."""

from __future__ import annotations

from bastion.concepts.logins import is_django_login_entry, login_routes
from bastion.concepts.webapp import ProjectModel, nearest
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, app_wide_limits


class LoginFailureNotLogged(WebAppRule):
    """## What it does
    Finds the branch of a login handler that rejects bad credentials (answers 401/403, aborts, or says "invalid",
    "incorrect", "failed"...) without a logging call in it (`log.warning(...)`, `logger.info(...)`,
    `current_app.logger...`, a project `audit_*`/`log_*` function or its own `log(...)` helper, not `math.log`).
    For Django's `LoginView` it looks for a `user_login_failed` signal receiver or django-axes. Informational, low
    confidence: logging may happen elsewhere.

    ## Why is this bad?
    Failed logins are the trace of password guessing and credential stuffing. Without them in the logs nobody
    notices an attack in progress, alerting cannot trigger, and an incident cannot be reconstructed.

    ## Example
    ```python file=app.py
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/login", methods=["POST"])
    def login():
        if request.form["password"] != "x":
            return "invalid credentials", 401
        return "welcome"
    ```

    ## Use instead
    ```python file=app.py
    import logging

    from flask import Flask, request

    app = Flask(__name__)
    log = logging.getLogger(__name__)


    @app.route("/login", methods=["POST"])
    def login():
        if request.form["password"] != "x":
            log.warning("failed login from %s", request.remote_addr)
            return "invalid credentials", 401
        return "welcome"
    ```

    ## References
    - [OWASP Logging Cheat Sheet: which events to log](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#which-events-to-log)
    - [CWE-778: Insufficient Logging](https://cwe.mitre.org/data/definitions/778.html)
    """

    code = "CFG310"
    slug = "login-failure-not-logged"
    summary = "Failed logins are not logged"
    severity = Severity.INFO
    confidence = Confidence.LOW
    cwe = (778, 223)
    fix_hint = "log each failed login (user name, client address, never the password)"
    tags = ("logging", "auth")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_login_failure_logging(model)


def check_login_failure_logging(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for context in login_routes(model):
        for branch in context.route.failure_branches:
            if branch.logged is not None:
                verdict.good(branch.logged, f"failed logins in `{context.route.name}` are logged")
            else:
                verdict.problem(
                    branch.site, f"`{context.route.name}` rejects bad credentials without logging the failure"
                )
    django_apps = [(app.path, app) for app in model.apps_of("django")]
    receivers = model.evidence("login_failed_receivers")
    for app in model.apps_of("django"):
        wide, _ = app_wide_limits(app)
        own = [site for site in receivers if nearest(django_apps, site.path) is app]
        for entry in app.url_entries:
            if not is_django_login_entry(entry):
                continue
            if own:
                verdict.good(own[0], "a user_login_failed receiver records failed logins")
            elif wide is not None:
                verdict.good(wide, "django-axes records failed logins")
            else:
                verdict.problem(
                    entry.site,
                    "failed Django logins are not recorded (no user_login_failed receiver, no django-axes)",
                )
    return verdict
