"""CFG102: `SECRET_KEY` written in the source, or weak."""

from __future__ import annotations

from collections.abc import Iterable

from bastion.concepts.webapp import ProjectModel, WebApp
from bastion.concepts.webfacts import SettingValue, ValueSource
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, production_configs


class HardcodedSecretKey(WebAppRule):
    """## What it does
    Finds the signing key of a production configuration written in the source: Django's and Flask's
    `SECRET_KEY` (also `app.secret_key`, `app.config["SECRET_KEY"]`, Django's `settings.configure(SECRET_KEY=...)`,
    `JWT_SECRET_KEY`, `WTF_CSRF_SECRET_KEY`) and
    Starlette's `SessionMiddleware(secret_key=...)`, and keys that fall back to a literal when the environment
    variable is unset (`os.environ.get("SECRET_KEY", "dev")`). The message says when the key is also weak: short,
    few distinct characters, a placeholder, or Django's `django-insecure-` key. The key is never shown whole. When
    the app also loads configuration the scan cannot read (`app.config.from_pyfile(path)` with a path chosen at
    run time), the literal is a default the deployment may replace: reported at medium severity.

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


def check_secret_key(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app, setting in _secret_settings(model):
        shape = setting.secret
        name = setting.name
        if setting.source is ValueSource.LITERAL and shape is not None:
            weak = _weakness(shape.length, shape.distinct, shape.insecure_prefix, shape.placeholder)
            message = (
                f"{name} is written in the source (`{shape.preview}…`, {shape.length} characters){weak}; "
                "anyone with the code can forge sessions and tokens"
            )
            if app.config_is_opaque:
                # A default the deployment's own configuration file may replace: likely, not proven, in use.
                verdict.problem(
                    setting.site,
                    f"{message}, unless the configuration the app loads at run time ({_loads(app)}) replaces it",
                    severity=Severity.MEDIUM,
                    confidence=Confidence.MEDIUM,
                    context=shape.digest,
                )
                continue
            verdict.problem(setting.site, message, context=shape.digest)
        elif setting.source is ValueSource.ENV and shape is not None:
            verdict.problem(
                setting.site,
                f"{name} falls back to a key written in the source (`{shape.preview}…`) when the environment "
                "variable is unset",
                confidence=Confidence.MEDIUM,
                context=shape.digest,
            )
        elif setting.source is ValueSource.ENV:
            verdict.good(setting.site, f"{name} is read from the environment")
        elif setting.source is ValueSource.COMPUTED:
            verdict.good(setting.site, f"{name} is computed at start-up, not written in the source")
    return verdict


def _loads(app: WebApp) -> str:
    return ", ".join(f"`{load.method}` at {load.site}" for load in app.opaque_loads)


def _secret_settings(model: ProjectModel) -> Iterable[tuple[WebApp, SettingValue]]:
    for app in model.apps:
        for config in production_configs(app):
            for name in ("SECRET_KEY", "JWT_SECRET_KEY", "WTF_CSRF_SECRET_KEY"):
                setting = config.get(name)
                if setting is not None:
                    yield app, setting
        for component in app.components:
            for secret in component.secret_options:
                yield app, secret


def _weakness(length: int, distinct: int, insecure: bool, placeholder: bool) -> str:
    reasons = []
    if insecure:
        reasons.append("Django's `django-insecure-` development key")
    if length < 32:
        reasons.append("shorter than 32 characters")
    if distinct < 5:
        reasons.append("fewer than 5 distinct characters")
    if placeholder:
        reasons.append("a placeholder value")
    return f" and weak ({', '.join(reasons)})" if reasons else ""
