"""CFG204: Django's `SecurityMiddleware` or `XFrameOptionsMiddleware` missing from `MIDDLEWARE`."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_django_middleware
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


class DjangoSecurityMiddlewareMissing(WebAppRule):
    """## What it does
    Finds production Django settings whose `MIDDLEWARE` (after split settings' `+=`, `.append` and `.remove`) lacks
    `django.middleware.security.SecurityMiddleware` or `django.middleware.clickjacking.XFrameOptionsMiddleware`.

    ## Why is this bad?
    `SecurityMiddleware` is what applies `SECURE_SSL_REDIRECT`, `SECURE_HSTS_SECONDS`, `nosniff` and
    `Referrer-Policy`: without it those settings silently do nothing. `XFrameOptionsMiddleware` sends
    `X-Frame-Options`; without it any site may frame yours (clickjacking).

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    MIDDLEWARE = [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
    ]
    ```

    ## Use instead
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]
    ```

    ## References
    - [Django: Security middleware](https://docs.djangoproject.com/en/stable/ref/middleware/#module-django.middleware.security)
    - [Django: Clickjacking protection](https://docs.djangoproject.com/en/stable/ref/clickjacking/)
    - [CWE-693: Protection Mechanism Failure](https://cwe.mitre.org/data/definitions/693.html)
    """

    code = "CFG204"
    slug = "django-security-middleware-missing"
    summary = "Django `SecurityMiddleware`/`XFrameOptionsMiddleware` missing from `MIDDLEWARE`"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (693, 1021)
    fix_hint = "add SecurityMiddleware first and XFrameOptionsMiddleware to MIDDLEWARE"
    tags = ("config", "headers", "django")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_django_middleware(model)
