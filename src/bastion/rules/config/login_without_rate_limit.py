"""CFG305: login, token or password-reset route without a rate limit."""

from __future__ import annotations

from bastion.concepts.logins import is_django_login_entry, login_routes
from bastion.concepts.webapp import ProjectModel, WebApp
from bastion.concepts.webfacts import RouteFact, Site
from bastion.core import patterns
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, app_wide_limits, production_configs


class LoginWithoutRateLimit(WebAppRule):
    """## What it does
    Finds routes that check credentials or issue tokens (login, sign-in, token, password reset, one-time codes:
    by handler name or path, with POST) that no limiter covers: Flask-Limiter or slowapi (`@limiter.limit(...)`, or
    `default_limits`/`RATELIMIT_DEFAULT` for the whole app unless the route is `@limiter.exempt`), fastapi-limiter
    (`Depends(RateLimiter(...))`), django-ratelimit (`@ratelimit`), django-axes or django-defender in
    `INSTALLED_APPS`, REST framework throttles. Also Django's own `LoginView`/`PasswordResetView` (or
    `django.contrib.auth.urls`) routed without django-axes or a rate limit. A route that only signed-in users reach
    and that checks no password (an API, invite or download token for the current user), and one only an
    administrator reaches, is not reported: nobody guesses a credential through it; a one-time code (`verify_otp`)
    is, even behind sign-in. A password login is not reported either when the project locks accounts itself: a
    count of failed logins compared with a maximum anywhere in the project (`if user.login_attempts >=
    settings.MAX_LOGIN_ATTEMPTS:` in a credentials provider or service). The page a password-reset link opens is
    not reported when it checks the link's token as one the server signed or issued (`verify_token(token)`,
    `check_token`, `jwt.decode`) and no password: such a token is too long to guess (a short code named `otp` or
    `code` still is). WebAuthn/FIDO2 and passkey routes (`/2fa/fido2/complete`, `webauthn_begin`) are not reported:
    the authenticator signs a challenge with its private key, and nothing can be guessed. Neither is a route whose
    handler checks a CAPTCHA itself (`verify_recaptcha(...)`, `captcha_flow(data.captcha_code)`): that is the
    anti-automation control; a CAPTCHA checked elsewhere (in a service, after the password) is not seen.

    ## Why is this bad?
    Without a limit an attacker tries thousands of passwords per minute against one account, or sprays common
    passwords over all of them (credential stuffing), and floods password-reset mail.

    ## Example
    ```python file=app.py
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/login", methods=["POST"])
    def login():
        return request.form["name"]
    ```

    ## Use instead
    ```python file=app.py
    from flask import Flask, request
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    app = Flask(__name__)
    limiter = Limiter(get_remote_address, app=app)


    @app.route("/login", methods=["POST"])
    @limiter.limit("5 per minute")
    def login():
        return request.form["name"]
    ```

    ## References
    - [Flask-Limiter](https://flask-limiter.readthedocs.io/)
    - [django-axes](https://django-axes.readthedocs.io/)
    - [OWASP Authentication Cheat Sheet: protect against automated attacks](https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks)
    - [CWE-307: Improper Restriction of Excessive Authentication Attempts](https://cwe.mitre.org/data/definitions/307.html)
    """

    code = "CFG305"
    slug = "login-without-rate-limit"
    summary = "Login, token or password-reset route without a rate limit"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (307,)
    fix_hint = "limit attempts per client and per account (Flask-Limiter, slowapi, django-axes, django-ratelimit)"
    tags = ("auth", "rate-limit")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_login_rate_limit(model)


def check_login_rate_limit(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    lockouts = model.evidence("account_lockouts")
    for context in login_routes(model):
        route = context.route
        app = context.app
        wide, disabled = app_wide_limits(app) if app is not None else (None, None)
        if disabled:
            verdict.problem(route.site, f"`{route.name}` checks credentials and rate limiting is off ({disabled})")
        elif _signs_with_key(route):
            # WebAuthn/FIDO2: the authenticator signs the server's challenge with its private key; there is no
            # secret to guess, however often it is tried.
            verdict.good(route.site, f"`{route.name}` checks a WebAuthn/FIDO2 signature, not a guessable secret")
        elif route.captcha is not None:
            verdict.good(route.captcha, f"`{route.name}` checks a CAPTCHA before acting")
        elif route.rate_limits:
            verdict.good(route.rate_limits[0], f"`{route.name}` is rate limited")
        elif wide is not None and not route.rate_limit_exempt:
            verdict.good(wide, f"`{route.name}` is covered by the app-wide rate limit")
        elif route.drf and app is not None and (throttle := _drf_throttle(app)) is not None:
            verdict.good(throttle, f"`{route.name}` is throttled by REST_FRAMEWORK defaults")
        elif context.authz or (context.authn and not route.reads_password and not _checks_one_time_code(route)):
            # A token issued to a user who is already signed in (an API token, an invite, a download link), or a
            # route only an administrator reaches (resetting another user's password): nobody guesses a
            # credential through it.
            verdict.good(
                (*context.authz, *context.authn)[0], f"`{route.name}` serves signed-in or authorised users only"
            )
        elif route.verifies_token and not route.verifies_password and not _checks_one_time_code(route):
            # A reset link: the credential is a token the server signed or issued, too long to guess.
            verdict.good(route.site, f"`{route.name}` accepts a signed or issued token, not a guessable secret")
        elif _signs_in(route) and (lockout := _lockout(lockouts, route)):
            # The project locks an account after repeated failed logins (in a credentials provider or service):
            # guessing one account's password stops there.
            verdict.good(lockout, f"`{route.name}`: accounts lock after repeated failed logins")
        else:
            verdict.problem(
                route.site,
                f"`{route.name}` checks credentials or issues tokens with no rate limit: passwords can be guessed "
                "at full speed",
            )
    for app in model.apps_of("django"):
        wide, _ = app_wide_limits(app)
        for entry in app.url_entries:
            if not is_django_login_entry(entry):
                continue
            if any(wrapper.rsplit(".", 1)[-1] == "ratelimit" for wrapper in entry.wrappers) or wide is not None:
                verdict.good(wide or entry.site, "Django login views are rate limited (django-axes or ratelimit)")
            else:
                verdict.problem(entry.site, "Django's login views have no rate limit (add django-axes or ratelimit)")
    return verdict


# A second factor is checked for a user who is half signed in: six digits are quickly guessed without a limit.
_ONE_TIME_CODE = patterns.compile(r"(?i)(^|[_/-])(otp|mfa|2fa|totp|two_factor|verify|code)($|[_/-])")


def _checks_one_time_code(route: RouteFact) -> bool:
    return bool(_ONE_TIME_CODE.search(route.name) or (route.path and _ONE_TIME_CODE.search(route.path)))


# WebAuthn/FIDO2 ceremonies (`/2fa/fido2/complete`, `webauthn_login_finish`, passkeys): a signature, not a secret.
_PUBLIC_KEY_LOGIN = patterns.compile(r"(?i)fido|webauthn|passkey|u2f|security[_-]?key")


def _signs_with_key(route: RouteFact) -> bool:
    return bool(_PUBLIC_KEY_LOGIN.search(route.name) or (route.path and _PUBLIC_KEY_LOGIN.search(route.path)))


# Password resets and one-time codes are not what a failed-login counter counts.
_NOT_SIGN_IN = patterns.compile(r"(?i)reset|forgot|recover")


def _signs_in(route: RouteFact) -> bool:
    """A route that checks a user's password to sign in (not a reset, not a one-time code)."""
    where = f"{route.name} {route.path or ''}"
    return not _checks_one_time_code(route) and not _NOT_SIGN_IN.search(where)


def _lockout(lockouts: list[Site], route: RouteFact) -> Site | None:
    """An account lockout in the route's own package (the same top-level folder): not another app's."""
    package = route.site.path.split("/", 1)[0]
    return next((site for site in lockouts if site.path.split("/", 1)[0] == package), None)


def _drf_throttle(app: WebApp) -> Site | None:
    for config in production_configs(app):
        setting = config.get("REST_FRAMEWORK")
        value = setting.value if setting is not None and setting.known else None
        if isinstance(value, dict) and value.get("DEFAULT_THROTTLE_CLASSES"):
            return setting.site  # type: ignore[union-attr]
    return None
