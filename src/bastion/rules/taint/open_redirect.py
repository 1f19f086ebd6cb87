"""TNT302: untrusted input chooses where a redirect goes."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class OpenRedirect(TaintRule):
    """## What it does
    Finds redirects (`flask.redirect`, Django `redirect`/`HttpResponseRedirect`, Starlette `RedirectResponse`,
    aiohttp `HTTPFound`) whose target comes from input. A constant prefix that fixes the host or a local path
    (`"/profile/" + name`) is safe, and so is the `Referer` header (`request.referrer`): it sends the user back to
    the page they came from.

    ## Why is this bad?
    `/login?next=https://evil.example` sends users, after a trusted page, to a phishing site that looks like the
    real one.

    ## Example
    ```python
    from flask import Flask, redirect, request

    app = Flask(__name__)


    @app.route("/go")
    def go():
        return redirect(request.args["next"])
    ```

    ## Use instead
    ```python
    from urllib.parse import urlparse

    from flask import Flask, abort, redirect, request

    app = Flask(__name__)
    ALLOWED_HOSTS = {"example.org", "www.example.org"}


    @app.route("/go")
    def go():
        target = request.args["next"]
        if urlparse(target).netloc not in ALLOWED_HOSTS:
            abort(400)
        return redirect(target)
    ```

    ## References
    - [OWASP: Unvalidated Redirects and Forwards Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html)
    - [CWE-601](https://cwe.mitre.org/data/definitions/601.html)
    """

    code = "TNT302"
    slug = "open-redirect"
    summary = "untrusted input chooses where a redirect goes"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (601,)
    fix_hint = (
        "redirect only to local paths or allowed hosts (`url_has_allowed_host_and_scheme`, a host allowlist), "
        "or to `url_for(...)`"
    )
    bandit = ()
    ruff = ()
    sink_concept = "Redirect"
    effect = "is the redirect target"
