"""CFG302: CORS open to every origin, with credentials."""

from __future__ import annotations

from typing import Any

from bastion.concepts.webapp import ProjectModel
from bastion.concepts.webfacts import Component
from bastion.core import patterns
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, option_site, production_configs, truthy


class CorsWildcardCredentials(WebAppRule):
    """## What it does
    Finds CORS configured to accept any origin together with credentials: Flask-CORS (`CORS(app, ...)`,
    `@cross_origin(...)`, per-resource options) with `supports_credentials=True` and origins left at the default
    `'*'` (or set to it, or to a match-all regex), Starlette/FastAPI `CORSMiddleware` with `allow_origins=["*"]` or
    `allow_origin_regex=".*"` and `allow_credentials=True`, and django-cors-headers with `CORS_ALLOW_ALL_ORIGINS`
    (or a match-all regex) and `CORS_ALLOW_CREDENTIALS`. An origin regex (`allow_origin_regex`,
    `CORS_ALLOWED_ORIGIN_REGEXES`) is also reported when an origin anyone can register passes it: a longer name
    ending with a host it spells (`evilbakery.com` for `.*.bakery.com`), a name under another domain starting with
    one (no end anchor, for django-cors-headers, which matches from the start only), or the host with its dot
    replaced (an unescaped `.`).

    ## Why is this bad?
    Browsers refuse `Access-Control-Allow-Origin: *` with credentials, so these libraries echo the caller's origin
    instead. Any web page the user visits can then call your API with the user's cookies and read the answers.

    ## Example
    ```python file=app.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    ```

    ## Use instead
    ```python file=app.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
    ```

    ## References
    - [MDN: CORS, credentialed requests and wildcards](https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#credentialed_requests_and_wildcards)
    - [PortSwigger: CORS vulnerabilities](https://portswigger.net/web-security/cors)
    - [CWE-942: Permissive Cross-domain Policy with Untrusted Domains](https://cwe.mitre.org/data/definitions/942.html)
    """

    code = "CFG302"
    slug = "cors-wildcard-credentials"
    summary = "CORS allows any origin together with credentials"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (942,)
    fix_hint = "list the trusted origins explicitly when credentials are allowed"
    tags = ("config", "cors")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_cors(model)


_WILDCARD_REGEX = patterns.compile(r"^\^?\.\*\$?$|^\^?https?://\.\*")


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
                # Starlette matches the whole origin against `allow_origin_regex` (`fullmatch`).
                foreign = _foreign_origin(regex, whole=True) if isinstance(regex, str) and not wildcard else None
                if foreign is not None and credentials:
                    verdict.problem(
                        option_site(component, "allow_credentials"),
                        f"CORS origin regex `{regex}` also matches `{foreign}`, together with credentials: that "
                        "site can read your users' data",
                    )
                elif wildcard and credentials:
                    verdict.problem(
                        option_site(component, "allow_credentials"),
                        "CORS allows any origin together with credentials: every site can read your users' data",
                    )
                else:
                    verdict.good(component.site, "CORS restricted to listed origins or without credentials")
        if app.framework == "django":
            for config in production_configs(app):
                everyone = config.get("CORS_ALLOW_ALL_ORIGINS") or config.get("CORS_ORIGIN_ALLOW_ALL")
                credentials_setting = config.get("CORS_ALLOW_CREDENTIALS")
                regexes = config.items("CORS_ALLOWED_ORIGIN_REGEXES") or []
                with_credentials = (
                    credentials_setting is not None and credentials_setting.known and truthy(credentials_setting.value)
                )
                if everyone is not None and everyone.known and truthy(everyone.value) and with_credentials:
                    configured = True
                    verdict.problem(everyone.site, "CORS allows any origin together with CORS_ALLOW_CREDENTIALS")
                elif any(_wildcard(regex) for regex, _ in regexes) and with_credentials:
                    configured = True
                    verdict.problem(regexes[0][1], "CORS origin regex matches any origin, with credentials")
                elif with_credentials and (loose := _loose_regex(regexes)) is not None:
                    configured = True
                    (regex, site), foreign = loose
                    verdict.problem(
                        site, f"CORS origin regex `{regex}` also matches `{foreign}`, with CORS_ALLOW_CREDENTIALS"
                    )
                elif config.get("CORS_ALLOWED_ORIGINS") is not None:
                    configured = True
                    verdict.good(config.get("CORS_ALLOWED_ORIGINS").site, "CORS_ALLOWED_ORIGINS lists the origins")  # type: ignore[union-attr]
        if not configured:
            verdict.good(None, f"no CORS configured for {app.label}: browsers apply the same-origin policy")
    return verdict


# A host name written in an origin regex, its dots escaped or not: `restaurant\.com`, `api.example.org`.
_HOST_IN_REGEX = patterns.compile(r"[a-z0-9-]+(?:\\?\.[a-z0-9-]+)*\\?\.[a-z]{2,}", ignore_case=True)


def _loose_regex(regexes: list[tuple[Any, Any]]) -> tuple[tuple[str, Any], str] | None:
    """The first of django-cors-headers' origin regexes (matched from the start, `re.match`) that an attacker's
    origin also matches, with that origin."""
    for regex, site in regexes:
        if isinstance(regex, str) and (foreign := _foreign_origin(regex, whole=False)) is not None:
            return (regex, site), foreign
    return None


def _foreign_origin(regex: str, *, whole: bool) -> str | None:
    """An origin an attacker can register that `regex` accepts, built from the host names the regex spells:
    a longer name that ends with one (`evilexample.com`: the regex does not anchor at a dot), a name under the
    attacker's domain that starts with one (`example.com.attacker.test`: no end anchor), or one whose dot is any
    character (`exampleXcom`: the dot is not escaped). None when it accepts none of them (or cannot be read)."""
    try:
        pattern = patterns.compile(regex)
    except patterns.error:
        return None
    accepts = pattern.fullmatch if whole else pattern.match
    for found in _HOST_IN_REGEX.finditer(regex):
        host = found.group(0).replace("\\.", ".").lower()
        first, _, rest = host.partition(".")
        for candidate in (f"evil{host}", f"{host}.attacker.test", f"{first}x{rest}"):
            for scheme in ("https://", "http://"):
                origin = scheme + candidate
                if accepts(origin) is not None:
                    return origin
    return None


def _wildcard(origins: Any) -> bool:
    if origins is None:
        return True
    if isinstance(origins, str):
        return origins.strip() == "*" or bool(_WILDCARD_REGEX.match(origins.strip()))
    if isinstance(origins, (list, tuple, set, frozenset)):
        return any(_wildcard(origin) for origin in origins if isinstance(origin, str))
    return False


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
            option_site(component, "supports_credentials"),
            "Flask-CORS allows any origin (the default is '*') together with supports_credentials=True: "
            "it echoes the caller's origin, so every site can read your users' data",
        )
    else:
        verdict.good(component.site, "Flask-CORS without credentials for any origin")
