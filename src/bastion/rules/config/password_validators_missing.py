"""CFG105: Django accepts any password (empty `AUTH_PASSWORD_VALIDATORS`)."""

from __future__ import annotations

from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, production_configs, where


class PasswordValidatorsMissing(WebAppRule):
    """## What it does
    Finds production Django settings (with `django.contrib.auth` installed) whose `AUTH_PASSWORD_VALIDATORS` is
    empty or not set at all (Django's built-in default is an empty list; only the `startproject` template fills it).

    ## Why is this bad?
    Without validators users may pick `123456` or their user name, and credential-stuffing lists open those
    accounts on the first try.

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    AUTH_PASSWORD_VALIDATORS = []
    ```

    ## Use instead
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    ]
    ```

    ## References
    - [Django: Password validation](https://docs.djangoproject.com/en/stable/topics/auth/passwords/#password-validation)
    - [CWE-521: Weak Password Requirements](https://cwe.mitre.org/data/definitions/521.html)
    """

    code = "CFG105"
    slug = "password-validators-missing"
    summary = "Django accepts any password (no `AUTH_PASSWORD_VALIDATORS`)"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (521,)
    fix_hint = "configure AUTH_PASSWORD_VALIDATORS (similarity, minimum length, common passwords, numeric)"
    tags = ("config", "passwords")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_password_validators(model)


def check_password_validators(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps_of("django"):
        for config in production_configs(app):
            apps = config.items("INSTALLED_APPS")
            if apps is not None and config.get("INSTALLED_APPS") and "django.contrib.auth" not in {a for a, _ in apps}:
                continue
            setting = config.get("AUTH_PASSWORD_VALIDATORS")
            if setting is None:
                verdict.problem(app.site, "AUTH_PASSWORD_VALIDATORS is not set: any password is accepted")
            elif setting.known and not setting.value:
                verdict.problem(setting.site, "AUTH_PASSWORD_VALIDATORS is empty: any password is accepted")
            elif setting.known:
                verdict.good(setting.site, f"{len(setting.value)} password validator(s)")
            else:
                verdict.unknown.append(f"AUTH_PASSWORD_VALIDATORS is computed at {where(setting)}")
    return verdict
