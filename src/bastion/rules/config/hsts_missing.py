"""CFG202: no HSTS header, or a short max-age."""

from __future__ import annotations

from typing import Any

from bastion.concepts.webapp import ProjectModel
from bastion.concepts.webfacts import Site
from bastion.core import patterns
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, option_site, production_configs, proxy_evidence, where


class HstsMissing(WebAppRule):
    """## What it does
    Finds applications that send no `Strict-Transport-Security` header, or one with a max-age under 180 days
    (15552000 seconds): Django's `SECURE_HSTS_SECONDS` unset or small, Flask-Talisman with
    `strict_transport_security=False` or a short `strict_transport_security_max_age`, or no HSTS header set anywhere
    in the code of a Flask/FastAPI/Starlette app. A missing header is not reported when the project says the app runs
    behind a TLS-terminating proxy (`SECURE_PROXY_SSL_HEADER`, `ProxyFix`, uvicorn's `proxy_headers`): the proxy
    may send it (the checklist says UNKNOWN); a max-age set too short still is. An app mounted under another gets
    that one's headers.

    ## Why is this bad?
    A redirect to HTTPS still starts with one plain-HTTP request, which an attacker on the network can answer
    instead (SSL stripping). HSTS tells the browser to use HTTPS for the site from then on, without asking; a
    short max-age lets the protection lapse between visits.

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    SECURE_HSTS_SECONDS = 3600
    ```

    ## Use instead
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    ```

    ## References
    - [Django: HTTP Strict Transport Security](https://docs.djangoproject.com/en/stable/ref/middleware/#http-strict-transport-security)
    - [MDN: Strict-Transport-Security](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security)
    - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    """

    code = "CFG202"
    slug = "hsts-missing"
    summary = "No HSTS header, or a short max-age"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (319, 523)
    fix_hint = "send Strict-Transport-Security with max-age of at least 180 days (one year is usual)"
    tags = ("config", "transport", "headers")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_hsts(model)


HSTS_MIN_SECONDS = 15_552_000  # 180 days: shorter lets a first visit after expiry be downgraded again

TALISMAN_HSTS_DEFAULT = 31_556_926


def check_hsts(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for app in model.apps:
        if app.mounted_in is not None:
            continue  # served under the app it is mounted in, whose headers it gets
        proxy = proxy_evidence(model, app)
        proxy_note = (
            f"the app runs behind a TLS-terminating proxy ({proxy.path}:{proxy.line}): check that the proxy sends "
            "Strict-Transport-Security"
            if proxy is not None
            else ""
        )
        if app.framework == "django":
            for config in production_configs(app):
                setting = config.get("SECURE_HSTS_SECONDS")
                known, value = config.known_value("SECURE_HSTS_SECONDS", 0)
                if not known:
                    verdict.unknown.append(f"SECURE_HSTS_SECONDS is read from the environment at {where(setting)}")
                    continue
                if proxy_note and not value and setting is None:
                    verdict.unknown.append(proxy_note)
                    continue
                _hsts_value(verdict, setting.site if setting else app.site, value, "SECURE_HSTS_SECONDS")
            continue
        found = False
        for talisman in app.components_of("talisman"):
            if talisman.option("strict_transport_security", True) is False:
                verdict.problem(
                    option_site(talisman, "strict_transport_security"),
                    "Talisman is configured with strict_transport_security=False: no HSTS header",
                )
                found = True
                continue
            found = True
            age = talisman.option("strict_transport_security_max_age", TALISMAN_HSTS_DEFAULT)
            site = option_site(talisman, "strict_transport_security_max_age")
            _hsts_value(verdict, site, age, "Talisman strict_transport_security_max_age")
        for header in app.headers:
            if header.name == "strict-transport-security":
                found = True
                age = _max_age(header.value)
                if age is None:
                    verdict.good(header.site, "Strict-Transport-Security header set")
                else:
                    _hsts_value(verdict, header.site, age, "Strict-Transport-Security max-age")
        if not found and proxy_note:
            verdict.unknown.append(proxy_note)
        elif not found:
            verdict.problem(
                app.site,
                f"{app.label} sends no Strict-Transport-Security header (HSTS): browsers may be downgraded to HTTP",
                confidence=Confidence.MEDIUM,
            )
    return verdict


_MAX_AGE = patterns.compile(r"max-age\s*=\s*(\d+)", ignore_case=True)


def _max_age(value: str | None) -> int | None:
    if not value:
        return None
    match = _MAX_AGE.search(value)
    return int(match.group(1)) if match else None


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
