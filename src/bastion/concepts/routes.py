"""Route handlers: the functions a web framework calls with a request.

What declares a handler is data: the `[[routes]]` of each framework's model file (`bastion.models`): decorating
methods of app and router objects (`@app.route`, `@router.get`), decorating functions (`@bottle.route`),
registrations (`app.add_url_rule(path, name, view)`, `path("x/", view)`), handler classes (methods `do_GET` of a
`BaseHTTPRequestHandler`, `get` of a Tornado `RequestHandler`, `on_get` of a Falcon resource) and signatures
(WSGI's `environ, start_response`). Django is recognised here too (views modules: functions taking `request`,
class-based views' `get`/`post`... methods, DRF `@api_view`). When the app object comes from another module
(`from project import app`), a decorator `.route("/...")`/`.get("/...")` whose first argument is a path still marks
a route (framework "unknown").
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bastion.core import patterns
from bastion.models.loader import load_models
from bastion.models.route_models import Registration, RouteModel
from bastion.semantic.calls import argument, keyword
from bastion.semantic.constants import UNKNOWN
from bastion.semantic.declared_routes import DeclaredRoute
from bastion.semantic.index import ModuleIndex, Scope
from bastion.semantic.module import PythonModule

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_SHORTCUTS = {method.lower(): method for method in HTTP_METHODS}
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
    # Guards applied from outside the code, named like decorators (`connexion.security`: the OpenAPI operation
    # demands credentials and connexion checks them before the function runs).
    declared_guards: tuple[str, ...] = ()

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


def find_route_handlers(module: PythonModule) -> list[RouteHandler]:
    """Every route handler defined in `module`, in source order (found once per file: the taint and configuration
    collectors both ask)."""
    return list(module.derived("routes.handlers", _find_route_handlers))


def _find_route_handlers(module: PythonModule) -> list[RouteHandler]:
    index = module.index
    handlers: list[RouteHandler] = []
    for function, scope, class_node in _functions(index):
        handler = _decorated_route(function, scope, index)
        if handler is None and class_node is not None:
            handler = _class_view_method(function, class_node, index, module)
        if handler is None and class_node is not None:
            handler = _handler_class_method(function, class_node, index)
        if handler is None and class_node is None and _is_django_function_view(function, scope, index, module):
            handler = _django_function_view(function, scope, index)
        if handler is None and class_node is None:
            handler = _signature_handler(function, scope, index)
        if handler is not None:
            handlers.append(handler)
    seen = {id(h.function) for h in handlers}
    text = module.document.text
    if any(marker in text for marker in route_catalogue().registration_markers):
        # Walking every call of the module is the costly part: only where a registration can be.
        for handler in _registered_routes(module, _module_functions(module)):
            if id(handler.function) not in seen:
                seen.add(id(handler.function))
                handlers.append(handler)
    if module.declared_routes:
        for handler in _declared_handlers(module):
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


def _module_functions(module: PythonModule) -> dict[str, FunctionNode]:
    return {node.name: node for node in module.nodes_of(ast.FunctionDef, ast.AsyncFunctionDef)}


def _decorated_route(function: FunctionNode, scope: Scope, index: ModuleIndex) -> RouteHandler | None:
    decorators = decorator_names(function, scope, index)
    catalogue = route_catalogue()
    for decorator, name in zip(function.decorator_list, decorators, strict=True):
        callee_model = catalogue.decorator_callees.get(name.replace("().", "."))
        if callee_model is not None:
            called = decorator if isinstance(decorator, ast.Call) else None
            verbs = _methods_for(callee_model.framework, name.rsplit(".", 1)[-1], called, scope, index) or ("GET",)
            route = _constant_string(argument(called, 0, "path"), scope, index) if called is not None else None
            return RouteHandler(function, callee_model.framework, verbs, route, decorators, _path_params(route or ""))
        if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
            continue
        owner, _, attribute = name.rpartition(".")
        framework = _framework_of(owner, attribute)
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


def _declared_handlers(module: PythonModule) -> Iterator[RouteHandler]:
    """The functions a specification outside the code routes to (connexion's `operationId`), one handler per
    function with the methods of all its operations."""
    by_name: dict[str, tuple[FunctionNode, str | None]] = {}
    for statement in module.tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            by_name[statement.name] = (statement, None)
        elif isinstance(statement, ast.ClassDef):
            for member in statement.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    by_name[f"{statement.name}.{member.name}"] = (member, statement.name)
    grouped: dict[str, list[DeclaredRoute]] = {}
    for declared in module.declared_routes:
        if declared.function in by_name:
            grouped.setdefault(declared.function, []).append(declared.route)
    scope = module.index.module_scope
    for name, routes in grouped.items():
        function, class_name = by_name[name]
        methods = tuple(dict.fromkeys(route.method for route in routes))
        params = tuple(dict.fromkeys(p for route in routes for p in _path_params(route.path)))
        guards = ("connexion.security",) if all(route.secured for route in routes) else ()
        decorators = decorator_names(function, scope, module.index) if class_name is None else ()
        yield RouteHandler(
            function, routes[0].framework, methods, routes[0].path, decorators, params, class_name, guards
        )


def _framework_of(owner: str, attribute: str) -> str | None:
    """The framework whose app or router object `owner` is, when `attribute` is one of its route decorators."""
    model = route_catalogue().owners.get(owner.removesuffix("()").replace("().", "."))
    if model is None or attribute not in model.decorators:
        return None
    return model.framework


def _methods_for(
    framework: str, attribute: str, decorator: ast.Call | None, scope: Scope, index: ModuleIndex
) -> tuple[str, ...] | None:
    if attribute in _SHORTCUTS:
        return (_SHORTCUTS[attribute],)
    if attribute in ("route", "api_route", "view_config", "add_url_rule", "add_route"):
        listed = _string_list(keyword(decorator, "methods"), scope, index) if decorator is not None else None
        return tuple(m.upper() for m in listed) if listed else ("GET",)
    if attribute == "mutation" or attribute == "mutate":
        return ("POST",)
    if attribute in ("websocket", "field", "resolver"):
        return ("GET",)
    return None


def _verb_of(method_name: str) -> str:
    """`do_POST`, `on_post`, `post` -> POST; other names (a Tornado `prepare`, a `resolve_*`) -> GET."""
    verb = method_name.removeprefix("do_").removeprefix("on_").upper()
    return verb if verb in HTTP_METHODS else "GET"


def _handler_class_method(function: FunctionNode, class_node: ast.ClassDef, index: ModuleIndex) -> RouteHandler | None:
    """A method a framework calls on a handler class: by its base (`BaseHTTPRequestHandler.do_GET`, Tornado's
    `RequestHandler.get`, graphene's `resolve_*`), or, for frameworks whose resources have no base, by its name
    alone (Falcon's `on_get(self, req, resp)`)."""
    catalogue = route_catalogue()
    bases = [(index.qualified_name(base, index.module_scope) or "").replace("().", ".") for base in class_node.bases]
    for base in bases:
        model = catalogue.bases.get(base)
        if model is not None and model.is_handler_method(function.name):
            return RouteHandler(function, model.framework, (_verb_of(function.name),), None, (), (), class_node.name)
    args = function.args.posonlyargs + function.args.args
    for model in catalogue.named_methods:
        if model.is_handler_method(function.name) and len(args) >= 3:
            return RouteHandler(function, model.framework, (_verb_of(function.name),), None, (), (), class_node.name)
    return None


def _signature_handler(function: FunctionNode, scope: Scope, index: ModuleIndex) -> RouteHandler | None:
    """A plain function with a framework's calling signature (WSGI's `environ, start_response`)."""
    names = tuple(arg.arg for arg in (*function.args.posonlyargs, *function.args.args))
    for model in route_catalogue().signatures:
        if names == model.signature:
            return RouteHandler(function, model.framework, ("GET", "POST"), None, (), ())
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
    """Routes registered by call: a framework's registrations (`app.add_url_rule(...)`, Starlette `Route(...)`,
    Django `path(...)`), aiohttp `router.add_get(...)`."""
    index = module.index
    scope = index.module_scope
    catalogue = route_catalogue()
    for node, enclosing in _calls_in_scope(module.tree):
        name = (index.qualified_name(node.func, scope) or "").replace("().", ".")
        registered = list(catalogue.registration_callees.get(name, ()))
        if isinstance(node.func, ast.Attribute):
            owner = (index.qualified_name(node.func.value, scope) or "").removesuffix("()").replace("().", ".")
            for model, registration in catalogue.registration_methods.get(node.func.attr, ()):
                by_keyword = registration.by_keyword and keyword(node, registration.handler_keyword or "") is not None
                if owner in model.owners or (not owner and by_keyword):
                    registered.append((model, registration))
        for model, registration in registered:
            position = registration.handler if registration.handler is not None else 10_000
            handler_node = argument(node, position, registration.handler_keyword)
            function = _resolve_handler(handler_node, enclosing, functions) if handler_node is not None else None
            if function is None:
                continue
            path_node = argument(node, registration.path, "path") if registration.path is not None else None
            path = _constant_string(path_node, scope, index)
            methods = _string_list(keyword(node, "methods"), scope, index) or ["GET"]
            yield RouteHandler(
                function, model.framework, tuple(m.upper() for m in methods), path, (), _path_params(path or "")
            )
        if not registered and (
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


def _calls_in_scope(tree: ast.Module) -> Iterator[tuple[ast.Call, FunctionNode | None]]:
    """Every call, with the function whose body holds it (None at module level)."""
    stack: list[tuple[ast.AST, FunctionNode | None]] = [(tree, None)]
    while stack:
        node, enclosing = stack.pop()
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else enclosing
            if isinstance(child, ast.Call):
                yield child, enclosing
            stack.append((child, inner))


def _resolve_handler(
    node: ast.expr, enclosing: FunctionNode | None, functions: dict[str, FunctionNode], depth: int = 0
) -> FunctionNode | None:
    """The function a registration names: defined beside the call (a view made in an app factory), at module level,
    held in a variable, or returned by a view factory (`view = make_view(name)`)."""
    if depth > 3:
        return None
    if isinstance(node, ast.Name):
        local = _local_definition(node.id, enclosing) if enclosing is not None else None
        if local is not None:
            return local
        assigned = _local_assignment(node.id, enclosing) if enclosing is not None else None
        if assigned is not None:
            return _resolve_handler(assigned, enclosing, functions, depth + 1)
        return functions.get(node.id)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        factory = functions.get(node.func.id)
        if factory is not None:
            for statement in ast.walk(factory):
                if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Name):
                    made = _local_definition(statement.value.id, factory)
                    if made is not None:
                        return made
    return None


def _local_definition(name: str, function: FunctionNode) -> FunctionNode | None:
    found: FunctionNode | None = None
    for statement in _own_statements(function):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
            found = statement
    return found


def _local_assignment(name: str, function: FunctionNode) -> ast.expr | None:
    found: ast.expr | None = None
    for statement in _own_statements(function):
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in statement.targets
        ):
            found = statement.value
    return found


def _own_statements(function: FunctionNode) -> Iterator[ast.stmt]:
    """The statements of a function's body and of its blocks, not of the functions and classes it defines."""
    pending: list[ast.stmt] = list(function.body)
    while pending:
        statement = pending.pop(0)
        yield statement
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                pending.extend(item for item in getattr(statement, field, []) if isinstance(item, ast.stmt))
            for handler in getattr(statement, "handlers", []):
                pending.extend(handler.body)


# -- the frameworks' route models ----------------------------------------------------------------------------------


# Method names too common to say, by themselves, that a module registers a route (`requests.get(`, `d.get(`).
_GENERIC_NAMES = frozenset({"route", "get", "post", "put", "patch", "delete", "head", "options", "view"})


@dataclass(frozen=True)
class RouteCatalogue:
    owners: dict[str, RouteModel]
    decorator_callees: dict[str, RouteModel]
    registration_methods: dict[str, list[tuple[RouteModel, Registration]]]
    registration_callees: dict[str, list[tuple[RouteModel, Registration]]]
    bases: dict[str, RouteModel]
    named_methods: tuple[RouteModel, ...]  # handler methods recognised by name alone
    signatures: tuple[RouteModel, ...]
    markers: tuple[str, ...]  # text that a module declaring a handler contains (checked before parsing it)
    registration_markers: tuple[str, ...]  # text that a module registering a handler by call contains
    decorator_pattern: patterns.Pattern  # `@app.route(`, `@strawberry.field`: a decorating handler declaration


@functools.lru_cache(maxsize=1)
def route_catalogue() -> RouteCatalogue:
    owners: dict[str, RouteModel] = {}
    callees: dict[str, RouteModel] = {}
    methods: dict[str, list[tuple[RouteModel, Registration]]] = {}
    registration_callees: dict[str, list[tuple[RouteModel, Registration]]] = {}
    bases: dict[str, RouteModel] = {}
    named: list[RouteModel] = []
    signatures: list[RouteModel] = []
    markers: set[str] = set()
    registering = {".router.add_"}  # aiohttp's `app.router.add_get(...)`, recognised in `_registered_routes`
    decorator_names: set[str] = set()
    for model in load_models().routes:
        for owner in model.owners:
            owners[owner] = model
        for name in model.decorator_callees:
            callees[name] = model
            decorator_names.add(name.rsplit(".", 1)[-1])
        decorator_names.update(model.decorators)
        for registration in model.registrations:
            for name in registration.names:
                methods.setdefault(name, []).append((model, registration))
                if name not in _GENERIC_NAMES:
                    registering.add(f".{name}(")
            if registration.handler_keyword is not None:
                registering.add(f"{registration.handler_keyword}=")
                if name not in _GENERIC_NAMES:  # `app.route(path, "GET", callback)`: found by `callback=` instead
                    markers.add(f".{name}(")
            if registration.handler_keyword is not None:
                markers.add(f"{registration.handler_keyword}=")
        for registration in model.registration_callees:
            for name in registration.names:
                registration_callees.setdefault(name, []).append((model, registration))
                parts = name.split(".")
                generic = parts[-1] in _GENERIC_NAMES and len(parts) > 1
                marker = f"{parts[-2]}.{parts[-1]}(" if generic else f"{parts[-1]}("  # `path(`, `web.get(`
                # `path("x/", view)`: a literal path right after the name (`abspath(p)` is no registration).
                quoted = [f"{marker}{quote}" for quote in ('"', "'", 'r"', "r'")] if registration.path == 0 else []
                markers.update(quoted or [marker])
                registering.update(quoted or [marker])
        for base in model.handler_bases:
            bases[base] = model
            markers.add(base.rsplit(".", 1)[-1])
        if model.handler_methods and not model.handler_bases:
            named.append(model)
            markers.update(f"def {pattern.rstrip('*')}" for pattern in model.handler_methods)
        if model.signature:
            signatures.append(model)
            markers.add(", ".join(model.signature))
    # Decorator names are identifiers (checked), so they need no escaping in the alternation.
    alternatives = "|".join(sorted(name for name in decorator_names if name.isidentifier()))
    return RouteCatalogue(
        owners,
        callees,
        methods,
        registration_callees,
        bases,
        tuple(named),
        tuple(signatures),
        tuple(sorted(marker for marker in markers if len(marker) > 4)),
        tuple(sorted(registering)),
        patterns.compile(rf"@(?:[\w.]+\.)?(?:{alternatives})\b"),
    )


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
