"""CFG202: no HSTS header, or a short max-age."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_hsts
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


class HstsMissing(WebAppRule):
    """## What it does
    Finds applications that send no `Strict-Transport-Security` header, or one with a max-age under 180 days
    (15552000 seconds): Django's `SECURE_HSTS_SECONDS` unset or small, Flask-Talisman with
    `strict_transport_security=False` or a short `strict_transport_security_max_age`, or no HSTS header set anywhere
    in the code of a Flask/FastAPI/Starlette app.

    ## Why is this bad?
    A redirect to HTTPS still starts with one plain-HTTP request, which an attacker on the network can answer
    instead (SSL stripping). HSTS tells the browser to use HTTPS for the site from then on, without asking; a
    short max-age lets the protection lapse between visits.

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    SECURE_HSTS_SECONDS = 3600
    ```

    ## Use instead
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    ```

    ## References
    - [Django: HTTP Strict Transport Security](https://docs.djangoproject.com/en/stable/ref/middleware/#http-strict-transport-security)
    - [MDN: Strict-Transport-Security](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security)
    - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    """

    code = "CFG202"
    slug = "hsts-missing"
    summary = "No HSTS header, or a short max-age"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (319, 523)
    fix_hint = "send Strict-Transport-Security with max-age of at least 180 days (one year is usual)"
    tags = ("config", "transport", "headers")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_hsts(model)
