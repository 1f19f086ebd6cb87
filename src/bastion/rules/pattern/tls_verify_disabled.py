"""PAT501: HTTP clients with TLS certificate verification turned off."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.fix import Applicability, Fix
from bastion.core.rule import FixAvailability
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
# urllib3 pools take `cert_reqs`; "CERT_NONE" (or ssl.CERT_NONE) turns verification off.
_URLLIB3 = {
    f"urllib3.{name}"
    for name in ("PoolManager", "ProxyManager", "HTTPSConnectionPool", "connection_from_url", "proxy_from_url")
} | {"urllib3.poolmanager.PoolManager", "urllib3.connectionpool.HTTPSConnectionPool"}
# aiohttp takes `ssl=False` (and the deprecated `verify_ssl=False`) per request or on the connector.
_AIOHTTP = (
    {
        f"{session}.{verb}"
        for session in ("aiohttp.ClientSession()", "aiohttp.ClientSession")
        for verb in (*_VERBS, "ws_connect")
    }
    | {f"aiohttp.{verb}" for verb in ("request",)}
    | {"aiohttp.TCPConnector", "aiohttp.connector.TCPConnector"}
)
_SESSIONS = frozenset({"requests.Session()", "requests.session()", "requests.sessions.Session()"})


class TlsVerifyDisabled(AstRule):
    """## What it does
    Finds `requests` and `httpx` calls, sessions and clients made with `verify=False` (also
    `session.verify = False`), `urllib3` pools with `cert_reqs="CERT_NONE"`, and `aiohttp` requests and
    connectors with `ssl=False` or `verify_ssl=False`.

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

    ## Fix safety
    The fix removes `verify=False` (`ssl=False`, `verify_ssl=False`, `cert_reqs=...`) so that the library's
    default, full verification, applies; `session.verify = False` becomes `session.verify = True`. It is unsafe:
    a server whose certificate does not verify (self-signed, expired, signed by a private authority, the wrong
    host name) now fails with a certificate error. Give such a server its CA bundle (`verify="/path/ca.pem"`)
    rather than turning verification off. No fix when the argument is not a literal `False`.

    ## References
    - [requests: SSL cert verification](https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification)
    - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    """

    code = "PAT501"
    slug = "tls-verification-disabled"
    summary = "HTTP request or client with TLS certificate verification off (`verify=False`, `ssl=False` ...)"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (295,)
    fix_hint = "remove verify=False; pass a CA bundle path for private certificate authorities"
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.UNSAFE
    bandit = ("B501",)
    ruff = ("S501",)
    node_types = (ast.Call, ast.Assign)
    callees = frozenset(_REQUESTS | _HTTPX | _URLLIB3 | _AIOHTTP)

    def check(self, node: ast.Call | ast.Assign, ctx: ModuleContext) -> Iterator[Finding]:
        if isinstance(node, ast.Assign):
            yield from self._session_attribute(node, ctx)
            return
        name = ctx.call_name or ""
        if name in _URLLIB3:
            cert_reqs = keyword(node, "cert_reqs")
            if cert_reqs is not None and _is_cert_none(cert_reqs, ctx):
                yield ctx.finding(
                    self,
                    node,
                    f"`{name}` with cert_reqs=CERT_NONE accepts any certificate",
                    fix=_remove_keyword(node, "cert_reqs", ctx),
                )
            return
        for option in ("ssl", "verify_ssl") if name in _AIOHTTP else ("verify",):
            value = keyword(node, option)
            if value is not None and ctx.constant(value) is False:
                fix = _remove_keyword(node, option, ctx) if _literal_false(value) else None
                yield ctx.finding(self, node, f"`{name}` with {option}=False accepts any certificate", fix=fix)
                return

    def _session_attribute(self, node: ast.Assign, ctx: ModuleContext) -> Iterator[Finding]:
        for target in node.targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "verify"
                and ctx.constant(node.value) is False
                and ctx.qualified_name(target.value) in _SESSIONS
            ):
                fix = None
                if _literal_false(node.value):
                    edit = ctx.editor.replace(node.value, "True")
                    fix = Fix("Verify certificates: `verify = True`", Applicability.UNSAFE, (edit,))
                yield ctx.finding(
                    self, node, "session.verify = False: every request of the session accepts any certificate", fix=fix
                )


def _literal_false(value: ast.expr) -> bool:
    """`False` written there, or a name bound once to it; not an expression that happens to fold to False."""
    return isinstance(value, (ast.Constant, ast.Name))


def _remove_keyword(node: ast.Call, option: str, ctx: ModuleContext) -> Fix | None:
    argument_node = next((item for item in node.keywords if item.arg == option), None)
    if argument_node is None:
        return None
    edit = ctx.editor.remove_argument(node, argument_node)
    if edit is None:
        return None
    return Fix(f"Remove `{option}=...`: verify certificates", Applicability.UNSAFE, (edit,))


def _is_cert_none(expr: ast.expr, ctx: ModuleContext) -> bool:
    value = ctx.constant(expr)
    if value is not UNKNOWN:
        return value in ("CERT_NONE", "NONE", 0)
    return ctx.qualified_name(expr) == "ssl.CERT_NONE"
