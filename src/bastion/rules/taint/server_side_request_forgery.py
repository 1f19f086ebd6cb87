"""TNT401: untrusted input chooses the URL the server fetches (SSRF)."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class ServerSideRequestForgery(TaintRule):
    """## What it does
    Finds outgoing requests (`requests`, `httpx`, `urllib`, `aiohttp`, `urllib3`) whose URL comes from request data
    and whose host is not fixed by a constant prefix (only the scheme and host matter: input after the host's `/`
    picks a path on a server the code chose, also when a helper makes the request). A `curl`/`wget` command line
    built with such a URL (`f"curl -s {url}"`) is reported where it is built. A URL the local user gives a script
    is not reported.

    ## Why is this bad?
    The server can reach what the attacker cannot: cloud metadata (`http://169.254.169.254/`), admin interfaces on
    localhost, internal services. The response often comes back to the attacker.

    ## Example
    ```python
    import requests
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/preview")
    def preview():
        return requests.get(request.args["url"], timeout=5).text
    ```

    ## Use instead
    ```python
    import requests
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/preview")
    def preview():
        return requests.get("https://api.example.org/pages/" + request.args["page"], timeout=5).text
    ```

    ## References
    - [OWASP: Server Side Request Forgery Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html)
    - [CWE-918](https://cwe.mitre.org/data/definitions/918.html)
    """

    code = "TNT401"
    slug = "server-side-request-forgery"
    summary = "untrusted input chooses the URL the server fetches (SSRF)"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (918,)
    fix_hint = (
        "fix the scheme and host in code and let input choose only a path or query value, "
        "or check the host against an allowlist"
    )
    bandit = ()
    ruff = ()
    sink_concept = "HttpRequest"
    effect = "is the URL the server requests"
