"""CFG205: session and CSRF cookies without Secure, HttpOnly or SameSite."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_session_cookies
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


class InsecureSessionCookie(WebAppRule):
    """## What it does
    Checks the flags of the cookies the framework itself sets. Flask: `SESSION_COOKIE_SECURE` (default off),
    `SESSION_COOKIE_HTTPONLY`, `SESSION_COOKIE_SAMESITE` (default none), and with Flask-Login the `REMEMBER_COOKIE_*`
    ones; Flask-Talisman's session-cookie options count. Django: `SESSION_COOKIE_SECURE` and `CSRF_COOKIE_SECURE`
    (default off), `SESSION_COOKIE_HTTPONLY`, `SESSION_COOKIE_SAMESITE`, `CSRF_COOKIE_SAMESITE`. Starlette's
    `SessionMiddleware` without `https_only=True` or with `same_site="none"`. An insecure value is reported where it
    is set; an insecure default left in place is reported at the app (or the settings module).

    ## Why is this bad?
    Without `Secure` the session cookie travels over any plain-HTTP request, where it can be read; without
    `HttpOnly` one XSS steals it; without `SameSite` the browser sends it on cross-site requests, which is what
    CSRF needs.

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = True
    ```

    ## Use instead
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    ```

    ## References
    - [Flask: Security considerations, Set-Cookie options](https://flask.palletsprojects.com/en/stable/web-security/#set-cookie-options)
    - [Django: SESSION_COOKIE_SECURE](https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-secure)
    - [CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute](https://cwe.mitre.org/data/definitions/614.html)
    - [CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag](https://cwe.mitre.org/data/definitions/1004.html)
    """

    code = "CFG205"
    slug = "insecure-session-cookie"
    summary = "Session or CSRF cookie without Secure, HttpOnly or SameSite"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (614, 1004, 1275)
    fix_hint = "set SESSION_COOKIE_SECURE = True, SESSION_COOKIE_HTTPONLY = True, SESSION_COOKIE_SAMESITE = 'Lax'"
    tags = ("config", "cookies")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_session_cookies(model)
