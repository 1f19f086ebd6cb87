"""The configuration checks, as verdicts: what is wrong (problems), what is right (evidence), what cannot be told.

CFG rules report the problems as findings; `bastion checklist` shows the evidence for the items that pass and the
reasons for the ones it cannot decide. Keeping both answers in one function means a PASS is always backed by the
same reading of the code that would have produced the FAIL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bastion.concepts.route_security import is_destructive, is_login_route
from bastion.concepts.webapp import (
    EffectiveConfig,
    ProjectModel,
    RouteContext,
    WebApp,
    is_development_profile,
    nearest,
)
from bastion.concepts.webfacts import Component, SettingValue, Site, ValueSource
from bastion.core import patterns
from bastion.core.severity import Confidence, Severity

HSTS_MIN_SECONDS = 15_552_000  # 180 days: shorter lets a first visit after expiry be downgraded again
TALISMAN_HSTS_DEFAULT = 31_556_926
DJANGO_SECURITY_MIDDLEWARE = "django.middleware.security.SecurityMiddleware"
DJANGO_XFRAME_MIDDLEWARE = "django.middleware.clickjacking.XFrameOptionsMiddleware"
DJANGO_CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"
DJANGO_CSP_MIDDLEWARE = frozenset(
    {"csp.middleware.CSPMiddleware", "django.middleware.csp.ContentSecurityPolicyMiddleware"}
)
WEAK_HASHERS = frozenset(
    {
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.UnsaltedMD5PasswordHasher",
        "django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher",
        "django.contrib.auth.hashers.SHA1PasswordHasher",
        "django.contrib.auth.hashers.CryptPasswordHasher",
    }
)
DJANGO_LOGIN_VIEWS = frozenset(
    {
        "django.contrib.auth.views.LoginView",
        "django.contrib.auth.views.PasswordResetView",
        "django.contrib.auth.views.login",
        "rest_framework.authtoken.views.obtain_auth_token",
        "rest_framework.authtoken.views.ObtainAuthToken",
        "rest_framework_simplejwt.views.TokenObtainPairView",
        "rest_framework_simplejwt.views.TokenObtainSlidingView",
    }
)
DJANGO_AUTH_URLS = "django.contrib.auth.urls"
_WILDCARD_REGEX = patterns.compile(r"^\^?\.\*\$?$|^\^?https?://\.\*")
HEADER_LABELS = {
    "content-security-policy": "Content-Security-Policy",
    "x-frame-options": "X-Frame-Options",
    "x-content-type-options": "X-Content-Type-Options: nosniff",
    "referrer-policy": "Referrer-Policy",
}


@dataclass(frozen=True)
class Problem:
    site: Site
    message: str
    severity: Severity | None = None
    confidence: Confidence | None = None
    context: str = ""


@dataclass(frozen=True)
class Evidence:
    site: Site | None
    text: str


@dataclass
class Verdict:
    problems: list[Problem] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def problem(self, site: Site, message: str, **kwargs: Any) -> None:
        if not any(p.site == site and p.message == message for p in self.problems):
            self.problems.append(Problem(site, message, **kwargs))

    def good(self, site: Site | None, text: str) -> None:
        if not any(e.site == site and e.text == text for e in self.evidence):
            self.evidence.append(Evidence(site, text))


def _production_configs(app: WebApp) -> list[EffectiveConfig]:
    return [config for config in app.configs if not is_development_profile(config.label)] or app.configs


def _where(setting: SettingValue | None) -> str:
    if setting is None:
        return "(not set)"
    return f"{setting.site.path}:{setting.site.line}"


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _opaque_note(app: WebApp) -> str:
    loads = ", ".join(f"{load.method} at {load.site}" for load in app.opaque_loads)
    return f"part of the configuration of {app.label} ({app.path}) is loaded at run time ({loads})"


# -- CFG101 debug --------------------------------------------------------------------------------------------------


def check_debug(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps:
        for config in _production_configs(app):
            setting = config.get("DEBUG")
            if setting is None:
                if app.config_is_opaque:
                    verdict.unknown.append(f"DEBUG: {_opaque_note(app)}; check it is off where the app runs")
                else:
                    verdict.good(app.site, f"DEBUG not set for {app.label}: {app.framework} defaults to off")
                continue
            if setting.source is ValueSource.LITERAL:
                if _truthy(setting.value):
                    verdict.problem(setting.site, f"debug mode is on in the production settings ({config.label})")
                else:
                    verdict.good(setting.site, "DEBUG is off")
            elif setting.has_env_default and _truthy(setting.env_default):
                verdict.problem(
                    setting.site,
                    "debug mode is on unless the environment turns it off (the default is True)",
                    confidence=Confidence.MEDIUM,
                )
            elif setting.has_env_default:
                verdict.good(setting.site, "DEBUG comes from the environment and defaults to off")
            else:
                verdict.unknown.append(f"DEBUG is read from the environment at {_where(setting)}: check its value")
    return verdict


# -- CFG102 SECRET_KEY -----------------------------------------------------------------------------------------------


def _secret_settings(model: ProjectModel) -> Iterable[tuple[WebApp, SettingValue]]:
    for app in model.apps:
        for config in _production_configs(app):
            for name in ("SECRET_KEY", "JWT_SECRET_KEY", "WTF_CSRF_SECRET_KEY"):
                setting = config.get(name)
                if setting is not None:
                    yield app, setting
        for component in app.components:
            for secret in component.secret_options:
                yield app, secret


def check_secret_key(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for _, setting in _secret_settings(model):
        shape = setting.secret
        name = setting.name
        if setting.source is ValueSource.LITERAL and shape is not None:
            weak = _weakness(shape.length, shape.distinct, shape.insecure_prefix, shape.placeholder)
            verdict.problem(
                setting.site,
                f"{name} is written in the source (`{shape.preview}…`, {shape.length} characters){weak}; "
                "anyone with the code can forge sessions and tokens",
                context=shape.digest,
            )
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


# -- CFG103 ALLOWED_HOSTS ------------------------------------------------------------------------------------------


def check_allowed_hosts(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps_of("django"):
        for config in _production_configs(app):
            setting = config.get("ALLOWED_HOSTS")
            items = config.items("ALLOWED_HOSTS")
            if setting is None or items is None:
                if setting is not None:
                    verdict.unknown.append(f"ALLOWED_HOSTS is computed at {_where(setting)}: check it by hand")
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
        for config in _production_configs(app):
            trusted = config.get("TRUSTED_HOSTS")
            if trusted is not None:
                verdict.good(trusted.site, "TRUSTED_HOSTS restricts the Host header")
            else:
                verdict.unknown.append(
                    f"{app.label} ({app.path}) does not validate the Host header (TRUSTED_HOSTS, Flask 3.1+): "
                    "check that the proxy forwards only your host names"
                )
    return verdict


# -- CFG104 / CFG105 passwords ---------------------------------------------------------------------------------------


def check_password_hashers(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps_of("django"):
        for config in _production_configs(app):
            setting = config.get("PASSWORD_HASHERS")
            items = config.items("PASSWORD_HASHERS")
            if setting is None:
                verdict.good(app.site, "PASSWORD_HASHERS not set: Django's default (PBKDF2) hashes passwords")
            elif not items:
                verdict.unknown.append(f"PASSWORD_HASHERS is computed at {_where(setting)}: check the first entry")
            elif items[0][0] in WEAK_HASHERS:
                verdict.problem(
                    items[0][1],
                    f"new passwords are hashed with `{items[0][0].rsplit('.', 1)[-1]}`, a fast hash that is cheap "
                    "to brute-force",
                )
            else:
                verdict.good(items[0][1], f"passwords hashed with {items[0][0].rsplit('.', 1)[-1]}")
    return verdict


def check_password_validators(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps_of("django"):
        for config in _production_configs(app):
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
                verdict.unknown.append(f"AUTH_PASSWORD_VALIDATORS is computed at {_where(setting)}")
    return verdict


# -- Django middleware ------------------------------------------------------------------------------------------------


def _middleware(config: EffectiveConfig) -> tuple[SettingValue | None, list[tuple[str, Site]] | None]:
    for name in ("MIDDLEWARE", "MIDDLEWARE_CLASSES"):
        setting = config.get(name)
        if setting is not None:
            return setting, config.items(name)
    return None, []


def _middleware_site(config: EffectiveConfig, app: WebApp, item: str) -> Site | None:
    _, items = _middleware(config)
    return next((site for name, site in items or () if name == item), None)


def check_django_middleware(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps_of("django"):
        for config in _production_configs(app):
            setting, items = _middleware(config)
            if items is None:
                if setting is not None:
                    verdict.unknown.append(f"MIDDLEWARE is computed at {_where(setting)}: check it by hand")
                continue
            anchor = setting.site if setting is not None else app.site
            names = {name for name, _ in items}
            for required, purpose in (
                (DJANGO_SECURITY_MIDDLEWARE, "HTTPS redirect, HSTS, nosniff and Referrer-Policy"),
                (DJANGO_XFRAME_MIDDLEWARE, "X-Frame-Options (clickjacking)"),
            ):
                if required in names:
                    verdict.good(_middleware_site(config, app, required), f"{required.rsplit('.', 1)[-1]} enabled")
                else:
                    verdict.problem(
                        anchor,
                        f"`{required.rsplit('.', 1)[-1]}` is missing from MIDDLEWARE: no {purpose}",
                    )
    return verdict


# -- CFG201 HTTPS redirect / CFG202 HSTS ------------------------------------------------------------------------------


def check_https_redirect(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    proxy_note = "if TLS ends at a proxy that redirects, say so with a suppression comment"
    for app in model.apps:
        if app.framework == "django":
            for config in _production_configs(app):
                setting = config.get("SECURE_SSL_REDIRECT")
                known, value = config.known_value("SECURE_SSL_REDIRECT", False)
                if not known:
                    verdict.unknown.append(f"SECURE_SSL_REDIRECT is read from the environment at {_where(setting)}")
                elif value:
                    verdict.good(setting.site if setting else app.site, "SECURE_SSL_REDIRECT = True")
                else:
                    verdict.problem(
                        setting.site if setting else app.site,
                        "plain-HTTP requests are not redirected to HTTPS (SECURE_SSL_REDIRECT is off)",
                        confidence=Confidence.MEDIUM,
                    )
            continue
        redirects = [c for c in app.components if c.kind in ("sslify", "https-redirect")]
        for talisman in app.components_of("talisman"):
            if talisman.option("force_https", True) is False:
                verdict.problem(
                    _option_site(talisman, "force_https"),
                    "Talisman is configured with force_https=False: plain HTTP is served",
                )
            else:
                redirects.append(talisman)
        if redirects:
            verdict.good(redirects[0].site, f"HTTPS enforced by {redirects[0].library.rsplit('.', 1)[-1]}")
        elif not app.components_of("talisman"):
            verdict.problem(
                app.site,
                f"{app.label} never redirects plain HTTP to HTTPS (no Talisman, SSLify or HTTPSRedirectMiddleware); "
                + proxy_note,
                confidence=Confidence.MEDIUM,
            )
    return verdict


def _option_site(component: Component, name: str) -> Site:
    return component.option_site(name)


_MAX_AGE = patterns.compile(r"max-age\s*=\s*(\d+)", ignore_case=True)


def _max_age(value: str | None) -> int | None:
    if not value:
        return None
    match = _MAX_AGE.search(value)
    return int(match.group(1)) if match else None


def check_hsts(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps:
        if app.framework == "django":
            for config in _production_configs(app):
                setting = config.get("SECURE_HSTS_SECONDS")
                known, value = config.known_value("SECURE_HSTS_SECONDS", 0)
                if not known:
                    verdict.unknown.append(f"SECURE_HSTS_SECONDS is read from the environment at {_where(setting)}")
                    continue
                _hsts_value(verdict, setting.site if setting else app.site, value, "SECURE_HSTS_SECONDS")
            continue
        found = False
        for talisman in app.components_of("talisman"):
            if talisman.option("strict_transport_security", True) is False:
                verdict.problem(
                    _option_site(talisman, "strict_transport_security"),
                    "Talisman is configured with strict_transport_security=False: no HSTS header",
                )
                found = True
                continue
            found = True
            age = talisman.option("strict_transport_security_max_age", TALISMAN_HSTS_DEFAULT)
            site = _option_site(talisman, "strict_transport_security_max_age")
            _hsts_value(verdict, site, age, "Talisman strict_transport_security_max_age")
        for header in app.headers:
            if header.name == "strict-transport-security":
                found = True
                age = _max_age(header.value)
                if age is None:
                    verdict.good(header.site, "Strict-Transport-Security header set")
                else:
                    _hsts_value(verdict, header.site, age, "Strict-Transport-Security max-age")
        if not found:
            verdict.problem(
                app.site,
                f"{app.label} sends no Strict-Transport-Security header (HSTS): browsers may be downgraded to HTTP",
                confidence=Confidence.MEDIUM,
            )
    return verdict


def _hsts_value(verdict: Verdict, site: Site, value: Any, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        verdict.unknown.append(f"{what} at {site} is not a number bastion can read")
    elif value <= 0:
        verdict.problem(site, f"HSTS is off ({what} = {value})")
    elif value < HSTS_MIN_SECONDS:
        verdict.problem(
            site,
            f"HSTS max-age is {value} seconds, under the {HSTS_MIN_SECONDS} (180 days) a downgrade protection needs",
            severity=Severity.LOW,
        )
    else:
        verdict.good(site, f"HSTS max-age {value} s")


# -- CFG203 security headers ------------------------------------------------------------------------------------------


def check_security_headers(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps:
        covered: dict[str, Site] = {}
        for header_set in app.headers:
            if header_set.name in HEADER_LABELS and (
                header_set.name != "x-content-type-options" or header_set.value != ""
            ):
                covered.setdefault(header_set.name, header_set.site)
            if header_set.name == "content-security-policy" and "frame-ancestors" in (header_set.value or ""):
                covered.setdefault("x-frame-options", header_set.site)
        for talisman in app.components_of("talisman"):
            for header, option in (
                ("content-security-policy", "content_security_policy"),
                ("x-frame-options", "frame_options"),
                ("x-content-type-options", "x_content_type_options"),
                ("referrer-policy", "referrer_policy"),
            ):
                if talisman.option(option, True) not in (None, False, "", {}):
                    covered.setdefault(
                        header, _option_site(talisman, option) if talisman.has_option(option) else talisman.site
                    )
        for component in app.components_of("secure-headers"):
            for header in HEADER_LABELS:
                covered.setdefault(header, component.site)
        if app.framework == "django":
            for config in _production_configs(app):
                _setting, items = _middleware(config)
                if items is None:
                    verdict.unknown.append("MIDDLEWARE is computed: check the security headers by hand")
                    break
                names = {name for name, _ in items}
                security = _middleware_site(config, app, DJANGO_SECURITY_MIDDLEWARE)
                if security is not None:
                    if config.known_value("SECURE_CONTENT_TYPE_NOSNIFF", True)[1]:
                        covered.setdefault("x-content-type-options", security)
                    if config.known_value("SECURE_REFERRER_POLICY", "same-origin")[1]:
                        covered.setdefault("referrer-policy", security)
                xframe = _middleware_site(config, app, DJANGO_XFRAME_MIDDLEWARE)
                if xframe is not None:
                    covered.setdefault("x-frame-options", xframe)
                for csp in DJANGO_CSP_MIDDLEWARE & names:
                    covered.setdefault("content-security-policy", _middleware_site(config, app, csp) or app.site)
        missing = [label for header, label in HEADER_LABELS.items() if header not in covered]
        for header, site in covered.items():
            verdict.good(site, f"{HEADER_LABELS[header]} set")
        if missing:
            verdict.problem(
                app.site,
                f"{app.label} sets none of these security headers anywhere: {', '.join(missing)}",
                context=",".join(missing),
            )
    return verdict


# -- CFG205 session and CSRF cookies ----------------------------------------------------------------------------------


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
_TALISMAN_COOKIE_OPTIONS = {
    "SESSION_COOKIE_SECURE": ("session_cookie_secure", True),
    "SESSION_COOKIE_HTTPONLY": ("session_cookie_http_only", True),
    "SESSION_COOKIE_SAMESITE": ("session_cookie_samesite", "Lax"),
}


def _cookie_ok(name: str, value: Any) -> bool:
    if name.endswith("SAMESITE"):
        return isinstance(value, str) and value.lower() in ("lax", "strict")
    return _truthy(value)


def check_session_cookies(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps:
        if app.framework in ("fastapi", "starlette"):
            for session in app.components_of("session"):
                if session.option("https_only", False) is not True:
                    verdict.problem(_option_site(session, "https_only"), "SessionMiddleware without https_only=True")
                else:
                    verdict.good(_option_site(session, "https_only"), "session cookie is Secure")
                same_site = session.option("same_site", "lax")
                if isinstance(same_site, str) and same_site.lower() == "none":
                    verdict.problem(_option_site(session, "same_site"), "session cookie with SameSite=None")
            continue
        table = _DJANGO_COOKIES if app.framework == "django" else _FLASK_COOKIES
        if app.framework == "flask" and app.components_of("login"):
            table = (*table, *_FLASK_LOGIN_COOKIES)
        talismans = app.components_of("talisman")
        for config in _production_configs(app):
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
                        verdict.unknown.append(f"{name}: {_opaque_note(app)}")
                    continue
                known, value = setting.effective_default()
                if not known:
                    verdict.unknown.append(f"{name} is read from the environment at {_where(setting)}")
                elif _cookie_ok(name, value):
                    verdict.good(setting.site, f"{name} = {value!r}")
                else:
                    verdict.problem(setting.site, f"{description}: {name} = {value!r}")
            if unset:
                verdict.problem(app.site, "; ".join(unset), context=",".join(sorted(unset)))
    return verdict


def _talisman_cookie(talismans: list[Component], name: str) -> tuple[Site, Any] | None:
    if name not in _TALISMAN_COOKIE_OPTIONS:
        return None
    option, default = _TALISMAN_COOKIE_OPTIONS[name]
    for talisman in talismans:
        return _option_site(talisman, option) if talisman.has_option(option) else talisman.site, talisman.option(
            option, default
        )
    return None


# -- CFG301 CSRF ------------------------------------------------------------------------------------------------------


def check_csrf(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps:
        if app.framework == "flask":
            _flask_csrf(app, verdict)
        elif app.framework == "django":
            _django_csrf(app, verdict)
        elif app.components_of("session"):
            protection = app.components_of("csrf")
            for context in app.routes:
                route = context.route
                if route.changes_state and route.reads_form and not protection:
                    verdict.problem(
                        route.site,
                        f"`{route.name}` accepts a form under a cookie session and the app has no CSRF middleware",
                    )
            if protection:
                verdict.good(protection[0].site, "CSRF middleware")
    return verdict


def _flask_csrf(app: WebApp, verdict: Verdict) -> None:
    protection = app.components_of("csrf", "seasurf")
    disabled = None
    for config in _production_configs(app):
        setting = config.get("WTF_CSRF_ENABLED")
        if setting is not None and setting.known and not _truthy(setting.value):
            disabled = setting
    if disabled is not None:
        verdict.problem(disabled.site, "WTF_CSRF_ENABLED = False turns Flask-WTF's CSRF protection off")
    elif protection:
        verdict.good(protection[0].site, f"CSRF protection by {protection[0].library.rsplit('.', 1)[-1]}")
    for context in app.routes:
        route = context.route
        if not (route.changes_state and route.reads_form) or route.verifies_signature:
            continue
        if route.csrf_exempt is not None and protection:
            verdict.problem(route.csrf_exempt, f"`{route.name}` accepts a form and is exempt from CSRF protection")
        elif (not protection or disabled is not None) and not route.validates_form_token:
            verdict.problem(route.site, f"`{route.name}` accepts a form with no CSRF protection in the app")


def _django_csrf(app: WebApp, verdict: Verdict) -> None:
    for config in _production_configs(app):
        setting, items = _middleware(config)
        if items is None:
            continue
        site = _middleware_site(config, app, DJANGO_CSRF_MIDDLEWARE)
        if site is not None:
            verdict.good(site, "CsrfViewMiddleware enabled")
        else:
            verdict.problem(setting.site if setting else app.site, "`CsrfViewMiddleware` is missing from MIDDLEWARE")
    for context in app.routes:
        route = context.route
        if route.csrf_exempt is not None and route.changes_state and not route.drf and not route.verifies_signature:
            verdict.problem(route.csrf_exempt, f"`{route.name}` is exempt from CSRF protection (csrf_exempt)")
    for entry in app.url_entries:
        if any(wrapper.endswith("csrf_exempt") for wrapper in entry.wrappers):
            verdict.problem(entry.site, f"`{entry.view.rsplit('.', 1)[-1]}` is exempt from CSRF protection")


# -- CFG302 CORS ------------------------------------------------------------------------------------------------------


def _wildcard(origins: Any) -> bool:
    if origins is None:
        return True
    if isinstance(origins, str):
        return origins.strip() == "*" or bool(_WILDCARD_REGEX.match(origins.strip()))
    if isinstance(origins, (list, tuple, set, frozenset)):
        return any(_wildcard(origin) for origin in origins if isinstance(origin, str))
    return False


def check_cors(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps:
        configured = False
        for component in app.components_of("cors"):
            configured = True
            if component.library.startswith("flask_cors"):
                _flask_cors(component, verdict)
            else:
                origins = component.option("allow_origins", [])
                regex = component.option("allow_origin_regex")
                credentials = component.option("allow_credentials", False) is True
                wildcard = (isinstance(origins, (list, tuple)) and "*" in origins) or (
                    isinstance(regex, str) and _wildcard(regex)
                )
                if wildcard and credentials:
                    verdict.problem(
                        _option_site(component, "allow_credentials"),
                        "CORS allows any origin together with credentials: every site can read your users' data",
                    )
                else:
                    verdict.good(component.site, "CORS restricted to listed origins or without credentials")
        if app.framework == "django":
            for config in _production_configs(app):
                everyone = config.get("CORS_ALLOW_ALL_ORIGINS") or config.get("CORS_ORIGIN_ALLOW_ALL")
                credentials_setting = config.get("CORS_ALLOW_CREDENTIALS")
                regexes = config.items("CORS_ALLOWED_ORIGIN_REGEXES") or []
                with_credentials = (
                    credentials_setting is not None and credentials_setting.known and _truthy(credentials_setting.value)
                )
                if everyone is not None and everyone.known and _truthy(everyone.value) and with_credentials:
                    configured = True
                    verdict.problem(everyone.site, "CORS allows any origin together with CORS_ALLOW_CREDENTIALS")
                elif any(_wildcard(regex) for regex, _ in regexes) and with_credentials:
                    configured = True
                    verdict.problem(regexes[0][1], "CORS origin regex matches any origin, with credentials")
                elif config.get("CORS_ALLOWED_ORIGINS") is not None:
                    configured = True
                    verdict.good(config.get("CORS_ALLOWED_ORIGINS").site, "CORS_ALLOWED_ORIGINS lists the origins")  # type: ignore[union-attr]
        if not configured:
            verdict.good(None, f"no CORS configured for {app.label}: browsers apply the same-origin policy")
    return verdict


def _flask_cors(component: Component, verdict: Verdict) -> None:
    credentials = component.option("supports_credentials", False) is True
    origins = (
        component.option("origins", "*")
        if not component.has_option("origins") or component.option("origins") is not None
        else "*"
    )
    if "origins" in component.opaque_options:
        return
    resources = component.option("resources")
    if isinstance(resources, dict):
        for options in resources.values():
            if isinstance(options, dict):
                resource_credentials = options.get("supports_credentials", credentials) is True
                if resource_credentials and _wildcard(options.get("origins", origins)):
                    verdict.problem(component.site, "Flask-CORS allows any origin together with credentials")
                    return
    if credentials and _wildcard(origins):
        verdict.problem(
            _option_site(component, "supports_credentials"),
            "Flask-CORS allows any origin (the default is '*') together with supports_credentials=True: "
            "it echoes the caller's origin, so every site can read your users' data",
        )
    else:
        verdict.good(component.site, "Flask-CORS without credentials for any origin")


# -- CFG303 destructive routes / CFG304 IDOR -------------------------------------------------------------------------


def check_destructive_routes(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for context in model.routes:
        route = context.route
        if not is_destructive(route):
            continue
        authn, authz = context.authn, context.authz
        if authn and authz:
            verdict.good(authz[0], f"`{route.name}` checks authentication and authorization")
        elif authn:
            verdict.problem(
                route.site,
                f"`{route.name}` changes or deletes data for any logged-in user: no role, permission or "
                "ownership check",
                confidence=Confidence.MEDIUM,
            )
        else:
            verdict.problem(
                route.site,
                f"`{route.name}` changes or deletes data with no authentication and no role check",
                confidence=Confidence.HIGH if "DELETE" in route.methods or _is_admin(route.path) else None,
            )
    return verdict


def _is_admin(path: str | None) -> bool:
    return bool(path and "/admin" in path)


def check_idor(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for context in model.routes:
        route = context.route
        candidate = route.idor
        if candidate is None or is_destructive(route) or context.authz:
            continue
        if candidate.private_noun or context.authn:
            verdict.problem(
                candidate.site,
                f"`{route.name}` fetches an object by `{candidate.parameter}` from the request and never compares "
                "its owner with the current user",
            )
    return verdict


# -- CFG305 rate limiting on login ------------------------------------------------------------------------------------


def _app_wide_limits(app: WebApp) -> tuple[Site | None, str | None]:
    """(site of a limit that covers every route, reason it is disabled)."""
    for config in _production_configs(app):
        enabled = config.get("RATELIMIT_ENABLED")
        if enabled is not None and enabled.known and not _truthy(enabled.value):
            return None, f"RATELIMIT_ENABLED = False at {_where(enabled)}"
    for limiter in app.components_of("limiter"):
        if limiter.option("enabled", True) is False:
            return None, f"the limiter is disabled (enabled=False) at {limiter.site}"
        if limiter.option("default_limits") or "default_limits" in limiter.opaque_options:
            return _option_site(limiter, "default_limits"), None
        if limiter.option("application_limits"):
            return _option_site(limiter, "application_limits"), None
    for config in _production_configs(app):
        default = config.get("RATELIMIT_DEFAULT") or config.get("RATELIMIT_APPLICATION")
        if default is not None and app.components_of("limiter"):
            return default.site, None
        if app.framework == "django":
            apps = {name for name, _ in config.items("INSTALLED_APPS") or ()}
            for guard in ("axes", "defender"):
                if guard in apps:
                    site = next(site for name, site in config.items("INSTALLED_APPS") or () if name == guard)
                    return site, None
    return None, None


def _drf_throttle(app: WebApp) -> Site | None:
    for config in _production_configs(app):
        setting = config.get("REST_FRAMEWORK")
        value = setting.value if setting is not None and setting.known else None
        if isinstance(value, dict) and value.get("DEFAULT_THROTTLE_CLASSES"):
            return setting.site  # type: ignore[union-attr]
    return None


def login_routes(model: ProjectModel) -> list[RouteContext]:
    return [
        context
        for context in model.routes
        if is_login_route(context.route.name, context.route.path, context.route.methods, context.route.reads_password)
    ]


def check_login_rate_limit(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for context in login_routes(model):
        route = context.route
        app = context.app
        wide, disabled = _app_wide_limits(app) if app is not None else (None, None)
        if disabled:
            verdict.problem(route.site, f"`{route.name}` checks credentials and rate limiting is off ({disabled})")
        elif route.rate_limits:
            verdict.good(route.rate_limits[0], f"`{route.name}` is rate limited")
        elif wide is not None and not route.rate_limit_exempt:
            verdict.good(wide, f"`{route.name}` is covered by the app-wide rate limit")
        elif route.drf and app is not None and (throttle := _drf_throttle(app)) is not None:
            verdict.good(throttle, f"`{route.name}` is throttled by REST_FRAMEWORK defaults")
        else:
            verdict.problem(
                route.site,
                f"`{route.name}` checks credentials or issues tokens with no rate limit: passwords can be guessed "
                "at full speed",
            )
    for app in model.apps_of("django"):
        wide, _ = _app_wide_limits(app)
        for entry in app.url_entries:
            if not _django_login_entry(entry):
                continue
            if any(wrapper.rsplit(".", 1)[-1] == "ratelimit" for wrapper in entry.wrappers) or wide is not None:
                verdict.good(wide or entry.site, "Django login views are rate limited (django-axes or ratelimit)")
            else:
                verdict.problem(entry.site, "Django's login views have no rate limit (add django-axes or ratelimit)")
    return verdict


def _django_login_entry(entry: Any) -> bool:
    return entry.view in DJANGO_LOGIN_VIEWS or entry.include == DJANGO_AUTH_URLS


# -- CFG306 request size ----------------------------------------------------------------------------------------------


def check_request_size(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps:
        uploads = [context.route for context in app.routes if context.route.reads_files]
        if app.framework == "flask":
            if not uploads:
                continue
            for config in _production_configs(app):
                setting = config.get("MAX_CONTENT_LENGTH")
                if setting is None:
                    if app.config_is_opaque:
                        verdict.unknown.append(f"MAX_CONTENT_LENGTH: {_opaque_note(app)}")
                    else:
                        verdict.problem(
                            app.site,
                            f"{app.label} accepts uploads (`{uploads[0].name}`) and sets no MAX_CONTENT_LENGTH: "
                            "request bodies of any size are read",
                        )
                elif setting.known and setting.value is None:
                    verdict.problem(setting.site, "MAX_CONTENT_LENGTH = None: request bodies of any size are read")
                else:
                    verdict.good(setting.site, "MAX_CONTENT_LENGTH limits request bodies")
        elif app.framework == "django":
            for config in _production_configs(app):
                problem = False
                for name in (
                    "DATA_UPLOAD_MAX_MEMORY_SIZE",
                    "DATA_UPLOAD_MAX_NUMBER_FIELDS",
                    "DATA_UPLOAD_MAX_NUMBER_FILES",
                ):
                    setting = config.get(name)
                    if setting is not None and setting.known and setting.value is None:
                        problem = True
                        verdict.problem(setting.site, f"{name} = None removes Django's request limit")
                if not problem:
                    setting = config.get("DATA_UPLOAD_MAX_MEMORY_SIZE")
                    verdict.good(setting.site if setting else app.site, "Django's request body limits are on")
                if uploads:
                    verdict.unknown.append(
                        "Django does not limit the size of uploaded files: check the web server's body limit "
                        "(nginx client_max_body_size) or a size check in the upload views"
                    )
        elif uploads:
            verdict.unknown.append(
                f"{app.label} ({app.path}) accepts uploads and {app.framework} sets no body limit: check the "
                "server's limit or a size check in the handler"
            )
    return verdict


# -- CFG309 errors ----------------------------------------------------------------------------------------------------


def check_propagate_exceptions(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps_of("django"):
        for config in _production_configs(app):
            setting = config.get("DEBUG_PROPAGATE_EXCEPTIONS")
            if setting is not None and setting.known and _truthy(setting.value):
                verdict.problem(
                    setting.site,
                    "DEBUG_PROPAGATE_EXCEPTIONS = True skips Django's error pages: the server's own (possibly "
                    "detailed) error response is sent",
                )
            elif setting is None or setting.known:
                verdict.good(setting.site if setting else app.site, "DEBUG_PROPAGATE_EXCEPTIONS is off")
    return verdict


# -- CFG310 login failures logged -------------------------------------------------------------------------------------


def check_login_failure_logging(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for context in login_routes(model):
        for branch in context.route.failure_branches:
            if branch.logged is not None:
                verdict.good(branch.logged, f"failed logins in `{context.route.name}` are logged")
            else:
                verdict.problem(
                    branch.site, f"`{context.route.name}` rejects bad credentials without logging the failure"
                )
    django_apps = [(app.path, app) for app in model.apps_of("django")]
    receivers = model.evidence("login_failed_receivers")
    for app in model.apps_of("django"):
        wide, _ = _app_wide_limits(app)
        own = [site for site in receivers if nearest(django_apps, site.path) is app]
        for entry in app.url_entries:
            if not _django_login_entry(entry):
                continue
            if own:
                verdict.good(own[0], "a user_login_failed receiver records failed logins")
            elif wide is not None:
                verdict.good(wide, "django-axes records failed logins")
            else:
                verdict.problem(
                    entry.site,
                    "failed Django logins are not recorded (no user_login_failed receiver, no django-axes)",
                )
    return verdict
