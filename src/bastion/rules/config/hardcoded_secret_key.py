"""CFG102: `SECRET_KEY` written in the source, or weak."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_secret_key
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


class HardcodedSecretKey(WebAppRule):
    """## What it does
    Finds the signing key of a production configuration written in the source: Django's and Flask's
    `SECRET_KEY` (also `app.secret_key`, `app.config["SECRET_KEY"]`, `JWT_SECRET_KEY`, `WTF_CSRF_SECRET_KEY`) and
    Starlette's `SessionMiddleware(secret_key=...)`, and keys that fall back to a literal when the environment
    variable is unset (`os.environ.get("SECRET_KEY", "dev")`). The message says when the key is also weak: short,
    few distinct characters, a placeholder, or Django's `django-insecure-` key. The key is never shown whole.

    ## Why is this bad?
    The secret key signs sessions, password-reset links and CSRF tokens. Whoever reads it (in the repository, a
    fork, a leaked image) can forge a session for any user, admin included.

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    SECRET_KEY = "not-so-secret-change-me"
    ```

    ## Use instead
    ```python file=settings.py
    import os

    INSTALLED_APPS = ["django.contrib.auth"]
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    ```

    ## References
    - [Django: SECRET_KEY](https://docs.djangoproject.com/en/stable/ref/settings/#secret-key)
    - [Flask: SECRET_KEY](https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY)
    - [CWE-321: Use of Hard-coded Cryptographic Key](https://cwe.mitre.org/data/definitions/321.html)
    """

    code = "CFG102"
    slug = "insecure-secret-key-setting"
    summary = "`SECRET_KEY` written in the source or weak"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (321, 798)
    fix_hint = "read the key from the environment or a secrets manager, with no literal fallback"
    tags = ("config", "secrets")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_secret_key(model)
