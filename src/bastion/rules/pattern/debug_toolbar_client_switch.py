"""PAT812: Django Debug Toolbar shown to whoever asks for it with a query parameter, a form field, a cookie or a
header."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext

_CALLBACK_KEY = "SHOW_TOOLBAR_CALLBACK"
# What the client sends and chooses freely.
_CLIENT_MAPPINGS = frozenset({"GET", "POST", "COOKIES", "headers", "query_params", "data"})
# What only the server or a logged-in administrator decides: the address the connection comes from (the toolbar's
# own default test), the user's staff flags, the DEBUG setting.
_SERVER_DECIDED = frozenset({"REMOTE_ADDR", "INTERNAL_IPS", "is_superuser", "is_staff", "DEBUG"})


class DebugToolbarClientSwitch(AstRule):
    """## What it does
    Finds a Django Debug Toolbar whose `SHOW_TOOLBAR_CALLBACK` (in `DEBUG_TOOLBAR_CONFIG`) is a function of the
    same module, or a lambda, that decides from what the client sends — `request.GET`, `request.POST`,
    `request.COOKIES`, `request.headers`, an `HTTP_*` entry of `request.META` — with no test of the client's address
    (`REMOTE_ADDR`, `INTERNAL_IPS`), of `DEBUG`, or of the user's `is_staff`/`is_superuser` flag.

    ## Why is this bad?
    The toolbar shows every setting (secret key and database password included when they are settings), the SQL
    of each request, headers, session and cache contents, and lets its user replay queries. Gated on `?debug=1` or a
    cookie, it is open to anyone who reads the code or guesses the switch (CWE-489, CWE-215).

    ## Example
    ```python file=settings.py
    def show_toolbar(request):
        return bool(request.GET.get("debug") or request.COOKIES.get("debug"))


    DEBUG_TOOLBAR_CONFIG = {"SHOW_TOOLBAR_CALLBACK": "shop.settings.show_toolbar"}
    ```

    ## Use instead
    ```python file=settings.py
    INTERNAL_IPS = ["127.0.0.1"]


    def show_toolbar(request):
        return DEBUG and request.META.get("REMOTE_ADDR") in INTERNAL_IPS


    DEBUG_TOOLBAR_CONFIG = {"SHOW_TOOLBAR_CALLBACK": "shop.settings.show_toolbar"}
    ```
    Better: install the toolbar only in development settings.

    ## References
    - [Django Debug Toolbar: SHOW_TOOLBAR_CALLBACK](https://django-debug-toolbar.readthedocs.io/en/latest/configuration.html#show-toolbar-callback)
    - [CWE-489: Active Debug Code](https://cwe.mitre.org/data/definitions/489.html)
    """

    code = "PAT812"
    slug = "debug-toolbar-client-switch"
    summary = "Django Debug Toolbar shown to whoever sends a parameter, cookie or header"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (489, 215)
    fix_hint = "show the toolbar only in development, to internal addresses (INTERNAL_IPS) or staff users"
    bandit = ()
    ruff = ()
    node_types = (ast.Dict,)

    def check(self, node: ast.Dict, ctx: ModuleContext) -> Iterator[Finding]:
        for key, value in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and key.value == _CALLBACK_KEY):
                continue
            callback = _callback(value, ctx)
            if callback is None or not _client_decides(callback):
                continue
            if is_test_path(ctx.path):
                return
            read = _first_client_read(callback)
            yield ctx.finding(
                self,
                read,
                f"the debug toolbar (settings, SQL, session) is shown to whoever sends what `{_CALLBACK_KEY}` tests: "
                f"`{ast.unparse(read)}` comes from the client",
            )


def _callback(value: ast.expr, ctx: ModuleContext) -> ast.FunctionDef | ast.Lambda | None:
    """The callback's code when this module holds it: a lambda, a function named directly or by dotted path."""
    if isinstance(value, ast.Lambda):
        return value
    name = None
    if isinstance(value, ast.Name):
        name = value.id
    elif isinstance(value, ast.Constant) and isinstance(value.value, str):
        name = value.value.rsplit(".", 1)[-1]
        module = value.value.rsplit(".", 1)[0] if "." in value.value else ""
        if module and module.rsplit(".", 1)[-1] != ctx.module.name.rsplit(".", 1)[-1]:
            return None  # a function of another module: not read here
    if name is None:
        return None
    return next(
        (
            statement
            for statement in ctx.module.tree.body
            if isinstance(statement, ast.FunctionDef) and statement.name == name
        ),
        None,
    )


def _client_decides(function: ast.FunctionDef | ast.Lambda) -> bool:
    nodes = list(ast.walk(function))
    if any(_server_decided(node) for node in nodes):
        return False
    return any(_client_read(node) for node in nodes)


def _first_client_read(function: ast.FunctionDef | ast.Lambda) -> ast.AST:
    reads = [node for node in ast.walk(function) if _client_read(node)]
    return min(reads, key=lambda node: (getattr(node, "lineno", 0), getattr(node, "col_offset", 0)))


def _client_read(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr in _CLIENT_MAPPINGS:
        return isinstance(node.value, ast.Name) and node.value.id == "request"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.startswith("HTTP_")
    return False


def _server_decided(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return node.id in _SERVER_DECIDED
    if isinstance(node, ast.Attribute):
        return node.attr in _SERVER_DECIDED
    return isinstance(node, ast.Constant) and node.value in _SERVER_DECIDED
