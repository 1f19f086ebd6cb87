"""CFG203: security headers (CSP, X-Frame-Options, nosniff, Referrer-Policy) set nowhere."""

from __future__ import annotations

from bastion.concepts.webapp import ProjectModel
from bastion.concepts.webfacts import Site
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import (
    DJANGO_SECURITY_MIDDLEWARE,
    DJANGO_XFRAME_MIDDLEWARE,
    Verdict,
    WebAppRule,
    middleware_setting,
    middleware_site,
    option_site,
    production_configs,
)


class SecurityHeadersMissing(WebAppRule):
    """## What it does
    Lists, per application, the security headers that nothing in the project sets: `Content-Security-Policy`,
    `X-Frame-Options` (or a CSP `frame-ancestors`), `X-Content-Type-Options: nosniff` and `Referrer-Policy`.
    Counted as setting them: Flask-Talisman (each header unless its option turns it off), Django's
    `SecurityMiddleware` (nosniff, Referrer-Policy), `XFrameOptionsMiddleware`, django-csp or Django's CSP
    middleware, the `secure` package, and any code that writes the header (`response.headers[...] = ...` in an
    `after_request` hook or a middleware, `response["X-Frame-Options"] = ...`). Only `Content-Security-Policy`
    missing (clickjacking and sniffing covered) is low severity: defence in depth. An app mounted under another gets
    that one's headers.

    ## Why is this bad?
    Without CSP, one injection becomes script execution; without X-Frame-Options, another site frames yours and
    tricks clicks (clickjacking); without nosniff, browsers may run an upload as script; without Referrer-Policy,
    full URLs (with tokens in them) leak to other sites.

    ## Example
    ```python file=app.py
    from flask import Flask

    app = Flask(__name__)
    ```

    ## Use instead
    ```python file=app.py
    from flask import Flask
    from flask_talisman import Talisman

    app = Flask(__name__)
    Talisman(app, content_security_policy={"default-src": "'self'"})
    ```

    ## References
    - [OWASP Secure Headers Project](https://owasp.org/www-project-secure-headers/)
    - [MDN: Content Security Policy](https://developer.mozilla.org/en-US/docs/Web/HTTP/CSP)
    - [CWE-693: Protection Mechanism Failure](https://cwe.mitre.org/data/definitions/693.html)
    - [CWE-1021: Improper Restriction of Rendered UI Layers](https://cwe.mitre.org/data/definitions/1021.html)
    """

    code = "CFG203"
    slug = "security-headers-missing"
    summary = "Security headers (CSP, X-Frame-Options, nosniff, Referrer-Policy) set nowhere"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (693, 1021)
    fix_hint = "set the headers with Flask-Talisman, Django's security middleware, or an after-request hook"
    tags = ("config", "headers")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_security_headers(model)


DJANGO_CSP_MIDDLEWARE = frozenset(
    {"csp.middleware.CSPMiddleware", "django.middleware.csp.ContentSecurityPolicyMiddleware"}
)

HEADER_LABELS = {
    "content-security-policy": "Content-Security-Policy",
    "x-frame-options": "X-Frame-Options",
    "x-content-type-options": "X-Content-Type-Options: nosniff",
    "referrer-policy": "Referrer-Policy",
}


def check_security_headers(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps:
        if app.mounted_in is not None:
            continue  # served under the app it is mounted in, whose headers it gets
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
                        header, option_site(talisman, option) if talisman.has_option(option) else talisman.site
                    )
        for component in app.components_of("secure-headers"):
            for header in HEADER_LABELS:
                covered.setdefault(header, component.site)
        if app.framework == "django":
            for config in production_configs(app):
                _setting, items = middleware_setting(config)
                if items is None:
                    verdict.unknown.append("MIDDLEWARE is computed: check the security headers by hand")
                    break
                names = {name for name, _ in items}
                security = middleware_site(config, app, DJANGO_SECURITY_MIDDLEWARE)
                if security is not None:
                    if config.known_value("SECURE_CONTENT_TYPE_NOSNIFF", True)[1]:
                        covered.setdefault("x-content-type-options", security)
                    if config.known_value("SECURE_REFERRER_POLICY", "same-origin")[1]:
                        covered.setdefault("referrer-policy", security)
                xframe = middleware_site(config, app, DJANGO_XFRAME_MIDDLEWARE)
                if xframe is not None:
                    covered.setdefault("x-frame-options", xframe)
                for csp in DJANGO_CSP_MIDDLEWARE & names:
                    covered.setdefault("content-security-policy", middleware_site(config, app, csp) or app.site)
        missing = [label for header, label in HEADER_LABELS.items() if header not in covered]
        for header, site in covered.items():
            verdict.good(site, f"{HEADER_LABELS[header]} set")
        if missing:
            # Content-Security-Policy alone missing, with clickjacking and sniffing covered, is defence in depth.
            only_csp = missing == [HEADER_LABELS["content-security-policy"]]
            verdict.problem(
                app.site,
                f"{app.label} sets none of these security headers anywhere: {', '.join(missing)}",
                context=",".join(missing),
                severity=Severity.LOW if only_csp else None,
            )
    return verdict
