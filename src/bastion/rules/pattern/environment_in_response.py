"""PAT905: the whole server environment (`request.META`, `request.environ`, `os.environ`) sent to the client."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.concepts.routes import find_route_handlers
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.index import BindingKind

# Where a value goes to the client: a template's context or a response body, by the position of that argument.
_OUTPUTS: dict[str, tuple[int, str]] = {
    "django.shortcuts.render": (2, "context"),
    "django.shortcuts.render_to_response": (1, "context"),
    "django.template.response.TemplateResponse": (2, "context"),
    "django.http.HttpResponse": (0, "content"),
    "django.http.JsonResponse": (0, "data"),
    "flask.jsonify": (0, ""),
    "flask.make_response": (0, ""),
    "flask.render_template": (-1, ""),
    "flask.render_template_string": (-1, ""),
    "starlette.responses.JSONResponse": (0, "content"),
    "fastapi.responses.JSONResponse": (0, "content"),
}
# Request attributes that hold the whole WSGI/CGI environment of the server process, by framework spelling.
_REQUEST_NAMES = frozenset({"request", "req", "self.request"})
_ENVIRONMENT_ATTRIBUTES = frozenset({"META", "environ"})
_ENVIRONMENT_NAMES = frozenset({"os.environ", "flask.request.environ"})
# Views of a mapping that still carry every entry.
_WHOLE_VIEWS = frozenset({"items", "copy", "values", "keys"})


class EnvironmentInResponse(AstRule):
    """## What it does
    Finds the whole server environment sent to the client: Django's `request.META`, WSGI's `request.environ` or
    the process's `os.environ` (or `dict(...)`, `.items()`, `.copy()` of one), passed to a template's context
    (`render`, `TemplateResponse`, `render_template`) or to a response (`HttpResponse`, `JsonResponse`, `jsonify`,
    `make_response`, `JSONResponse`), directly, inside a dict or list, or through a local variable assigned from
    it; and returned by a route handler (FastAPI and Flask serialise a returned dict), also inside a dict held by
    a second local variable. One entry read by name (`request.META["HTTP_USER_AGENT"]`) is not reported.

    ## Why is this bad?
    The environment of a web worker holds what the deployment gave it: database URLs with passwords, API keys,
    `SECRET_KEY`, internal host names and paths, and every request header (including the session cookie and
    `Authorization`). A page that lists it hands all of that to any visitor.

    ## Example
    ```python
    from django.shortcuts import render


    def server_settings(request):
        return render(request, "settings.html", {"settings": request.META})
    ```

    ## Use instead
    ```python
    from django.shortcuts import render


    def server_settings(request):
        return render(request, "settings.html", {"agent": request.META.get("HTTP_USER_AGENT", "")})
    ```
    Send only the entries the page needs, and never from `os.environ`.

    ## References
    - [OWASP: Information exposure through debug information](https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/01-Information_Gathering/05-Review_Webpage_Content_for_Information_Leakage)
    - [CWE-200: Exposure of Sensitive Information to an Unauthorized Actor](https://cwe.mitre.org/data/definitions/200.html)
    - [CWE-526: Exposure of Sensitive Information Through Environmental Variables](https://cwe.mitre.org/data/definitions/526.html)
    """

    code = "PAT905"
    slug = "environment-in-response"
    summary = "Whole server environment sent to the client"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (200, 526)
    fix_hint = "send only the entries the page needs, never the whole environment"
    tags = ("information-exposure",)
    node_types = (ast.Call, ast.Return)
    callees = frozenset(_OUTPUTS)  # for calls only

    def check(self, node: ast.Call | ast.Return, ctx: ModuleContext) -> Iterator[Finding]:
        if isinstance(node, ast.Return):
            yield from self._returned(node, ctx)
            return
        position, keyword = _OUTPUTS[ctx.call_name or ""]
        if position < 0:  # render_template(name, **context): every keyword is context
            values = [k.value for k in node.keywords if k.arg is not None]
        else:
            values = [k.value for k in node.keywords if k.arg == keyword and keyword]
            if len(node.args) > position:
                values.append(node.args[position])
        for value in values:
            found = _environment(value, ctx, follow=True)
            if found is not None:
                yield self._whole_environment(found, node, "at", ctx)
                return

    def _returned(self, node: ast.Return, ctx: ModuleContext) -> Iterator[Finding]:
        """A route handler that returns the environment (in a dict the framework serialises, as FastAPI's and
        Flask's do), also through two local variables: `info = {"env": env}` with `env = dict(os.environ)`."""
        function = next(
            (a for a in reversed(ctx.ancestors) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))), None
        )
        if node.value is None or function is None or not _is_handler(function, ctx):
            return
        found = _environment(node.value, ctx, follow=True, depth=2)
        if found is not None:
            yield self._whole_environment(found, node, "returned at", ctx)

    def _whole_environment(
        self, found: tuple[str, ast.expr], sent: ast.Call | ast.Return, verb: str, ctx: ModuleContext
    ) -> Finding:
        """Reported where the environment is read, which is what to fix; followed through local variables, the
        message names the line that sends it."""
        shown, read = found
        where = f" ({verb} line {sent.lineno})" if read.lineno < sent.lineno else ""
        return ctx.finding(
            self,
            read,
            f"`{shown}` goes to the client whole{where}: the server's environment variables, secrets and every "
            "request header with it",
        )


def _is_handler(function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: ModuleContext) -> bool:
    try:
        handlers = find_route_handlers(ctx.module)
    except RecursionError:
        return False
    return any(handler.function is function for handler in handlers)


def _environment(expr: ast.expr, ctx: ModuleContext, *, follow: bool, depth: int = 1) -> tuple[str, ast.expr] | None:
    """The spelling of the whole environment `expr` is or holds (in a dict, list or tuple literal) and the
    expression to report: `expr`, or the value of the local assignment it was read from."""
    if isinstance(expr, ast.Dict):
        values = [v for v in expr.values if v is not None]
        return next((found for v in values if (found := _environment(v, ctx, follow=follow, depth=depth))), None)
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return next((found for v in expr.elts if (found := _environment(v, ctx, follow=follow, depth=depth))), None)
    if isinstance(expr, ast.Call):
        if isinstance(expr.func, ast.Attribute) and expr.func.attr in _WHOLE_VIEWS and not expr.args:
            return _environment(expr.func.value, ctx, follow=follow)
        if ctx.qualified_name(expr.func) == "builtins.dict" and len(expr.args) == 1 and not expr.keywords:
            return _environment(expr.args[0], ctx, follow=follow)
        return None
    if isinstance(expr, ast.Attribute) and expr.attr in _ENVIRONMENT_ATTRIBUTES:
        if ast.unparse(expr.value) in _REQUEST_NAMES or ctx.qualified_name(expr) in _ENVIRONMENT_NAMES:
            return ast.unparse(expr), expr
        return None
    if isinstance(expr, ast.Name):
        if ctx.qualified_name(expr) == "os.environ":
            return "os.environ", expr
        if follow:
            # `settings_list = request.META` earlier in the same function: one step, not a data-flow analysis.
            for binding in ctx.index.lookup(expr.id, ctx.scope):
                if binding.kind is BindingKind.ASSIGNMENT and binding.value is not None:
                    found = _environment(binding.value, ctx, follow=depth > 1, depth=depth - 1)
                    if found is not None:
                        return found[0], found[1] if depth > 1 and found[1] is not binding.value else binding.value
    return None
