"""CFG201: plain HTTP not redirected to HTTPS."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_https_redirect
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


class HttpsRedirectMissing(WebAppRule):
    """## What it does
    Finds applications that never send plain-HTTP visitors to HTTPS: Django production settings without
    `SECURE_SSL_REDIRECT = True`, Flask apps without Flask-Talisman (or with `force_https=False`) or Flask-SSLify,
    FastAPI/Starlette apps without `HTTPSRedirectMiddleware`. Medium confidence: a proxy in front of the app may do
    the redirect, which the source does not show (say so with a suppression comment and its reason).

    ## Why is this bad?
    A page served over HTTP can be read and altered by anyone on the network path (public Wi-Fi, a hostile proxy),
    including the login form and the session cookie it sets.

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
    Talisman(app)
    ```

    ## References
    - [Django: SECURE_SSL_REDIRECT](https://docs.djangoproject.com/en/stable/ref/settings/#secure-ssl-redirect)
    - [Flask-Talisman](https://github.com/wntrblm/flask-talisman)
    - [Starlette: HTTPSRedirectMiddleware](https://www.starlette.io/middleware/#httpsredirectmiddleware)
    - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    """

    code = "CFG201"
    slug = "https-redirect-missing"
    summary = "Plain HTTP is not redirected to HTTPS"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (319,)
    fix_hint = "redirect to HTTPS in the app (SECURE_SSL_REDIRECT, Talisman, HTTPSRedirectMiddleware) or at the proxy"
    tags = ("config", "transport")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_https_redirect(model)
