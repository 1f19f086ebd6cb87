"""PAT507: HTTP requests without a timeout."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument, has_kwargs_splat, keyword

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
_REQUESTS = frozenset(f"requests.{verb}" for verb in _VERBS) | frozenset(
    f"requests.{session}().{verb}" for session in ("Session", "session", "sessions.Session") for verb in _VERBS
)
# httpx has a 5-second default; only an explicit timeout=None removes it.
_HTTPX = frozenset(f"httpx.{verb}" for verb in (*_VERBS, "stream", "Client", "AsyncClient"))
_URLOPEN = frozenset({"urllib.request.urlopen"})


class HttpWithoutTimeout(AstRule):
    """## What it does
    Finds `requests` calls (module functions and `Session` methods) without a `timeout`, `httpx` calls and
    clients with `timeout=None`, and `urllib.request.urlopen` without a `timeout`.

    ## Why is this bad?
    Without a timeout, a request waits for as long as the server keeps the connection open: forever, for a
    server that stops answering or one that answers one byte a minute. Every worker that calls it can hang,
    and an attacker who controls the URL (or a slow upstream) can stall the service (denial of service).

    ## Example
    ```python
    import requests


    def fetch_rates():
        return requests.get("https://rates.example.org/latest").json()
    ```

    ## Use instead
    ```python
    import requests


    def fetch_rates():
        return requests.get("https://rates.example.org/latest", timeout=10).json()
    ```

    ## References
    - [requests: timeouts](https://requests.readthedocs.io/en/latest/user/advanced/#timeouts)
    - [CWE-400: Uncontrolled Resource Consumption](https://cwe.mitre.org/data/definitions/400.html)
    """

    code = "PAT507"
    slug = "http-request-without-timeout"
    summary = "HTTP request without a timeout"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (400,)
    fix_hint = "pass timeout= (seconds) to every request"
    bandit = ("B113",)
    ruff = ("S113",)
    node_types = (ast.Call,)
    callees = _REQUESTS | _HTTPX | _URLOPEN

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        position = 2 if name in _URLOPEN else None
        timeout = argument(node, position, "timeout") if position is not None else keyword(node, "timeout")
        if timeout is None:
            if name in _HTTPX or has_kwargs_splat(node):
                return
            yield ctx.finding(self, node, f"`{name}` without a timeout can wait forever")
        elif isinstance(timeout, ast.Constant) and timeout.value is None:
            yield ctx.finding(self, node, f"`{name}` with timeout=None can wait forever")
