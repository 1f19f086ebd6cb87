"""CFG103: any Host header accepted (`ALLOWED_HOSTS = ["*"]`)."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_allowed_hosts
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


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
