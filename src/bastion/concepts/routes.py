"""Route handlers: the functions a web framework calls with a request.

Recognised: Flask (`@app.route`, `@bp.get` ...), FastAPI (`@app.get`, `@router.post`, `api_route`), Starlette
(`Route("/p", endpoint)`), aiohttp (`@routes.get`, `app.router.add_get`), Django (views modules: functions
taking `request`, class-based views' `get`/`post`... methods, DRF `@api_view`). When the app object comes from
another module (`from project import app`), a decorator `.route("/...")`/`.get("/...")` whose first argument is a
path still marks a route (framework "unknown").
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bastion.core import patterns
from bastion.semantic.calls import argument, keyword
from bastion.semantic.constants import UNKNOWN
from bastion.semantic.index import ModuleIndex, Scope
from bastion.semantic.module import PythonModule

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_FLASK_OWNERS = ("flask.Flask()", "flask.Blueprint()", "flask.blueprints.Blueprint()", "flask.app.Flask()")
_FASTAPI_OWNERS = ("fastapi.FastAPI()", "fastapi.APIRouter()", "fastapi.routing.APIRouter()")
_AIOHTTP_OWNERS = ("aiohttp.web.RouteTableDef()", "aiohttp.web.RouteTableDef")
_SHORTCUTS = {method.lower(): method for method in HTTP_METHODS}
_STARLETTE_ROUTE = frozenset({"starlette.routing.Route", "starlette.routing.WebSocketRoute"})
_DJANGO_DECORATOR_METHODS = {
    "django.views.decorators.http.require_POST": ("POST",),
    "django.views.decorators.http.require_GET": ("GET",),
    "django.views.decorators.http.require_safe": ("GET", "HEAD"),
}
_DJANGO_VIEW_BASES = (
    "django.views.View",
    "django.views.generic.View",
    "django.views.generic.base.View",
    "rest_framework.views.APIView",
    "rest_framework.generics.GenericAPIView",
    "rest_framework.viewsets.ViewSet",
    "rest_framework.viewsets.ModelViewSet",
    "rest_framework.viewsets.GenericViewSet",
)
_FLASK_PATH_PARAM = patterns.compile(r"<(?:[a-zA-Z_][\w]*(?:\([^)]*\))?:)?([a-zA-Z_]\w*)>")
_BRACE_PATH_PARAM = patterns.compile(r"\{([a-zA-Z_]\w*)(?::[^}]*)?\}")
_DJANGO_PATH_PARAM = patterns.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


@dataclass(frozen=True)
class RouteHandler:
    """A function a web framework calls for a request."""

    function: FunctionNode
    framework: str  # flask | fastapi | starlette | aiohttp | django | unknown
    methods: tuple[str, ...]  # upper-case HTTP methods; GET when the framework's default applies
    path: str | None
    decorators: tuple[str, ...]  # qualified (or dotted) names of every decorator, outermost first
    path_params: tuple[str, ...]
    class_name: str | None = None

    @property
    def name(self) -> str:
        return self.function.name

    @property
    def line(self) -> int:
        return self.function.lineno

    @property
    def changes_state(self) -> bool:
        return bool(STATE_CHANGING.intersection(self.methods))

    @property
    def parameters(self) -> tuple[str, ...]:
        args = self.function.args
        names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
        if self.class_name is not None and names and names[0] in ("self", "cls"):
            names = names[1:]
        return tuple(names)


# The last module's answer: the taint and configuration collectors both ask about the same module in turn.
_last: tuple[ast.Module, list[RouteHandler]] | None = None


def find_route_handlers(module: PythonModule) -> list[RouteHandler]:
    """Every route handler defined in `module`, in source order."""
    global _last
    if _last is not None and _last[0] is module.tree:
        return list(_last[1])
    handlers = _find_route_handlers(module)
    _last = (module.tree, handlers)
    return list(handlers)


def _find_route_handlers(module: PythonModule) -> list[RouteHandler]:
    index = module.index
    handlers: list[RouteHandler] = []
    by_name = _module_functions(module.tree)
    for function, scope, class_node in _functions(index):
        handler = _decorated_route(function, scope, index)
        if handler is None and class_node is not None:
            handler = _class_view_method(function, class_node, index, module)
        if handler is None and class_node is None and _is_django_function_view(function, scope, index, module):
            handler = _django_function_view(function, scope, index)
        if handler is not None:
            handlers.append(handler)
    seen = {id(h.function) for h in handlers}
    for handler in _registered_routes(module, by_name):
        if id(handler.function) not in seen:
            seen.add(id(handler.function))
            handlers.append(handler)
    handlers.sort(key=lambda h: h.line)
    return handlers


def decorator_names(function: FunctionNode, scope: Scope, index: ModuleIndex) -> tuple[str, ...]:
    names = []
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.append(index.qualified_name(target, scope) or _dotted(target) or "")
    return tuple(names)


# -- discovery ---------------------------------------------------------------------------------------------------


def _functions(index: ModuleIndex) -> Iterator[tuple[FunctionNode, Scope, ast.ClassDef | None]]:
    """Module-level functions, functions nested in functions (app factories), and class methods."""
    stack: list[tuple[Sequence[ast.stmt], Scope, ast.ClassDef | None]] = [(index.tree.body, index.module_scope, None)]
    while stack:
        body, scope, owner = stack.pop()
        for statement in body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield statement, scope, owner
                stack.append((statement.body, index.child_scope(statement, scope), None))
            elif isinstance(statement, ast.ClassDef):
                stack.append((statement.body, index.child_scope(statement, scope), statement))
            elif isinstance(statement, (ast.If, ast.Try, ast.With)):
                nested = [*statement.body, *getattr(statement, "orelse", []), *getattr(statement, "finalbody", [])]
                for handler in getattr(statement, "handlers", []):
                    nested.extend(handler.body)
                stack.append((nested, scope, owner))


def _module_functions(tree: ast.Module) -> dict[str, FunctionNode]:
    return {node.name: node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _decorated_route(function: FunctionNode, scope: Scope, index: ModuleIndex) -> RouteHandler | None:
    decorators = decorator_names(function, scope, index)
    for decorator, name in zip(function.decorator_list, decorators, strict=True):
        if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
            continue
        owner, _, attribute = name.rpartition(".")
        framework = _framework_of(owner)
        path = _constant_string(argument(decorator, 0, "path") or argument(decorator, 0, "rule"), scope, index)
        if framework is None:
            # An app imported from elsewhere: accept `.route("/x")` / `.get("/x")` shapes.
            if attribute not in ("route", *_SHORTCUTS) or not (path or "").startswith("/"):
                continue
            framework = "unknown"
        methods = _methods_for(framework, attribute, decorator, scope, index)
        if methods is None:
            continue
        return RouteHandler(function, framework, methods, path, decorators, _path_params(path or ""))
    if "rest_framework.decorators.api_view" in decorators:
        call = function.decorator_list[decorators.index("rest_framework.decorators.api_view")]
        listed = (
            _string_list(argument(call, 0, "http_method_names"), scope, index) if isinstance(call, ast.Call) else None
        )
        return RouteHandler(function, "django", tuple(m.upper() for m in listed or ("GET",)), None, decorators, ())
    return None


def _framework_of(owner: str) -> str | None:
    if owner in _FLASK_OWNERS:
        return "flask"
    if owner in _FASTAPI_OWNERS:
        return "fastapi"
    if owner in _AIOHTTP_OWNERS:
        return "aiohttp"
    return None


def _methods_for(
    framework: str, attribute: str, decorator: ast.Call, scope: Scope, index: ModuleIndex
) -> tuple[str, ...] | None:
    if attribute in _SHORTCUTS:
        return (_SHORTCUTS[attribute],)
    if attribute == "route" or attribute == "api_route":
        methods = _string_list(keyword(decorator, "methods"), scope, index)
        return tuple(m.upper() for m in methods) if methods else ("GET",)
    if attribute == "websocket" and framework == "fastapi":
        return ("GET",)
    return None


def _class_view_method(
    function: FunctionNode, class_node: ast.ClassDef, index: ModuleIndex, module: PythonModule
) -> RouteHandler | None:
    method = function.name.upper()
    if method not in HTTP_METHODS and function.name not in ("list", "create", "retrieve", "update", "destroy"):
        return None
    scope = index.module_scope
    bases = [index.qualified_name(base, scope) or _dotted(base) or "" for base in class_node.bases]
    looks_like_view = any(base in _DJANGO_VIEW_BASES for base in bases) or any(
        base.endswith(("View", "ViewSet", "APIView", "MethodView")) for base in bases
    )
    if not looks_like_view:
        return None
    viewset_methods = {"list": "GET", "retrieve": "GET", "create": "POST", "update": "PUT", "destroy": "DELETE"}
    http = viewset_methods.get(function.name, method)
    framework = "flask" if any(b.startswith("flask.") for b in bases) else "django"
    class_scope = index.child_scope(class_node, scope)
    decorators = decorator_names(function, index.child_scope(function, class_scope), index)
    return RouteHandler(function, framework, (http,), None, decorators, (), class_name=class_node.name)


def _is_django_function_view(function: FunctionNode, scope: Scope, index: ModuleIndex, module: PythonModule) -> bool:
    args = function.args.posonlyargs + function.args.args
    if not args or args[0].arg != "request":
        return False
    rel = module.rel
    in_views = rel.endswith(("views.py", "api.py")) or "/views/" in rel
    return in_views and scope.kind.value == "module"


def _django_function_view(function: FunctionNode, scope: Scope, index: ModuleIndex) -> RouteHandler:
    decorators = decorator_names(function, scope, index)
    methods: tuple[str, ...] = ("GET", "POST")
    for decorator, name in zip(function.decorator_list, decorators, strict=True):
        if name in _DJANGO_DECORATOR_METHODS:
            methods = _DJANGO_DECORATOR_METHODS[name]
        elif name == "django.views.decorators.http.require_http_methods" and isinstance(decorator, ast.Call):
            listed = _string_list(argument(decorator, 0, "request_method_list"), scope, index)
            if listed:
                methods = tuple(m.upper() for m in listed)
    return RouteHandler(function, "django", methods, None, decorators, ())


def _registered_routes(module: PythonModule, functions: dict[str, FunctionNode]) -> Iterator[RouteHandler]:
    """Routes registered by call: Starlette `Route(...)`, aiohttp `router.add_get(...)`, Django `path(...)`."""
    index = module.index
    scope = index.module_scope
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        name = index.qualified_name(node.func, scope) or ""
        if name in _STARLETTE_ROUTE:
            endpoint = argument(node, 1, "endpoint")
            path = _constant_string(argument(node, 0, "path"), scope, index)
            methods = _string_list(keyword(node, "methods"), scope, index) or ["GET"]
            function = functions.get(endpoint.id) if isinstance(endpoint, ast.Name) else None
            if function is not None:
                yield RouteHandler(
                    function, "starlette", tuple(m.upper() for m in methods), path, (), _path_params(path or "")
                )
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr.startswith("add_")
            and ".router" in (_dotted(node.func.value) or "")
        ):
            verb = node.func.attr[4:].upper()
            if verb == "ROUTE":
                method = _constant_string(argument(node, 0), scope, index) or "GET"
                path_node, handler_node = argument(node, 1), argument(node, 2)
            elif verb in HTTP_METHODS:
                method, path_node, handler_node = verb, argument(node, 0), argument(node, 1)
            else:
                continue
            function = functions.get(handler_node.id) if isinstance(handler_node, ast.Name) else None
            path = _constant_string(path_node, scope, index)
            if function is not None:
                yield RouteHandler(function, "aiohttp", (method.upper(),), path, (), _path_params(path or ""))


# -- small helpers -----------------------------------------------------------------------------------------------


def _constant_string(node: ast.AST | None, scope: Scope, index: ModuleIndex) -> str | None:
    if node is None:
        return None
    value = index.constant_value(node, scope)
    return value if isinstance(value, str) else None


def _string_list(node: ast.AST | None, scope: Scope, index: ModuleIndex) -> list[str] | None:
    if node is None:
        return None
    value = index.constant_value(node, scope)
    if value is UNKNOWN or not isinstance(value, (list, tuple, set, frozenset)):
        return None
    return [item for item in value if isinstance(item, str)]


def _path_params(path: str) -> tuple[str, ...]:
    found = _FLASK_PATH_PARAM.findall(path) + _BRACE_PATH_PARAM.findall(path)
    for groups in _DJANGO_PATH_PARAM.findall(path):
        found.extend(group for group in groups if group)
    return tuple(dict.fromkeys(found))


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call):
        base = _dotted(node.func)
        return f"{base}()" if base else None
    return None
