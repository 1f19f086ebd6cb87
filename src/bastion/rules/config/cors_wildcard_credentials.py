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
    (or a match-all regex) and `CORS_ALLOW_CREDENTIALS`.

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
                if wildcard and credentials:
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
                elif config.get("CORS_ALLOWED_ORIGINS") is not None:
                    configured = True
                    verdict.good(config.get("CORS_ALLOWED_ORIGINS").site, "CORS_ALLOWED_ORIGINS lists the origins")  # type: ignore[union-attr]
        if not configured:
            verdict.good(None, f"no CORS configured for {app.label}: browsers apply the same-origin policy")
    return verdict


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
