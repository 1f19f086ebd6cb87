"""TNT303: untrusted input is written into an HTTP response header or cookie."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class HeaderInjection(TaintRule):
    """## What it does
    Finds untrusted input written to response headers (`response.headers[...] = value`, `headers.add`,
    `set_cookie`).

    ## Why is this bad?
    CR/LF in a header value can start new headers or a new body (response splitting) on servers and proxies that do
    not reject them, and lets an attacker set cookies for the site.

    ## Example
    ```python
    from flask import Flask, make_response, request

    app = Flask(__name__)


    @app.route("/lang")
    def lang():
        response = make_response("ok")
        response.headers["Content-Language"] = request.args["lang"]
        return response
    ```

    ## Use instead
    ```python
    from flask import Flask, make_response, request

    app = Flask(__name__)
    LANGUAGES = {"en", "fr", "de"}


    @app.route("/lang")
    def lang():
        response = make_response("ok")
        language = request.args["lang"]
        if language in LANGUAGES:
            response.headers["Content-Language"] = language
        return response
    ```

    ## References
    - [OWASP: HTTP Response Splitting](https://owasp.org/www-community/attacks/HTTP_Response_Splitting)
    - [CWE-113](https://cwe.mitre.org/data/definitions/113.html)
    """

    code = "TNT303"
    slug = "header-injection"
    summary = "untrusted input is written into an HTTP response header or cookie"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (113,)
    fix_hint = (
        'strip CR and LF from the value (`value.replace("\\r", "").replace("\\n", "")`) or allow only known values'
    )
    bandit = ()
    ruff = ()
    sink_concept = "HttpHeader"
    effect = "is written into a response header"
