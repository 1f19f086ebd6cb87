"""CFG103: any Host header accepted (`ALLOWED_HOSTS = ["*"]`)."""

from __future__ import annotations

from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, production_configs, where


class AllowedHostsWildcard(WebAppRule):
    """## What it does
    Finds `'*'` in Django's `ALLOWED_HOSTS` of a production settings module, and `TrustedHostMiddleware` given
    `allowed_hosts=["*"]` in FastAPI/Starlette.

    ## Why is this bad?
    The Host header is chosen by the client. Django builds absolute URLs from it (password-reset e-mails, redirects,
    `request.build_absolute_uri()`); with any host accepted, an attacker requests a reset for a victim with
    `Host: evil.example` and receives the link the victim clicks. Caches keyed on the host can be poisoned too.

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    ALLOWED_HOSTS = ["*"]
    ```

    ## Use instead
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    ALLOWED_HOSTS = ["shop.example.com"]
    ```

    ## References
    - [Django: ALLOWED_HOSTS](https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts)
    - [Django: Host header validation](https://docs.djangoproject.com/en/stable/topics/security/#host-header-validation)
    - [CWE-183: Permissive List of Allowed Inputs](https://cwe.mitre.org/data/definitions/183.html)
    """

    code = "CFG103"
    slug = "allowed-hosts-wildcard"
    summary = "Any Host header accepted (`ALLOWED_HOSTS = ['*']`)"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (183, 644)
    fix_hint = "list the host names the site is served under"
    tags = ("config",)

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_allowed_hosts(model)


def check_allowed_hosts(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps_of("django"):
        for config in production_configs(app):
            setting = config.get("ALLOWED_HOSTS")
            items = config.items("ALLOWED_HOSTS")
            if setting is None or items is None:
                if setting is not None:
                    verdict.unknown.append(f"ALLOWED_HOSTS is computed at {where(setting)}: check it by hand")
                continue
            wildcard = [site for host, site in items if host.strip() == "*"]
            if wildcard:
                verdict.problem(wildcard[0], "ALLOWED_HOSTS accepts any Host header ('*')")
            elif items:
                verdict.good(setting.site, f"ALLOWED_HOSTS lists {len(items)} host(s)")
    for app in model.apps_of("fastapi", "starlette"):
        for component in app.components_of("trusted-host"):
            hosts = component.option("allowed_hosts")
            if isinstance(hosts, (list, tuple)) and "*" in hosts:
                verdict.problem(
                    component.option_site("allowed_hosts"),
                    "TrustedHostMiddleware allows any Host header ('*')",
                )
            elif hosts:
                verdict.good(component.site, "TrustedHostMiddleware restricts the Host header")
    for app in model.apps_of("flask"):
        for config in production_configs(app):
            trusted = config.get("TRUSTED_HOSTS")
            if trusted is not None:
                verdict.good(trusted.site, "TRUSTED_HOSTS restricts the Host header")
            else:
                verdict.unknown.append(
                    f"{app.label} ({app.path}) does not validate the Host header (TRUSTED_HOSTS, Flask 3.1+): "
                    "check that the proxy forwards only your host names"
                )
    return verdict
