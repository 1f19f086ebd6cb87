"""PAT505: SSL 2/3 and TLS 1.0/1.1 protocol versions."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext

_INSECURE = frozenset(
    {
        "ssl.PROTOCOL_SSLv2",
        "ssl.PROTOCOL_SSLv3",
        "ssl.PROTOCOL_TLSv1",
        "ssl.PROTOCOL_TLSv1_1",
        "ssl.TLSVersion.SSLv3",
        "ssl.TLSVersion.TLSv1",
        "ssl.TLSVersion.TLSv1_1",
        "OpenSSL.SSL.SSLv2_METHOD",
        "OpenSSL.SSL.SSLv3_METHOD",
        "OpenSSL.SSL.TLSv1_METHOD",
        "OpenSSL.SSL.TLSv1_1_METHOD",
    }
)
# Options that switch an old version off: clearing one (`ctx.options &= ~ssl.OP_NO_SSLv3`) switches it back on.
_SWITCHES_OFF = frozenset(
    {
        "ssl.OP_NO_SSLv2",
        "ssl.OP_NO_SSLv3",
        "ssl.OP_NO_TLSv1",
        "ssl.OP_NO_TLSv1_1",
        "OpenSSL.SSL.OP_NO_SSLv2",
        "OpenSSL.SSL.OP_NO_SSLv3",
        "OpenSSL.SSL.OP_NO_TLSv1",
        "OpenSSL.SSL.OP_NO_TLSv1_1",
    }
)
# The last part of each name: a cheap test before resolving anything (most attributes are something else).
_LAST_PARTS = frozenset(name.rsplit(".", 1)[-1] for name in _INSECURE | _SWITCHES_OFF)


class InsecureTlsVersion(AstRule):
    """## What it does
    Finds uses of the SSLv2, SSLv3, TLS 1.0 and TLS 1.1 protocol constants: `ssl.PROTOCOL_SSLv3`,
    `ssl.PROTOCOL_TLSv1`, `ssl.TLSVersion.TLSv1_1` (as a `minimum_version`), pyOpenSSL's `SSL.TLSv1_METHOD`, in
    calls, assignments and default arguments alike (an import of one of them is reported on the import).
    Comparisons (`if version == ssl.TLSVersion.TLSv1`) are not reported. Clearing an option that switches an
    old version off (`ctx.options &= ~ssl.OP_NO_SSLv3`) is reported too: it switches the version back on.

    ## Why is this bad?
    These versions have practical attacks (DROWN, POODLE, BEAST) and were deprecated by RFC 8996. A client or
    server that uses or accepts them can be downgraded and its traffic read or changed.

    ## Example
    ```python
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
    ```

    ## Use instead
    ```python
    import ssl

    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    ```

    ## References
    - [RFC 8996: Deprecating TLS 1.0 and TLS 1.1](https://www.rfc-editor.org/rfc/rfc8996)
    - [Python docs: ssl protocol versions](https://docs.python.org/3/library/ssl.html#ssl.TLSVersion)
    - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    """

    code = "PAT505"
    slug = "insecure-tls-version"
    summary = "SSLv2/SSLv3/TLS 1.0/TLS 1.1 protocol version"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (327, 757)
    fix_hint = "use ssl.create_default_context() and a minimum_version of TLSVersion.TLSv1_2"
    bandit = ("B502", "B503")
    ruff = ("S502", "S503")
    # Attributes are everywhere: `check` returns at once unless the attribute's last part is one of ours, and
    # is a plain function (no generator to build) for that reason. `from ssl import PROTOCOL_TLSv1` is
    # reported on the import, which names the constant as surely as a use does.
    node_types = (ast.Attribute, ast.ImportFrom)

    def check(self, node: ast.Attribute | ast.ImportFrom, ctx: ModuleContext) -> Iterable[Finding]:
        if type(node) is ast.ImportFrom:
            return self._imported(node, ctx)
        if node.attr not in _LAST_PARTS or type(node.ctx) is not ast.Load:  # type: ignore[union-attr]
            return ()
        parent = ctx.parent
        if isinstance(parent, (ast.Attribute, ast.Compare)):
            return ()
        name = ctx.qualified_name(node)
        if name in _SWITCHES_OFF:
            if not (isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Invert)):
                return ()
            version = name.rsplit("_NO_", 1)[-1]
            return (
                ctx.finding(self, node, f"`~{name}` clears the option that turns {version} off: it is accepted again"),
            )
        if name not in _INSECURE:
            return ()
        return (ctx.finding(self, node, f"`{name}` selects a protocol version with known attacks"),)

    def _imported(self, node: ast.ImportFrom, ctx: ModuleContext) -> list[Finding]:
        module = ctx.index.resolve_relative(node.module, node.level)
        return [
            ctx.finding(self, node, f"`{module}.{alias.name}` selects a protocol version with known attacks")
            for alias in node.names
            if f"{module}.{alias.name}" in _INSECURE
        ]
