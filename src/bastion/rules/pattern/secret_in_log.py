"""PAT902: passwords, secrets and tokens written to logs."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._naming import is_secret_name, is_token_count_name, words
from bastion.semantic.calls import last_name

_LEVELS = ("debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log")
_LOGGERS = (
    "logging",
    "logging.getLogger()",
    "logging.Logger",  # what models name the logger `getLogger` returns
    "logging.Logger()",
    "logging.LoggerAdapter()",
    "structlog.get_logger()",
    "structlog.getLogger()",
    "loguru.logger",
    "flask.current_app.logger",
    "flask.Flask().logger",
)
_CALLS = frozenset(f"{logger}.{level}" for logger in _LOGGERS for level in _LEVELS)
# Parts of a request that carry passwords, cookies or Authorization headers when logged whole.
_REQUEST_PARTS = frozenset(
    {"form", "headers", "json", "data", "values", "cookies", "POST", "META", "body", "environ", "authorization",
     "get_json", "COOKIES", "auth"}
)  # fmt: skip
_REQUESTS = frozenset({"flask.request", "request", "req"})
# Wrappers whose result says something about a secret without containing it.
_HARMLESS = frozenset({"len", "bool", "type", "isinstance", "id", "hash", "mask", "redact", "censor", "hashlib"})
_FIELD_READERS = frozenset({"get", "getlist", "get_all", "getall", "pop"})
_NOT_LOGGED_KEYWORDS = frozenset({"exc_info", "stack_info", "stacklevel"})


class SecretInLog(AstRule):
    """## What it does
    Finds logging calls (`logging`, loggers from `getLogger`, `structlog`, `loguru`, Flask's `app.logger`) that
    log a value named like a secret (`password`, `api_key`, `token`, `secret`, `credentials`: variables,
    attributes, `form["password"]`, `extra={...}` entries) or a whole request part that carries credentials
    (`request.form`, `request.headers`, `request.json`, `request.cookies`, `request.POST`, `request.META`).
    Constant messages, lengths and `is None` tests are not reported.

    ## Why is this bad?
    Logs are copied to aggregators, shared in tickets, kept for months and read by many more people than the
    database. A password or token in a log line is a credential anyone with log access can use.

    ## Example
    ```python
    import logging

    log = logging.getLogger(__name__)


    def login(name, password):
        log.info("login attempt for %s with password %s", name, password)
    ```

    ## Use instead
    ```python
    import logging

    log = logging.getLogger(__name__)


    def login(name, password):
        log.info("login attempt for %s", name)
    ```

    ## References
    - [OWASP Logging Cheat Sheet: data to exclude](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude)
    - [CWE-532: Insertion of Sensitive Information into Log File](https://cwe.mitre.org/data/definitions/532.html)
    """

    code = "PAT902"
    slug = "secret-in-log"
    summary = "Password, secret or token written to a log"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (532,)
    fix_hint = "log who and what, never the secret itself (or mask it: first 4 characters and the length)"
    node_types = (ast.Call,)
    callees = _CALLS

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        arguments = node.args[1:] if (ctx.call_name or "").endswith(".log") else node.args
        values = [*arguments, *(k.value for k in node.keywords if k.arg not in _NOT_LOGGED_KEYWORDS)]
        for value in values:
            found = _secret_reference(value, ctx)
            if found is not None and not (words(found) == ["tokens"] and _counts_model_tokens(ctx)):
                yield ctx.finding(self, node, f"`{found}` is written to the log")
                return


def _secret_reference(expr: ast.expr, ctx: ModuleContext) -> str | None:
    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Constant, ast.Compare, ast.Lambda)):
            continue
        if isinstance(node, ast.Call):
            func = node.func
            name = last_name(func)
            if name in _HARMLESS or name.startswith(("mask", "redact", "hash", "count")):
                continue
            if isinstance(func, ast.Attribute) and name in _FIELD_READERS and node.args:
                key = node.args[0]
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    if is_secret_name(key.value):
                        return ast.unparse(node)
                    # `request.headers.get("User-Agent")` reads one harmless field, not the whole part.
                    stack.extend(node.args[1:])
                    continue
            if isinstance(func, ast.Attribute) and name in _REQUEST_PARTS and _is_request(func.value, ctx):
                return ast.unparse(node)
        elif isinstance(node, ast.Name):
            if is_secret_name(node.id):
                return node.id
            continue
        elif isinstance(node, ast.Attribute):
            if is_secret_name(node.attr):
                return ast.unparse(node)
            if node.attr in _REQUEST_PARTS and _is_request(node.value, ctx):
                return ast.unparse(node)
        elif isinstance(node, ast.Subscript):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                if is_secret_name(key.value):
                    return ast.unparse(node)
                continue  # request.form["name"] is one harmless field, not the whole form
        elif isinstance(node, ast.Dict):
            for entry_key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(entry_key, ast.Constant)
                    and isinstance(entry_key.value, str)
                    and is_secret_name(entry_key.value)
                    and not isinstance(value, ast.Constant)
                ):
                    return f"{entry_key.value}"
        stack.extend(ast.iter_child_nodes(node))
    return None


def _counts_model_tokens(ctx: ModuleContext) -> bool:
    """The function logging a bare `tokens` also names token counts (`max_tokens=`, `input_tokens`): it counts
    language-model tokens."""
    function = next(
        (node for node in reversed(ctx.ancestors) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))), None
    )
    if function is None:
        return False
    for node in ast.walk(function):
        name = node.id if isinstance(node, ast.Name) else node.arg if isinstance(node, ast.keyword) else None
        if name is not None and is_token_count_name(name):
            return True
    return False


def _is_request(expr: ast.expr, ctx: ModuleContext) -> bool:
    if isinstance(expr, ast.Name) and expr.id in _REQUESTS:
        return True
    return ctx.qualified_name(expr) in _REQUESTS
