"""PAT501: HTTP clients with TLS certificate verification turned off."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import keyword
from bastion.semantic.constants import UNKNOWN

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")
_REQUESTS = {f"requests.{verb}" for verb in _VERBS} | {
    f"requests.{session}().{verb}" for session in ("Session", "session", "sessions.Session") for verb in _VERBS
}
_HTTPX = {f"httpx.{verb}" for verb in _VERBS} | {
    f"httpx.{client}" for client in ("Client", "AsyncClient", "HTTPTransport", "AsyncHTTPTransport")
}


class TlsVerifyDisabled(AstRule):
    """## What it does
    Finds `requests` and `httpx` calls, sessions and clients made with `verify=False`.

    ## Why is this bad?
    Without certificate verification, anyone on the network path (a café Wi-Fi, a compromised router, a proxy)
    can pose as the server: read the credentials and data you send and change the answers you receive.

    ## Example
    ```python
    import requests


    def fetch(url):
        return requests.get(url, verify=False, timeout=10)
    ```

    ## Use instead
    ```python
    import requests


    def fetch(url):
        return requests.get(url, timeout=10)
    ```
    For an internal certificate authority, pass its bundle: `verify="/etc/ssl/internal-ca.pem"`.

    ## References
    - [requests: SSL cert verification](https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification)
    - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    """

    code = "PAT501"
    slug = "tls-verification-disabled"
    summary = "HTTP request or client with TLS certificate verification off (`verify=False`)"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (295,)
    fix_hint = "remove verify=False; pass a CA bundle path for private certificate authorities"
    bandit = ("B501",)
    ruff = ("S501",)
    node_types = (ast.Call,)
    callees = frozenset(_REQUESTS | _HTTPX)

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        verify = keyword(node, "verify")
        if verify is None:
            return
        value = ctx.constant(verify)
        if value is UNKNOWN or value is not False:
            return
        yield ctx.finding(self, node, f"`{ctx.call_name}` with verify=False accepts any certificate")
