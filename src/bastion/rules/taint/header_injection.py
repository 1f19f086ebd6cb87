"""TNT303: untrusted input is written into an HTTP response header or cookie."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class HeaderInjection(TaintRule):
    """## What it does
    Finds untrusted input written into HTTP response headers where the framework does not check it: the *name* of a
    header set through Werkzeug/Flask (`response.headers[name] = ...`, `headers.add(name, ...)`), which refuse CR
    and LF only in values (Werkzeug 2.0 and later). Header values set through Werkzeug or Django, and cookie
    values, are checked or quoted by the framework and are not reported.

    ## Why is this bad?
    CR/LF in a header can start new headers or a new body (response splitting) on servers and proxies that do not
    reject them, and lets an attacker set cookies for the site.

    ## Example
    ```python
    from flask import Flask, make_response, request

    app = Flask(__name__)


    @app.route("/expose")
    def expose():
        response = make_response("ok")
        response.headers["X-" + request.args["name"]] = "1"
        return response
    ```

    ## Use instead
    ```python
    from flask import Flask, make_response, request

    app = Flask(__name__)
    EXPOSED = {"Trace", "Build"}


    @app.route("/expose")
    def expose():
        response = make_response("ok")
        name = request.args["name"]
        if name in EXPOSED:
            response.headers["X-" + name] = "1"
        return response
    ```

    ## References
    - [OWASP: HTTP Response Splitting](https://owasp.org/www-community/attacks/HTTP_Response_Splitting)
    - [Werkzeug: Headers (values with newlines are refused)](https://werkzeug.palletsprojects.com/en/stable/datastructures/#werkzeug.datastructures.Headers)
    - [CWE-113](https://cwe.mitre.org/data/definitions/113.html)
    """

    code = "TNT303"
    slug = "header-injection"
    summary = "untrusted input is written into an HTTP response header the framework does not check"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (113,)
    fix_hint = 'allow only known header names, or strip CR and LF (`name.replace("\\r", "").replace("\\n", "")`)'
    bandit = ()
    ruff = ()
    sink_concept = "HttpHeader"
    effect = "is written into a response header"
