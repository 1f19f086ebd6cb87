"""CFG310: failed logins not logged."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_login_failure_logging
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


class LoginFailureNotLogged(WebAppRule):
    """## What it does
    Finds the branch of a login handler that rejects bad credentials (answers 401/403, aborts, or says "invalid",
    "incorrect", "failed"...) without a logging call in it (`log.warning(...)`, `logger.info(...)`,
    `current_app.logger...`, a project `audit_*`/`log_*` function). For Django's `LoginView` it looks for a
    `user_login_failed` signal receiver or django-axes. Informational, low confidence: logging may happen elsewhere.

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
