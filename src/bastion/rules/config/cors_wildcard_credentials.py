"""CFG302: CORS open to every origin, with credentials."""

from __future__ import annotations

from bastion.concepts.web_checks import Verdict, check_cors
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import WebAppRule


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
