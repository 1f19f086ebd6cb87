"""CFG305: login, token or password-reset route without a rate limit."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_login_rate_limit
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


class LoginWithoutRateLimit(WebAppRule):
    """## What it does
    Finds routes that check credentials or issue tokens (login, sign-in, token, password reset, one-time codes:
    by handler name or path, with POST) that no limiter covers: Flask-Limiter or slowapi (`@limiter.limit(...)`, or
    `default_limits`/`RATELIMIT_DEFAULT` for the whole app unless the route is `@limiter.exempt`), fastapi-limiter
    (`Depends(RateLimiter(...))`), django-ratelimit (`@ratelimit`), django-axes or django-defender in
    `INSTALLED_APPS`, REST framework throttles. Also Django's own `LoginView`/`PasswordResetView` (or
    `django.contrib.auth.urls`) routed without django-axes or a rate limit.

    ## Why is this bad?
    Without a limit an attacker tries thousands of passwords per minute against one account, or sprays common
    passwords over all of them (credential stuffing), and floods password-reset mail.

    ## Example
    ```python file=app.py
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/login", methods=["POST"])
    def login():
        return request.form["name"]
    ```

    ## Use instead
    ```python file=app.py
    from flask import Flask, request
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    app = Flask(__name__)
    limiter = Limiter(get_remote_address, app=app)


    @app.route("/login", methods=["POST"])
    @limiter.limit("5 per minute")
    def login():
        return request.form["name"]
    ```

    ## References
    - [Flask-Limiter](https://flask-limiter.readthedocs.io/)
    - [django-axes](https://django-axes.readthedocs.io/)
    - [OWASP Authentication Cheat Sheet: protect against automated attacks](https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks)
    - [CWE-307: Improper Restriction of Excessive Authentication Attempts](https://cwe.mitre.org/data/definitions/307.html)
    """

    code = "CFG305"
    slug = "login-without-rate-limit"
    summary = "Login, token or password-reset route without a rate limit"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (307,)
    fix_hint = "limit attempts per client and per account (Flask-Limiter, slowapi, django-axes, django-ratelimit)"
    tags = ("auth", "rate-limit")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_login_rate_limit(model)
