"""CFG201: plain HTTP not redirected to HTTPS."""

from __future__ import annotations

from bastion.concepts.webapp import ProjectModel
from bastion.concepts.webfacts import Site
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, option_site, production_configs, proxy_evidence, where


class HttpsRedirectMissing(WebAppRule):
    """## What it does
    Finds applications that never send plain-HTTP visitors to HTTPS: Django production settings without
    `SECURE_SSL_REDIRECT = True`, Flask apps without Flask-Talisman (or with `force_https=False`) or Flask-SSLify,
    FastAPI/Starlette apps without `HTTPSRedirectMiddleware`. Not reported when the project says the app runs behind
    a TLS-terminating proxy (Django's `SECURE_PROXY_SSL_HEADER`, Werkzeug's `ProxyFix`, uvicorn's `proxy_headers` or
    `forwarded_allow_ips`): the redirect is then the proxy's job, which the source does not show, and the checklist
    says so (UNKNOWN). An app mounted under another (`app.mount("/api", app=api)`) is answered for by that one.
    Medium confidence: a proxy may still redirect without the app knowing (say so with a suppression comment).

    ## Why is this bad?
    A page served over HTTP can be read and altered by anyone on the network path (public Wi-Fi, a hostile proxy),
    including the login form and the session cookie it sets.

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
    Talisman(app)
    ```

    ## References
    - [Django: SECURE_SSL_REDIRECT](https://docs.djangoproject.com/en/stable/ref/settings/#secure-ssl-redirect)
    - [Flask-Talisman](https://github.com/wntrblm/flask-talisman)
    - [Starlette: HTTPSRedirectMiddleware](https://www.starlette.io/middleware/#httpsredirectmiddleware)
    - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    """

    code = "CFG201"
    slug = "https-redirect-missing"
    summary = "Plain HTTP is not redirected to HTTPS"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (319,)
    fix_hint = "redirect to HTTPS in the app (SECURE_SSL_REDIRECT, Talisman, HTTPSRedirectMiddleware) or at the proxy"
    tags = ("config", "transport")

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_https_redirect(model)


def check_https_redirect(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    proxy_note = "if TLS ends at a proxy that redirects, say so with a suppression comment"
    for app in model.apps:
        if app.mounted_in is not None:
            continue  # served under the app it is mounted in, which answers for both
        proxy = proxy_evidence(model, app)
        if app.framework == "django":
            for config in production_configs(app):
                setting = config.get("SECURE_SSL_REDIRECT")
                known, value = config.known_value("SECURE_SSL_REDIRECT", False)
                if not known:
                    verdict.unknown.append(f"SECURE_SSL_REDIRECT is read from the environment at {where(setting)}")
                elif value:
                    verdict.good(setting.site if setting else app.site, "SECURE_SSL_REDIRECT = True")
                elif proxy is not None:
                    verdict.unknown.append(_behind_proxy(proxy))
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
                    option_site(talisman, "force_https"),
                    "Talisman is configured with force_https=False: plain HTTP is served",
                )
            else:
                redirects.append(talisman)
        if redirects:
            verdict.good(redirects[0].site, f"HTTPS enforced by {redirects[0].library.rsplit('.', 1)[-1]}")
        elif proxy is not None:
            verdict.unknown.append(_behind_proxy(proxy))
        elif not app.components_of("talisman"):
            verdict.problem(
                app.site,
                f"{app.label} never redirects plain HTTP to HTTPS (no Talisman, SSLify or HTTPSRedirectMiddleware); "
                + proxy_note,
                confidence=Confidence.MEDIUM,
            )
    return verdict


def _behind_proxy(site: Site) -> str:
    return (
        f"the app runs behind a TLS-terminating proxy ({site.path}:{site.line}): check that the proxy redirects "
        "plain HTTP to HTTPS"
    )
