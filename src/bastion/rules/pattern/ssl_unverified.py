"""PAT506: `ssl` contexts and sockets that do not verify certificates or host names."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument

_UNVERIFIED_FACTORIES = frozenset({"ssl._create_unverified_context", "ssl._create_stdlib_context"})
_WRAP_SOCKET = "ssl.wrap_socket"


class SslUnverified(AstRule):
    """## What it does
    Finds `ssl` set up to skip certificate checks: `ssl._create_unverified_context()`,
    `ssl._create_default_https_context = ssl._create_unverified_context`, `context.verify_mode =
    ssl.CERT_NONE`, `context.check_hostname = False`, `cert_reqs=ssl.CERT_NONE`, and the removed
    `ssl.wrap_socket()`, which verified nothing by default.

    ## Why is this bad?
    Without verification, TLS still encrypts but no longer knows who is at the other end: anyone on the path
    can present their own certificate and read or change the traffic. Turning off the host name check alone
    accepts any valid certificate for any site.

    ## Example
    ```python
    import ssl
    import urllib.request


    def fetch(url):
        context = ssl._create_unverified_context()
        return urllib.request.urlopen(url, context=context, timeout=10).read()
    ```

    ## Use instead
    ```python
    import ssl
    import urllib.request


    def fetch(url):
        context = ssl.create_default_context()
        return urllib.request.urlopen(url, context=context, timeout=10).read()
    ```
    For a private certificate authority: `ssl.create_default_context(cafile="/etc/ssl/internal-ca.pem")`.

    ## References
    - [Python docs: ssl security considerations](https://docs.python.org/3/library/ssl.html#security-considerations)
    - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    """

    code = "PAT506"
    slug = "ssl-verification-disabled"
    summary = "`ssl` context or socket that does not verify certificates or host names"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (295, 297)
    fix_hint = "use ssl.create_default_context() and keep verify_mode and check_hostname at their defaults"
    bandit = ("B323", "B504")
    ruff = ("S323", "S504")
    node_types = (ast.Call, ast.Assign)
    callees = _UNVERIFIED_FACTORIES | {_WRAP_SOCKET}

    def check(self, node: ast.Call | ast.Assign, ctx: ModuleContext) -> Iterator[Finding]:
        if isinstance(node, ast.Assign):
            yield from self._assignment(node, ctx)
            return
        name = ctx.call_name or ""
        if name in _UNVERIFIED_FACTORIES:
            yield ctx.finding(self, node, f"`{name}` makes a context that accepts any certificate")
            return
        cert_reqs = argument(node, 3, "cert_reqs")
        if cert_reqs is None or ctx.qualified_name(cert_reqs) == "ssl.CERT_NONE":
            yield ctx.finding(
                self,
                node,
                "`ssl.wrap_socket` without cert_reqs=CERT_REQUIRED verifies no certificate and no host name",
                confidence=Confidence.MEDIUM if cert_reqs is None else Confidence.HIGH,
            )

    def _assignment(self, node: ast.Assign, ctx: ModuleContext) -> Iterator[Finding]:
        for target in node.targets:
            if not isinstance(target, ast.Attribute):
                continue
            if target.attr == "verify_mode" and ctx.qualified_name(node.value) == "ssl.CERT_NONE":
                yield ctx.finding(self, node, "verify_mode = CERT_NONE accepts any certificate")
            elif target.attr == "check_hostname" and ctx.constant(node.value) is False:
                yield ctx.finding(self, node, "check_hostname = False accepts a valid certificate for any host")
            elif (
                target.attr == "_create_default_https_context"
                and ctx.qualified_name(node.value) in _UNVERIFIED_FACTORIES
            ):
                yield ctx.finding(self, node, "every HTTPS connection of the process now accepts any certificate")
