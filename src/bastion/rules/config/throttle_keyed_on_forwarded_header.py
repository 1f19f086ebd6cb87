"""CFG312: REST framework throttles keyed on the client's X-Forwarded-For header."""

from __future__ import annotations

from bastion.concepts.webapp import ProjectModel, RouteContext, WebApp
from bastion.concepts.webfacts import Site
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, authenticated_by_default, production_configs


class ThrottleKeyedOnForwardedHeader(WebAppRule):
    """## What it does
    Finds Django REST framework throttles (`@throttle_classes([...])`, a view's `throttle_classes`, or
    `DEFAULT_THROTTLE_CLASSES`) that anonymous callers reach while `REST_FRAMEWORK` does not set `NUM_PROXIES`.
    REST framework then keys an anonymous caller's throttle on the `X-Forwarded-For` header when the request has
    one (`SimpleRateThrottle.get_ident`), and the client writes that header. A route only signed-in users reach
    (a permission class, a login decorator, `DEFAULT_PERMISSION_CLASSES`) is keyed by the user instead and is not
    reported. Only settings written as a literal dictionary are judged.

    ## Why is this bad?
    A client sends a new `X-Forwarded-For: 10.0.0.<n>` with each request, gets a fresh allowance each time, and
    the limit (on password guesses, reservations, one-time codes) never applies.

    ## Example
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth", "rest_framework"]
    REST_FRAMEWORK = {
        "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
        "DEFAULT_THROTTLE_RATES": {"anon": "10/minute"},
    }
    ```

    ## Use instead
    ```python file=settings.py
    INSTALLED_APPS = ["django.contrib.auth", "rest_framework"]
    REST_FRAMEWORK = {
        "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
        "DEFAULT_THROTTLE_RATES": {"anon": "10/minute"},
        # The number of proxies in front of the app; 0 when clients connect directly.
        "NUM_PROXIES": 0,
    }
    ```

    ## References
    - [Django REST framework: How clients are identified](https://www.django-rest-framework.org/api-guide/throttling/#how-clients-are-identified)
    - [CWE-348: Use of Less Trusted Source](https://cwe.mitre.org/data/definitions/348.html)
    - [CWE-799: Improper Control of Interaction Frequency](https://cwe.mitre.org/data/definitions/799.html)
    """

    code = "CFG312"
    slug = "throttle-keyed-on-forwarded-header"
    summary = "REST framework throttle keyed on the client's X-Forwarded-For (NUM_PROXIES unset)"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (348, 799, 307)
    fix_hint = 'set REST_FRAMEWORK["NUM_PROXIES"] to the number of proxies in front of the app (0 for none)'
    tags = ("auth", "rate-limit")

    def verdict(self, model: ProjectModel) -> Verdict:
        verdict = Verdict()
        for app in model.apps_of("django"):
            unset = _num_proxies_unset(app)
            if unset is None:
                continue
            defaults, settings_site = unset
            if defaults:
                verdict.problem(
                    settings_site,
                    "REST framework throttles every view by default and NUM_PROXIES is unset: anonymous callers "
                    "are keyed on the X-Forwarded-For header they send",
                )
            for context in app.routes:
                site = _anonymous_throttle(context)
                if site is not None:
                    verdict.problem(
                        site,
                        f"`{context.route.name}` is throttled per client, and with NUM_PROXIES unset REST framework "
                        "takes the client from the X-Forwarded-For header the caller sends",
                    )
        return verdict


def _num_proxies_unset(app: WebApp) -> tuple[bool, Site] | None:
    """(default throttle classes set, the setting's site) when REST_FRAMEWORK is a literal without NUM_PROXIES."""
    for config in production_configs(app):
        setting = config.get("REST_FRAMEWORK")
        if setting is None or not setting.known or not isinstance(setting.value, dict):
            continue
        if setting.value.get("NUM_PROXIES") is not None:
            return None
        return bool(setting.value.get("DEFAULT_THROTTLE_CLASSES")), setting.site
    return None


def _anonymous_throttle(context: RouteContext) -> Site | None:
    route = context.route
    if not route.drf or context.authn or context.authz or authenticated_by_default(context):
        return None
    return next((site for site in route.rate_limits if "throttle" in site.snippet), None)
