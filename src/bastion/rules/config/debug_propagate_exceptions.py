"""CFG309: Django `DEBUG_PROPAGATE_EXCEPTIONS = True` in production settings."""

from __future__ import annotations

from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, production_configs, truthy


class DebugPropagateExceptions(WebAppRule):
    """## What it does
    Finds `DEBUG_PROPAGATE_EXCEPTIONS = True` in production Django settings.

    ## Why is this bad?
    Django then skips its own error handling (`handler500`, the logging of 500 responses) and lets exceptions reach
    the WSGI/ASGI server, whose error page may show the exception and traceback to the visitor; the error is not
    logged by Django either.

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    DEBUG_PROPAGATE_EXCEPTIONS = True
    ```

    ## Use instead
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    DEBUG_PROPAGATE_EXCEPTIONS = False
    ```

    ## References
    - [Django: DEBUG_PROPAGATE_EXCEPTIONS](https://docs.djangoproject.com/en/stable/ref/settings/#debug-propagate-exceptions)
    - [CWE-209: Generation of Error Message Containing Sensitive Information](https://cwe.mitre.org/data/definitions/209.html)
    """

    code = "CFG309"
    slug = "debug-propagate-exceptions"
    summary = "Django `DEBUG_PROPAGATE_EXCEPTIONS` on in production settings"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (209, 755)
    fix_hint = "remove DEBUG_PROPAGATE_EXCEPTIONS from production settings"
    tags = ("config", "errors")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_propagate_exceptions(model)


def check_propagate_exceptions(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps_of("django"):
        for config in production_configs(app):
            setting = config.get("DEBUG_PROPAGATE_EXCEPTIONS")
            if setting is not None and setting.known and truthy(setting.value):
                verdict.problem(
                    setting.site,
                    "DEBUG_PROPAGATE_EXCEPTIONS = True skips Django's error pages: the server's own (possibly "
                    "detailed) error response is sent",
                )
            elif setting is None or setting.known:
                verdict.good(setting.site if setting else app.site, "DEBUG_PROPAGATE_EXCEPTIONS is off")
    return verdict
