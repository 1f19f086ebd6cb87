"""CFG203: security headers (CSP, X-Frame-Options, nosniff, Referrer-Policy) set nowhere."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_security_headers
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


class SecurityHeadersMissing(WebAppRule):
    """## What it does
    Lists, per application, the security headers that nothing in the project sets: `Content-Security-Policy`,
    `X-Frame-Options` (or a CSP `frame-ancestors`), `X-Content-Type-Options: nosniff` and `Referrer-Policy`.
    Counted as setting them: Flask-Talisman (each header unless its option turns it off), Django's
    `SecurityMiddleware` (nosniff, Referrer-Policy), `XFrameOptionsMiddleware`, django-csp or Django's CSP
    middleware, the `secure` package, and any code that writes the header (`response.headers[...] = ...` in an
    `after_request` hook or a middleware, `response["X-Frame-Options"] = ...`).

    ## Why is this bad?
    Without CSP, one injection becomes script execution; without X-Frame-Options, another site frames yours and
    tricks clicks (clickjacking); without nosniff, browsers may run an upload as script; without Referrer-Policy,
    full URLs (with tokens in them) leak to other sites.

    ## Example
    ```python file=app.py
    from flask import Flask

    app = Flask(__name__)
    ```

    ## Use instead
    ```python file=app.py
    from flask import Flask
    from flask_talisman import Talisman

    app = Flask(__name__)
    Talisman(app, content_security_policy={"default-src": "'self'"})
    ```

    ## References
    - [OWASP Secure Headers Project](https://owasp.org/www-project-secure-headers/)
    - [MDN: Content Security Policy](https://developer.mozilla.org/en-US/docs/Web/HTTP/CSP)
    - [CWE-693: Protection Mechanism Failure](https://cwe.mitre.org/data/definitions/693.html)
    - [CWE-1021: Improper Restriction of Rendered UI Layers](https://cwe.mitre.org/data/definitions/1021.html)
    """

    code = "CFG203"
    slug = "security-headers-missing"
    summary = "Security headers (CSP, X-Frame-Options, nosniff, Referrer-Policy) set nowhere"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (693, 1021)
    fix_hint = "set the headers with Flask-Talisman, Django's security middleware, or an after-request hook"
    tags = ("config", "headers")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_security_headers(model)
