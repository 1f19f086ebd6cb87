"""PAT907: a Strict-Transport-Security header with max-age=0, which tells browsers to drop HSTS for the site."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext

_HEADER = "strict-transport-security"
_ZERO_AGE = patterns.compile(r"(?i)(?:^|;)\s*max-age\s*=\s*\"?0+\"?\s*(?:;|$)")
_SETTERS = frozenset({"set", "setdefault", "add", "add_header", "__setitem__", "append", "insert"})


class HstsSwitchedOff(AstRule):
    """## What it does
    Finds a `Strict-Transport-Security` response header set to a constant with `max-age=0`: by subscript
    (`response.headers["Strict-Transport-Security"] = "max-age=0"`, Django's `response[...]`), in a dict of
    headers, as a `(name, value)` pair (WSGI's `start_response` header list), or through `set`/`add`/`setdefault`.

    ## Why is this bad?
    `max-age=0` is the instruction to *forget* HSTS: every browser that had learnt to use only HTTPS for the site
    goes back to trying plain HTTP first, where an attacker on the network can strip TLS and read or change the
    traffic (CWE-319). It is how a site switches the protection off, usually left over from a test.

    ## Example
    ```python
    def app(environ, start_response):
        headers = [("Content-Type", "text/html"), ("Strict-Transport-Security", "max-age=0")]
        start_response("200 OK", headers)
        return [b"<p>hello</p>"]
    ```

    ## Use instead
    ```python
    def app(environ, start_response):
        headers = [("Content-Type", "text/html"), ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")]
        start_response("200 OK", headers)
        return [b"<p>hello</p>"]
    ```

    ## References
    - [MDN: Strict-Transport-Security](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security)
    - [RFC 6797, section 6.1.1: max-age](https://www.rfc-editor.org/rfc/rfc6797#section-6.1.1)
    - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    """

    code = "PAT907"
    slug = "hsts-switched-off"
    summary = "Strict-Transport-Security sent with max-age=0 (HSTS switched off)"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (319, 523)
    fix_hint = "send max-age of at least 180 days (one year is usual), or leave the header to the proxy"
    bandit = ()
    ruff = ()
    node_types = (ast.Assign, ast.Dict, ast.Tuple, ast.Call)

    def check(self, node: ast.Assign | ast.Dict | ast.Tuple | ast.Call, ctx: ModuleContext) -> Iterable[Finding]:
        pairs: list[tuple[ast.expr, ast.expr]] = []
        if isinstance(node, ast.Assign):
            pairs = [(t.slice, node.value) for t in node.targets if isinstance(t, ast.Subscript)]
        elif isinstance(node, ast.Dict):
            pairs = [(k, v) for k, v in zip(node.keys, node.values, strict=True) if k is not None]
        elif isinstance(node, ast.Tuple):
            pairs = [(node.elts[0], node.elts[1])] if len(node.elts) == 2 else []
        elif isinstance(node.func, ast.Attribute) and node.func.attr in _SETTERS and len(node.args) == 2:
            pairs = [(node.args[0], node.args[1])]
        found = []
        for key, value in pairs:
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.lower() == _HEADER):
                continue
            text = ctx.constant(value)
            if not isinstance(text, str) or not _ZERO_AGE.search(text):
                continue
            if is_test_path(ctx.path):
                return ()
            found.append(
                ctx.finding(
                    self, value, f"`Strict-Transport-Security: {text}` tells browsers to drop HSTS for the site"
                )
            )
        return found
