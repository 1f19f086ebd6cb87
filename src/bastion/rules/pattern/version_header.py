"""PAT906: a response header that announces the server's software and versions."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext

# Headers whose only content is what the server runs.
_TECHNOLOGY_HEADERS = frozenset({"x-powered-by", "x-aspnet-version", "x-aspnetmvc-version", "x-generator"})
# Headers that are fine by themselves and leak only when they carry a version.
_VERSION_HEADERS = frozenset({"server", "x-server", "x-runtime-version"})
# A product token with its version, as servers write it: `gunicorn/21.2.0`, `nginx/1.25`.
_VERSION = patterns.compile(r"[A-Za-z][\w.-]*/v?\d+(?:\.\d+)+")


class VersionHeader(AstRule):
    """## What it does
    Finds response headers set to a constant that announces the software behind the app: `X-Powered-By` (also
    `X-AspNet-Version`, `X-Generator`) with any value, and `Server` with a version number (`Server:
    gunicorn/21.2`). Headers set by subscript (`response.headers["X-Powered-By"] = ...`, Django's
    `response["X-Powered-By"] = ...`), in a dict of headers, or as a `("X-Powered-By", ...)` pair count.

    ## Why is this bad?
    Names and versions tell an attacker which published vulnerabilities to try first, at no cost, on every
    response; they help no legitimate client. The header is usually left over from a template or added for
    "branding".

    ## Example
    ```python
    from fastapi import FastAPI, Response

    app = FastAPI()


    @app.get("/healthcheck")
    def healthcheck(response: Response):
        response.headers["X-Powered-By"] = "Python 3.12, FastAPI 0.110"
        return {"ok": True}
    ```

    ## Use instead
    ```python
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/healthcheck")
    def healthcheck():
        return {"ok": True}
    ```

    ## References
    - [OWASP Secure Headers Project: X-Powered-By](https://owasp.org/www-project-secure-headers/#x-powered-by)
    - [CWE-497: Exposure of Sensitive System Information to an Unauthorized Control Sphere](https://cwe.mitre.org/data/definitions/497.html)
    """

    code = "PAT906"
    slug = "version-header"
    summary = "Response header announcing the server's software or versions"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    cwe = (497, 200)
    fix_hint = "do not send X-Powered-By, and keep versions out of the Server header"
    bandit = ()
    ruff = ()
    node_types = (ast.Assign, ast.Dict, ast.Tuple)

    def check(self, node: ast.Assign | ast.Dict | ast.Tuple, ctx: ModuleContext) -> Iterable[Finding]:
        pairs: list[tuple[ast.expr, ast.expr]] = []
        if isinstance(node, ast.Assign):
            pairs = [(t.slice, node.value) for t in node.targets if isinstance(t, ast.Subscript)]
        elif isinstance(node, ast.Dict):
            pairs = [(k, v) for k, v in zip(node.keys, node.values, strict=True) if k is not None]
        elif len(node.elts) == 2:
            pairs = [(node.elts[0], node.elts[1])]
        found = []
        for key, value in pairs:
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                continue
            header = key.value.lower()
            if header not in _TECHNOLOGY_HEADERS and header not in _VERSION_HEADERS:
                continue
            text = ctx.constant(value)
            if not isinstance(text, str) or not text.strip():
                continue
            if header in _VERSION_HEADERS and not _VERSION.search(text):
                continue
            if is_test_path(ctx.path):
                return ()
            found.append(
                ctx.finding(self, value, f"the `{key.value}` header tells every client what the server runs: `{text}`")
            )
        return found
