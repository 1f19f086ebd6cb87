"""CFG104: Django's `PASSWORD_HASHERS` led by a fast hash."""

from __future__ import annotations

from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, production_configs, where


class WeakPasswordHasher(WebAppRule):
    """## What it does
    Finds a production Django settings module whose `PASSWORD_HASHERS` starts with `MD5PasswordHasher`,
    `UnsaltedMD5PasswordHasher`, `SHA1PasswordHasher`, `UnsaltedSHA1PasswordHasher` or `CryptPasswordHasher`. The
    first hasher is the one Django uses for every new and upgraded password. Test settings (which often use MD5 for
    speed) are skipped.

    ## Why is this bad?
    These hashes take nanoseconds: a stolen user table is cracked at billions of guesses per second. PBKDF2, Argon2,
    bcrypt and scrypt are slow on purpose.

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ```

    ## Use instead
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    ```

    ## References
    - [Django: Password management](https://docs.djangoproject.com/en/stable/topics/auth/passwords/)
    - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    - [CWE-916: Use of Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
    """

    code = "CFG104"
    slug = "weak-password-hasher"
    summary = "Django `PASSWORD_HASHERS` led by a fast hash"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (916, 328)
    fix_hint = "put Argon2PasswordHasher or PBKDF2PasswordHasher first; keep the old hasher after it to upgrade"
    tags = ("config", "passwords")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_password_hashers(model)


WEAK_HASHERS = frozenset(
    {
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.UnsaltedMD5PasswordHasher",
        "django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher",
        "django.contrib.auth.hashers.SHA1PasswordHasher",
        "django.contrib.auth.hashers.CryptPasswordHasher",
    }
)


def check_password_hashers(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps_of("django"):
        for config in production_configs(app):
            setting = config.get("PASSWORD_HASHERS")
            items = config.items("PASSWORD_HASHERS")
            if setting is None:
                verdict.good(app.site, "PASSWORD_HASHERS not set: Django's default (PBKDF2) hashes passwords")
            elif not items:
                verdict.unknown.append(f"PASSWORD_HASHERS is computed at {where(setting)}: check the first entry")
            elif items[0][0] in WEAK_HASHERS:
                verdict.problem(
                    items[0][1],
                    f"new passwords are hashed with `{items[0][0].rsplit('.', 1)[-1]}`, a fast hash that is cheap "
                    "to brute-force",
                )
            else:
                verdict.good(items[0][1], f"passwords hashed with {items[0][0].rsplit('.', 1)[-1]}")
    return verdict
