"""PAT607: access decided by the client's address compared with a loopback or private address, or by a
forwarding header the client writes itself."""

from __future__ import annotations

import ast
import ipaddress
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext

_REQUEST_NAMES = frozenset({"request", "req", "self.request"})
# The peer address of the connection, by framework: Starlette/FastAPI `request.client.host`, Flask/Werkzeug
# `remote_addr`, aiohttp `remote`, Sanic `ip`, Tornado `remote_ip`, http.server `self.client_address`.
_PEER_ATTRIBUTES = frozenset({"remote_addr", "remote", "ip", "remote_ip", "client_ip"})
_PEER_KEYS = frozenset({"REMOTE_ADDR"})
# Headers a client sets as it likes unless a proxy it cannot bypass overwrites them.
_FORWARDING_HEADERS = frozenset(
    {"x-forwarded-for", "x-real-ip", "x-client-ip", "x-originating-ip", "client-ip", "forwarded", "x-forwarded-host"}
)
_HEADER_CONTAINERS = frozenset({"headers", "META", "environ"})
_LOCAL_NAMES = frozenset({"localhost", "ip6-localhost"})
_PEELED_METHODS = frozenset({"split", "strip", "lower", "partition", "rsplit"})
_REFUSALS = frozenset({"abort", "HTTPException", "PermissionDenied", "HttpResponseForbidden", "Forbidden"})


class ClientAddressAuthorization(AstRule):
    """## What it does
    Finds access decided by where a request seems to come from: the connection's peer address
    (`request.client.host`, `request.remote_addr`, `REMOTE_ADDR`, `self.client_address[0]`) compared with a
    loopback or private address (`127.0.0.1`, `::1`, `localhost`, `10.0.0.5`), or a forwarding header
    (`X-Forwarded-For`, `X-Real-IP`, `Forwarded`) compared with any address, in an `if` whose branch refuses or
    answers (`raise HTTPException(403)`, `abort(403)`, `return ...`). Addresses compared with a configured list
    (`request.client.host in settings.allowed_ips`) are not reported.

    ## Why is this bad?
    Behind a reverse proxy or a load balancer on the same host, every request arrives from `127.0.0.1`: the
    "local only" endpoint is open to the internet. A server-side request forgery elsewhere in the app reaches it
    from the loopback address too. Forwarding headers are written by the client unless a proxy replaces them, so
    `X-Forwarded-For: 127.0.0.1` passes the check.

    ## Example
    ```python
    from fastapi import FastAPI, HTTPException, Request

    app = FastAPI()


    @app.post("/admin/reset-password")
    def reset_password(request: Request):
        if request.client.host != "127.0.0.1":
            raise HTTPException(status_code=403)
        return {"password": "..."}
    ```

    ## Use instead
    ```python
    from fastapi import Depends, FastAPI

    from app.auth import require_admin

    app = FastAPI()


    @app.post("/admin/reset-password", dependencies=[Depends(require_admin)])
    def reset_password():
        return {"status": "sent"}
    ```

    ## References
    - [OWASP: Authentication bypass by spoofing](https://owasp.org/www-community/attacks/Authentication_Bypass_by_Spoofing)
    - [MDN: X-Forwarded-For (security and privacy concerns)](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Forwarded-For)
    - [CWE-291: Reliance on IP Address for Authentication](https://cwe.mitre.org/data/definitions/291.html)
    """

    code = "PAT607"
    slug = "authorization-from-client-address"
    summary = "Access decided by the client's address (loopback, private, or a forwarding header)"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (291, 290, 348)
    fix_hint = (
        "authenticate the caller (a session, a token, an admin role); never trust the peer address or X-Forwarded-For"
    )
    bandit = ()
    ruff = ()
    node_types = (ast.If,)

    def check(self, node: ast.If, ctx: ModuleContext) -> Iterator[Finding]:
        if is_test_path(ctx.path) or not _decides(node, ctx):
            return
        resolve = ctx.index.name_resolver(ctx.scope)
        for compare in (n for n in ast.walk(node.test) if isinstance(n, ast.Compare)):
            sides = [compare.left, *compare.comparators]
            constants = [value for side in sides if (value := _addresses(side, ctx)) is not None]
            for side in sides:
                read = resolve(side.id) if isinstance(side, ast.Name) else side
                kind = _address_kind(read, ctx) if read is not None else None
                if kind is None or not constants:
                    continue
                listed = [address for group in constants for address in group]
                if kind == "peer" and not any(_is_internal(address) for address in listed):
                    continue
                shown = ast.unparse(read) if read is not None else ast.unparse(side)
                yield ctx.finding(
                    self,
                    compare,
                    f"access decided by `{shown}` compared with {', '.join(listed[:3])}: "
                    + (
                        "the client writes this header itself"
                        if kind == "header"
                        else "behind a proxy on the same host, or through a request forgery, every request comes "
                        "from there"
                    ),
                    severity=Severity.HIGH if kind == "header" else Severity.MEDIUM,
                )
                return


def _address_kind(expr: ast.expr, ctx: ModuleContext) -> str | None:
    """ "peer" for the connection's address, "header" for a forwarding header, None for anything else; through
    `.split(",")[0].strip()` and the like."""
    expr = _peeled(expr)
    if isinstance(expr, ast.Attribute):
        base = ast.unparse(expr.value)
        if expr.attr in _PEER_ATTRIBUTES and base in _REQUEST_NAMES:
            return "peer"
        if expr.attr == "host" and base.endswith(".client") and base.removesuffix(".client") in _REQUEST_NAMES:
            return "peer"
        if ast.unparse(expr) == "self.client_address":
            return "peer"
        return None
    key_node: ast.expr | None = None
    container: ast.expr | None = None
    if isinstance(expr, ast.Subscript):
        container, key_node = expr.value, expr.slice
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and expr.args:
        container, key_node = expr.func.value, expr.args[0]
    if not isinstance(container, ast.Attribute) or container.attr not in _HEADER_CONTAINERS:
        return None
    if ast.unparse(container.value) not in _REQUEST_NAMES:
        return None
    key = ctx.constant(key_node)
    if not isinstance(key, str):
        return None
    if key in _PEER_KEYS:
        return "peer"
    header = key.removeprefix("HTTP_").replace("_", "-").lower()
    return "header" if header in _FORWARDING_HEADERS else None


def _peeled(expr: ast.expr) -> ast.expr:
    for _ in range(6):
        if (
            isinstance(expr, ast.Subscript)
            and isinstance(expr.slice, ast.Constant)
            and isinstance(expr.slice.value, int)
        ):
            expr = expr.value
        elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in _PEELED_METHODS:
            expr = expr.func.value
        else:
            break
    return expr


def _addresses(expr: ast.expr, ctx: ModuleContext) -> list[str] | None:
    """The addresses a constant side of a comparison names (`"127.0.0.1"`, `("127.0.0.1", "::1")`)."""
    value = ctx.constant(expr)
    values = (
        [value] if isinstance(value, str) else list(value) if isinstance(value, (tuple, list, set, frozenset)) else []
    )
    found = [item for item in values if isinstance(item, str) and _is_address(item)]
    return found or None


def _is_address(text: str) -> bool:
    if text.lower() in _LOCAL_NAMES:
        return True
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_internal(text: str) -> bool:
    if text.lower() in _LOCAL_NAMES:
        return True
    address = ipaddress.ip_address(text)
    return address.is_loopback or address.is_private


def _decides(node: ast.If, ctx: ModuleContext) -> bool:
    """Whether a branch of the `if` refuses or answers: a `raise`, a `return`, or a call of `abort(...)`."""
    for statement in (*node.body, *node.orelse):
        if isinstance(statement, (ast.Raise, ast.Return)):
            return True
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            callee = ctx.qualified_name(statement.value.func) or ast.unparse(statement.value.func)
            if callee.rsplit(".", 1)[-1] in _REFUSALS:
                return True
    return False
