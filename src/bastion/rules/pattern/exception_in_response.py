"""PAT901: tracebacks and exception messages sent back in HTTP responses."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace
from http import HTTPStatus

from bastion.concepts.guards import dependency_names
from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._syntax import catches_everything
from bastion.semantic.calls import last_name
from bastion.semantic.index import BindingKind

_TRACEBACK = frozenset(
    {"traceback.format_exc", "traceback.format_exception", "traceback.format_tb", "traceback.format_stack"}
)
_STARLETTE_RESPONSES = ("JSONResponse", "HTMLResponse", "PlainTextResponse", "Response")
RESPONSES = frozenset(
    {
        "flask.jsonify",
        "flask.make_response",
        "flask.Response",
        "flask.abort",
        "werkzeug.wrappers.Response",
        "django.http.HttpResponse",
        "django.http.JsonResponse",
        "django.http.HttpResponseBadRequest",
        "django.http.HttpResponseServerError",
        "fastapi.HTTPException",
        "starlette.exceptions.HTTPException",
        "aiohttp.web.Response",
        "aiohttp.web.json_response",
    }
    | {f"{module}.{name}" for module in ("starlette.responses", "fastapi.responses") for name in _STARLETTE_RESPONSES}
)
# What an `http.server` handler sends: `self.send_error(code, message)` puts the message into the error page.
_HTTP_SERVER_HANDLERS = frozenset(
    f"http.server.{name}" for name in ("BaseHTTPRequestHandler", "SimpleHTTPRequestHandler", "CGIHTTPRequestHandler")
)
_HTTP_SERVER_WRITES = frozenset({"self.send_error", "self.wfile.write"})
# Decorators (by their last name) that make a function answer HTTP requests or errors.
_HANDLER_DECORATORS = frozenset(
    {"route", "get", "post", "put", "patch", "delete", "api_route", "errorhandler", "app_errorhandler",
     "exception_handler", "api_view", "view_config"}
)  # fmt: skip
_ERROR_HANDLER_DECORATORS = frozenset({"errorhandler", "app_errorhandler", "exception_handler"})


class ExceptionInResponse(AstRule):
    """## What it does
    Finds HTTP responses that carry `traceback.format_exc()` (or `format_exception`/`format_tb`), or the text of a
    caught exception (`str(exc)`, `repr(exc)`, `f"{exc}"`, `exc.args`) when the handler catches everything (`except
    Exception`, bare `except`, the argument of an error handler registered for every error, not one for a single
    exception class such as `RequestValidationError`, whose message is written for the client). Looked for in what
    route and error handlers return and in response constructors (`jsonify`, `make_response`, `HttpResponse`,
    `JSONResponse`, `HTTPException(detail=...)`), also through a local name (`content = str(exc)`), and in what an
    `http.server` handler class sends (`self.send_error(500, content)`, `self.wfile.write(...)`); and a traceback in
    what an error formatter returns (graphene's `format_error` hook or an override of it, `format_custom_error`,
    stack traces stored into its `extensions`). Handlers that answer administrators only are not reported (an admin
    dependency or decorator such as `Depends(check_admin)` or `@staff_member_required`, or a controller class built
    on an admin base): the people who run the server read its errors in its logs anyway. Nor is an exception's
    message sent with a 4xx status (`HTTPException(422, str(e))`, `return jsonify(error=str(e)), 400`,
    `HttpResponseBadRequest(...)`): the app chose it as the answer to a request it refuses (a parser's or a
    verifier's complaint about the caller's own input). A traceback is reported whatever the status.

    ## Why is this bad?
    Tracebacks and raw exception messages describe the inside of the application: file paths, library
    versions, SQL statements, host names, sometimes data or credentials. They help an attacker aim the next
    request, and the user learns nothing from them.

    ## Example
    ```python
    import traceback

    from flask import Flask

    app = Flask(__name__)


    @app.errorhandler(500)
    def server_error(error):
        return traceback.format_exc(), 500
    ```

    ## Use instead
    ```python
    import logging

    from flask import Flask

    app = Flask(__name__)
    log = logging.getLogger(__name__)


    @app.errorhandler(500)
    def server_error(error):
        log.exception("unhandled error")
        return "Something went wrong; it has been logged.", 500
    ```
    Log the details on the server; send the client a generic message (and an id to quote, if useful).
    Exceptions you raise on purpose with a message meant for users (`ValidationError`) are not reported.

    ## References
    - [OWASP: Improper Error Handling](https://owasp.org/www-community/Improper_Error_Handling)
    - [CWE-209: Generation of Error Message Containing Sensitive Information](https://cwe.mitre.org/data/definitions/209.html)
    """

    code = "PAT901"
    slug = "exception-details-in-response"
    summary = "Traceback or exception message returned in an HTTP response"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (209, 497)
    fix_hint = "log the exception on the server and return a generic error message"
    node_types = (ast.Call, ast.Return, ast.ClassDef)
    callees = RESPONSES

    def check(self, node: ast.Call | ast.Return | ast.ClassDef, ctx: ModuleContext) -> Iterator[Finding]:
        if isinstance(node, ast.ClassDef):
            yield from self._http_server_handler(node, ctx)
            return
        if isinstance(node, ast.Return):
            function = ctx.scope.node
            if node.value is None or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return
            if _ERROR_FORMATTER.search(function.name) and not _handler_decorators(function):
                # A GraphQL/API error formatter (`format_error=format_custom_error`): what it returns is the error
                # sent to the client; its message is meant for the client, a traceback is not.
                call = _traceback_call(node.value, ctx)
                if call is not None and not _admin_only(ctx):
                    yield ctx.finding(
                        self,
                        call,
                        f"the error formatter `{function.name}` puts `{ctx.qualified_name(call.func)}()` into the "
                        "error sent to the client, which shows the application's internals",
                    )
                return
            elif not _handler_decorators(function):
                return
            else:
                leak = _leak(node.value, ctx, skip_responses=True)
        else:
            leak = next(
                (found for part in (*node.args, *(k.value for k in node.keywords)) if (found := _leak(part, ctx))),
                None,
            )
        if leak is not None and not _is_trace(leak) and _client_error_status(node, ctx):
            return  # an exception's message chosen as the answer to a bad request (400, 422): feedback, not a leak
        if leak is not None and not _admin_only(ctx):
            yield ctx.finding(self, node, f"the response carries {leak}, which shows the application's internals")

    def _http_server_handler(self, handler: ast.ClassDef, ctx: ModuleContext) -> Iterator[Finding]:
        """`self.send_error(code, str(exc))` and `self.wfile.write(...)` in the methods of an `http.server` handler
        class (the methods are inherited, so no callee name resolves to them)."""
        if not any(ctx.qualified_name(base) in _HTTP_SERVER_HANDLERS for base in handler.bases):
            return
        for method in handler.body:
            if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            inner = replace(ctx, scope=ctx.index.scope_chain(method))
            for call in ast.walk(method):
                if not isinstance(call, ast.Call) or ast.unparse(call.func) not in _HTTP_SERVER_WRITES:
                    continue
                sent = call.args[1:] if ast.unparse(call.func) == "self.send_error" else call.args
                leak = next((found for part in sent if (found := _leak(part, inner))), None)
                if leak is not None:
                    yield inner.finding(
                        self, call, f"the response carries {leak}, which shows the application's internals"
                    )


def _is_trace(leak: str) -> bool:
    return any(leak == f"`{name}()`" for name in _TRACEBACK)


# Response classes whose status is a client error by their name.
_CLIENT_ERROR_RESPONSES = frozenset({"django.http.HttpResponseBadRequest", "django.http.HttpResponseNotFound"})
_STATUS_DIGITS = patterns.compile(r"(?:^|_)([1-5][0-9][0-9])(?:_|$)")


def _client_error_status(node: ast.Call | ast.Return, ctx: ModuleContext) -> bool:
    """The response is sent with a 4xx status: `HTTPException(422, str(e))`, `abort(400, ...)`,
    `JSONResponse(body, status_code=400)`, `make_response(body, 400)`, `return jsonify(...), 400`,
    `HttpResponseBadRequest(...)`. The app then chose the message as the answer to a request it refuses."""
    statuses: list[ast.expr] = []
    if isinstance(node, ast.Call):
        callee = ctx.qualified_name(node.func) or ""
        if callee in _CLIENT_ERROR_RESPONSES:
            return True
        position = 0 if callee.endswith(("HTTPException", ".abort")) else 1
        statuses.extend(k.value for k in node.keywords if k.arg in ("status", "status_code", "code"))
        if len(node.args) > position:
            statuses.append(node.args[position])
        holder = ctx.parent
        if isinstance(holder, ast.Tuple) and len(holder.elts) >= 2 and holder.elts[0] is node:
            statuses.append(holder.elts[1])
    elif isinstance(node.value, ast.Tuple) and len(node.value.elts) >= 2:
        statuses.append(node.value.elts[1])
    return any(_is_client_error(status, ctx) for status in statuses)


def _is_client_error(status: ast.expr, ctx: ModuleContext) -> bool:
    value = ctx.constant(status)
    if isinstance(value, int) and not isinstance(value, bool):
        return bool(400 <= value < 500)
    if isinstance(status, ast.Attribute):
        # `status.HTTP_422_UNPROCESSABLE_ENTITY`, `HTTPStatus.BAD_REQUEST`
        digits = _STATUS_DIGITS.search(status.attr)
        if digits is not None:
            return str(digits.group(1)).startswith("4")
        member = getattr(HTTPStatus, status.attr, None)
        return isinstance(member, HTTPStatus) and 400 <= member.value < 500
    return False


# Guards that let only administrators in: `Depends(check_admin)`, `@staff_member_required`, `@superuser_only`,
# a controller class built on `BaseAdminController`.
_ADMIN_WORDS = patterns.compile(r"(?i)admin|superuser|super_user|staff")


def _admin_only(ctx: ModuleContext) -> bool:
    """The handler answers administrators only: an admin dependency or decorator on it, an admin dependency among
    its parameters' defaults, or an enclosing controller class whose name or base says admin. Administrators run
    the server and see its errors in its logs anyway; the message tells them nothing an outsider could use."""
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            guards = [*ancestor.decorator_list, *ancestor.args.defaults, *ancestor.args.kw_defaults]
            names = [name for guard in guards if guard is not None for name in _guard_names(guard, ctx)]
            if any(_ADMIN_WORDS.search(name.rsplit(".", 1)[-1]) for name in names):
                return True
        elif isinstance(ancestor, ast.ClassDef):
            bases = [ancestor.name, *(ast.unparse(base) for base in ancestor.bases)]
            if any(_ADMIN_WORDS.search(base.rsplit(".", 1)[-1]) for base in bases):
                return True
    return False


def _guard_names(guard: ast.expr, ctx: ModuleContext) -> list[str]:
    """The dependencies a decorator or a default names, and the decorator's own name."""
    names = list(dependency_names(guard, ctx.scope, ctx.index))
    decorator = guard.func if isinstance(guard, ast.Call) else guard
    if isinstance(decorator, (ast.Name, ast.Attribute)):
        names.append(ctx.qualified_name(decorator) or ast.unparse(decorator))
    return names


def _handler_decorators(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = set()
    for decorator in function.decorator_list:
        name = last_name(decorator.func if isinstance(decorator, ast.Call) else decorator)
        if name in _HANDLER_DECORATORS:
            names.add(name)
    return names


def _leak(expr: ast.expr, ctx: ModuleContext, *, skip_responses: bool = False) -> str | None:
    stack: list[ast.AST] = [expr]
    followed: set[str] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and node.id not in followed:
            # `content = str(exc)` then `send_error(500, content)`: the values the local name was given.
            followed.add(node.id)
            stack.extend(b.value for b in ctx.scope.bindings.get(node.id, []) if b.value is not None)
            stack.extend(_stored_into(node.id, ctx))
        if isinstance(node, ast.Call):
            callee = ctx.qualified_name(node.func)
            if callee in _TRACEBACK:
                return f"`{callee}()`"
            if skip_responses and callee in RESPONSES:
                continue  # reported where the response is built
            if callee in ("builtins.str", "builtins.repr") and node.args and _is_caught(node.args[0], ctx):
                return f"`{callee.split('.')[1]}({ast.unparse(node.args[0])})`"
        elif isinstance(node, ast.FormattedValue) and _is_caught(node.value, ctx):
            return f"the exception `{ast.unparse(node.value)}`"
        elif isinstance(node, ast.Attribute) and node.attr == "args" and _is_caught(node.value, ctx):
            return f"`{ast.unparse(node)}`"
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _is_caught(node.right, ctx):
            return f"the exception `{ast.unparse(node.right)}`"
        elif isinstance(node, (ast.Lambda, ast.comprehension)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return None


# Functions that format an error for the response: graphene's `format_error` hook and the overrides apps write.
_ERROR_FORMATTER = patterns.compile(r"^_?format(_[a-z]+)*_errors?$")


def _traceback_call(value: ast.expr, ctx: ModuleContext) -> ast.Call | None:
    """The first traceback call in `value`, or in what is stored into the local container it names."""
    values = [value, *(_stored_into(value.id, ctx) if isinstance(value, ast.Name) else [])]
    calls = [
        node
        for item in values
        for node in ast.walk(item)
        if isinstance(node, ast.Call) and ctx.qualified_name(node.func) in _TRACEBACK
    ]
    return min(calls, key=lambda call: (call.lineno, call.col_offset)) if calls else None


def _stored_into(name: str, ctx: ModuleContext) -> list[ast.expr]:
    """Values stored into a local container in the enclosing function: `error["extensions"]["debug"] = value`."""
    function = ctx.scope.node
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return []
    stored = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                root = target
                while isinstance(root, ast.Subscript):
                    root = root.value
                if root is not target and isinstance(root, ast.Name) and root.id == name:
                    stored.append(node.value)
    return stored


def _is_caught(expr: ast.expr, ctx: ModuleContext) -> bool:
    """A name bound by `except Exception as e` (or bare/BaseException), or an error handler's argument."""
    if not isinstance(expr, ast.Name):
        return False
    for binding in ctx.index.lookup(expr.id, ctx.scope):
        node = binding.node
        if isinstance(node, ast.ExceptHandler):
            return catches_everything(node.type)
        if binding.kind is BindingKind.PARAMETER:
            function = ctx.scope.node
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                arguments = function.args.posonlyargs + function.args.args
                first = arguments[0].arg if arguments else None
                if first == "request" and len(arguments) > 1:
                    first = arguments[1].arg  # FastAPI/Starlette handlers: (request, exc)
                return first == expr.id and _handles_any_error(function, ctx)
    return False


def _handles_any_error(function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: ModuleContext) -> bool:
    """An error handler registered for every error (`@app.errorhandler(500)`, `exception_handler(Exception)`), not
    for one exception class the app raises to answer the client (`RequestValidationError`, `ValueError`): such a
    message is written for the client, like an `except ValueError` answer in a view."""
    registered = False
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if last_name(target) not in _ERROR_HANDLER_DECORATORS:
            continue
        registered = True
        handled = decorator.args[0] if isinstance(decorator, ast.Call) and decorator.args else None
        if isinstance(handled, (ast.Name, ast.Attribute)) and not catches_everything(handled):
            return False
    return registered
