"""CFG204: Django's `SecurityMiddleware` or `XFrameOptionsMiddleware` missing from `MIDDLEWARE`."""

from __future__ import annotations

from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import (
    DJANGO_SECURITY_MIDDLEWARE,
    DJANGO_XFRAME_MIDDLEWARE,
    Verdict,
    WebAppRule,
    middleware_setting,
    middleware_site,
    production_configs,
    where,
)


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


def check_django_middleware(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps_of("django"):
        for config in production_configs(app):
            setting, items = middleware_setting(config)
            if items is None:
                if setting is not None:
                    verdict.unknown.append(f"MIDDLEWARE is computed at {where(setting)}: check it by hand")
                continue
            anchor = setting.site if setting is not None else app.site
            names = {name for name, _ in items}
            for required, purpose in (
                (DJANGO_SECURITY_MIDDLEWARE, "HTTPS redirect, HSTS, nosniff and Referrer-Policy"),
                (DJANGO_XFRAME_MIDDLEWARE, "X-Frame-Options (clickjacking)"),
            ):
                if required in names:
                    verdict.good(middleware_site(config, app, required), f"{required.rsplit('.', 1)[-1]} enabled")
                else:
                    verdict.problem(
                        anchor,
                        f"`{required.rsplit('.', 1)[-1]}` is missing from MIDDLEWARE: no {purpose}",
                    )
    return verdict
