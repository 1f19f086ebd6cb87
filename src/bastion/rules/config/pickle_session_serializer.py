"""CFG106: Django sessions serialised with pickle (`SESSION_SERIALIZER = "...PickleSerializer"`)."""

from __future__ import annotations

from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, production_configs, where

# Django's own class, and the project copies kept after Django 5.0 removed it (`myapp.serializers.PickleSerializer`).
PICKLE_SERIALIZER_NAME = "PickleSerializer"
# Session engines that keep the serialised session in the browser: whoever knows SECRET_KEY writes the pickle.
CLIENT_SIDE_ENGINES = frozenset({"django.contrib.sessions.backends.signed_cookies"})


class PickleSessionSerializer(WebAppRule):
    """## What it does
    Finds a production Django settings module whose `SESSION_SERIALIZER` is
    `django.contrib.sessions.serializers.PickleSerializer` (or a project class of that name, kept after Django 5.0
    removed it). It is high severity when the sessions are kept in a
    signed cookie (`SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"`), medium when they are kept on
    the server. Django's default (`JSONSerializer`, since Django 1.6) is not reported.

    ## Why is this bad?
    Unpickling runs code chosen by whoever wrote the bytes. With cookie sessions, the bytes come from the browser,
    protected only by `SECRET_KEY`: a leaked, default or hard-coded key turns every request into remote code
    execution. With server-side sessions, anyone who can write to the session store (a shared cache, Redis without
    a password) gets the same. Django deprecated the class in 4.1 and removed it in 5.0 for this reason.

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.sessions"]
    SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    SESSION_SERIALIZER = "django.contrib.sessions.serializers.PickleSerializer"
    ```

    ## Use instead
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.sessions"]
    SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
    ```
    Store only JSON-friendly values in the session (ids, strings, numbers) and load objects from the database.

    ## References
    - [Django: Session serialization](https://docs.djangoproject.com/en/4.2/topics/http/sessions/#session-serialization)
    - [OWASP Deserialization Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Deserialization_Cheat_Sheet.html)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    """

    code = "CFG106"
    slug = "pickle-session-serializer"
    summary = "Django sessions serialised with pickle"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (502,)
    fix_hint = "use django.contrib.sessions.serializers.JSONSerializer (Django's default)"
    tags = ("config", "sessions", "deserialization")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_session_serializer(model)


def check_session_serializer(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps_of("django"):
        for config in production_configs(app):
            serializer = config.get("SESSION_SERIALIZER")
            if serializer is None:
                verdict.good(app.site, "SESSION_SERIALIZER not set: Django's default (JSON) serialises sessions")
                continue
            if not serializer.known:
                verdict.unknown.append(f"SESSION_SERIALIZER is computed at {where(serializer)}")
                continue
            if str(serializer.value).rsplit(".", 1)[-1] != PICKLE_SERIALIZER_NAME:
                verdict.good(serializer.site, f"sessions serialised with {str(serializer.value).rsplit('.', 1)[-1]}")
                continue
            engine_known, engine = config.known_value("SESSION_ENGINE")
            if engine_known and engine in CLIENT_SIDE_ENGINES:
                verdict.problem(
                    serializer.site,
                    "sessions are pickled into a signed cookie: anyone who learns SECRET_KEY sends a cookie that "
                    "runs code on the server",
                )
            else:
                verdict.problem(
                    serializer.site,
                    "sessions are pickled: whoever can write to the session store runs code on the server",
                    severity=Severity.MEDIUM,
                )
    return verdict
