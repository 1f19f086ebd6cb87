"""CFG205: session and CSRF cookies without Secure, HttpOnly or SameSite."""

from __future__ import annotations

from typing import Any

from bastion.concepts.webapp import ProjectModel
from bastion.concepts.webfacts import Component, Site, ValueSource
from bastion.core.fix import Applicability, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import ProjectContext
from bastion.rules.config._cookies import cookie_cwes
from bastion.rules.config.web_rule import (
    Problem,
    Verdict,
    WebAppRule,
    opaque_note,
    option_site,
    production_configs,
    setting_fix,
    truthy,
    where,
)


class InsecureSessionCookie(WebAppRule):
    """## What it does
    Checks the flags of the cookies the framework itself sets. Flask: `SESSION_COOKIE_SECURE` (default off),
    `SESSION_COOKIE_HTTPONLY`, `SESSION_COOKIE_SAMESITE` (default none), and with Flask-Login the `REMEMBER_COOKIE_*`
    ones; Flask-Talisman's session-cookie options count. Django: `SESSION_COOKIE_SECURE` and `CSRF_COOKIE_SECURE`
    (default off), `SESSION_COOKIE_HTTPONLY`, `SESSION_COOKIE_SAMESITE`, `CSRF_COOKIE_SAMESITE`. Starlette's
    `SessionMiddleware` without `https_only=True` or with `same_site="none"`. An insecure value is reported where it
    is set; an insecure default left in place is reported at the app (or the settings module).

    Severity: an insecure value written in the production settings (`SESSION_COOKIE_SECURE = False`,
    `SESSION_COOKIE_HTTPONLY = False`) or HttpOnly/SameSite left at an insecure default is medium. When only Secure
    is left at the framework's default, it is info: whether the cookie ever travels over plain HTTP depends on how
    the site is served (HTTPS only, or a plain-HTTP LAN install), which the code does not say; the message says that
    a TLS proxy does not add the flag. On twelve real apps every such finding was judged debatable (none true), so
    it informs and never fails a build. A flag read from the environment with an insecure default
    (`SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "False")`, the switch self-hosted apps give installs
    served over plain HTTP) is info with low confidence too: whether deployments turn it on is theirs to say.

    ## Why is this bad?
    Without `Secure` the session cookie travels over any plain-HTTP request, where it can be read; without
    `HttpOnly` one XSS steals it; without `SameSite` the browser sends it on cross-site requests, which is what
    CSRF needs.

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = True
    ```

    ## Use instead
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    ```

    ## Fix safety
    Where a cookie setting is written as a literal, the fix writes the safe value: `True` for the `..._SECURE` and
    `..._HTTPONLY` settings, `"Lax"` for `..._SAMESITE` (`https_only=True` for Starlette's `SessionMiddleware`).
    It is unsafe: a Secure session cookie is not sent over plain HTTP (a development server without TLS can no
    longer log anyone in), and a Lax one is not sent with cross-site POSTs (a payment provider posting back).
    No fix for a setting that is missing (add it to your production settings) or comes from the environment.

    ## References
    - [Flask: Security considerations, Set-Cookie options](https://flask.palletsprojects.com/en/stable/web-security/#set-cookie-options)
    - [Django: SESSION_COOKIE_SECURE](https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-secure)
    - [CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute](https://cwe.mitre.org/data/definitions/614.html)
    - [CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag](https://cwe.mitre.org/data/definitions/1004.html)
    """

    code = "CFG205"
    slug = "insecure-session-cookie"
    summary = "Session or CSRF cookie without Secure, HttpOnly or SameSite"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (614, 1004, 1275)
    fix_hint = "set SESSION_COOKIE_SECURE = True, SESSION_COOKIE_HTTPONLY = True, SESSION_COOKIE_SAMESITE = 'Lax'"
    tags = ("config", "cookies")
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.UNSAFE

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_session_cookies(model)

    def problem_fix(self, project: ProjectContext, problem: Problem) -> Fix | None:
        return setting_fix(project, problem.site, _SAFE_VALUES, "Set the cookie setting to its safe value")


_FLASK_COOKIES = (
    ("SESSION_COOKIE_SECURE", False, "session cookie without Secure (sent over plain HTTP)"),
    ("SESSION_COOKIE_HTTPONLY", True, "session cookie without HttpOnly (readable from JavaScript)"),
    ("SESSION_COOKIE_SAMESITE", None, "session cookie without SameSite"),
)

_FLASK_LOGIN_COOKIES = (
    ("REMEMBER_COOKIE_SECURE", False, "remember-me cookie without Secure"),
    ("REMEMBER_COOKIE_HTTPONLY", True, "remember-me cookie without HttpOnly"),
    ("REMEMBER_COOKIE_SAMESITE", None, "remember-me cookie without SameSite"),
)

_DJANGO_COOKIES = (
    ("SESSION_COOKIE_SECURE", False, "session cookie without Secure (sent over plain HTTP)"),
    ("CSRF_COOKIE_SECURE", False, "CSRF cookie without Secure (sent over plain HTTP)"),
    ("SESSION_COOKIE_HTTPONLY", True, "session cookie without HttpOnly (readable from JavaScript)"),
    ("SESSION_COOKIE_SAMESITE", "Lax", "session cookie without SameSite"),
    ("CSRF_COOKIE_SAMESITE", "Lax", "CSRF cookie without SameSite"),
)

# The literal a fix writes for each cookie setting it finds written with a weaker one.
_SAFE_VALUES = {
    **{
        f"{cookie}_COOKIE_{flag}": "True"
        for cookie in ("SESSION", "CSRF", "REMEMBER")
        for flag in ("SECURE", "HTTPONLY")
    },
    **{f"{cookie}_COOKIE_SAMESITE": '"Lax"' for cookie in ("SESSION", "CSRF", "REMEMBER")},
    "HTTPS_ONLY": "True",
}

_TALISMAN_COOKIE_OPTIONS = {
    "SESSION_COOKIE_SECURE": ("session_cookie_secure", True),
    "SESSION_COOKIE_HTTPONLY": ("session_cookie_http_only", True),
    "SESSION_COOKIE_SAMESITE": ("session_cookie_samesite", "Lax"),
}


def check_session_cookies(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps:
        if app.framework in ("fastapi", "starlette"):
            for session in app.components_of("session"):
                if session.option("https_only", False) is not True:
                    verdict.problem(
                        option_site(session, "https_only"),
                        f"SessionMiddleware without https_only=True {_SECURE_DEFAULT_NOTE}",
                        severity=Severity.INFO,
                        properties=cookie_cwes("Secure"),
                    )
                else:
                    verdict.good(option_site(session, "https_only"), "session cookie is Secure")
                same_site = session.option("same_site", "lax")
                if isinstance(same_site, str) and same_site.lower() == "none":
                    verdict.problem(
                        option_site(session, "same_site"),
                        "session cookie with SameSite=None",
                        properties=cookie_cwes("SameSite"),
                    )
            continue
        table = _DJANGO_COOKIES if app.framework == "django" else _FLASK_COOKIES
        if app.framework == "flask" and app.components_of("login"):
            table = (*table, *_FLASK_LOGIN_COOKIES)
        talismans = app.components_of("talisman")
        for config in production_configs(app):
            unset: list[str] = []
            for name, default, description in table:
                setting = config.get(name)
                talisman_value = _talisman_cookie(talismans, name)
                explicit_ok = setting is not None and setting.known and _cookie_ok(name, setting.value)
                if talisman_value is not None and _cookie_ok(name, talisman_value[1]) and not explicit_ok:
                    verdict.good(talisman_value[0], f"{name} enforced by Talisman")
                    continue
                if setting is None:
                    if _cookie_ok(name, default):
                        verdict.good(app.site, f"{name} not set: the default is safe")
                    elif not app.config_is_opaque:
                        unset.append(f"{name} not set ({description})")
                    else:
                        verdict.unknown.append(f"{name}: {opaque_note(app)}")
                    continue
                known, value = setting.effective_default()
                if not known:
                    verdict.unknown.append(f"{name} is read from the environment at {where(setting)}")
                elif _cookie_ok(name, value):
                    verdict.good(setting.site, f"{name} = {value!r}")
                elif setting.source is ValueSource.ENV:
                    # An operator's switch with an unsafe default (`SESSION_COOKIE_SECURE = envbool(..., "False")`,
                    # for installs served over plain HTTP): whether deployments turn it on is theirs to say.
                    verdict.problem(
                        setting.site,
                        f"{description}: {name} is {value!r} unless the environment turns it on",
                        severity=Severity.INFO,
                        confidence=Confidence.LOW,
                        properties=cookie_cwes(_flag(name)),
                    )
                else:
                    verdict.problem(
                        setting.site, f"{description}: {name} = {value!r}", properties=cookie_cwes(_flag(name))
                    )
            if unset:
                flags = [_flag(text.split(" ", 1)[0]) for text in unset]
                only_secure = set(flags) == {"Secure"}
                verdict.problem(
                    app.site,
                    "; ".join(unset) + (f" {_SECURE_DEFAULT_NOTE}" if only_secure else ""),
                    context=",".join(sorted(unset)),
                    severity=Severity.INFO if only_secure else None,
                    properties=cookie_cwes(*flags),
                )
    return verdict


# A Secure flag left at the framework's default: the cookie then also travels over plain HTTP. Whether that exposes
# it depends on how the site is served (HTTPS-only, a plain-HTTP LAN install), so it is info, and says so.
_SECURE_DEFAULT_NOTE = (
    "(left at the framework's default: the cookie also travels over plain HTTP; set it where the site is served "
    "over HTTPS, a proxy that terminates TLS does not add it)"
)


def _flag(setting: str) -> str:
    """The cookie flag a setting controls: `SESSION_COOKIE_SECURE` -> Secure."""
    upper = setting.upper()
    return "SameSite" if upper.endswith("SAMESITE") else "HttpOnly" if upper.endswith("HTTPONLY") else "Secure"


def _cookie_ok(name: str, value: Any) -> bool:
    if name.endswith("SAMESITE"):
        return isinstance(value, str) and value.lower() in ("lax", "strict")
    return truthy(value)


def _talisman_cookie(talismans: list[Component], name: str) -> tuple[Site, Any] | None:
    if name not in _TALISMAN_COOKIE_OPTIONS:
        return None
    option, default = _TALISMAN_COOKIE_OPTIONS[name]
    for talisman in talismans:
        return option_site(talisman, option) if talisman.has_option(option) else talisman.site, talisman.option(
            option, default
        )
    return None
