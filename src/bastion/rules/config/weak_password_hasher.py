"""CFG104: Django's `PASSWORD_HASHERS` led by a fast hash."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_password_hashers
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


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
