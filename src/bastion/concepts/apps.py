"""Application objects and what is attached to them: Flask, FastAPI and Starlette.

Recognised, by the qualified name of what is called:
- apps (`Flask(__name__)`, `FastAPI(...)`, `Starlette(...)`) and the variables that receive one from a factory
  (`app = create_app()`);
- configuration written on an app (`app.config["X"] = ...`, `app.config.update(...)`, `from_mapping`,
  `app.secret_key = ...`, `app.debug = ...`) and loaded into it (`from_object`, `from_pyfile`, `from_envvar`,
  `from_prefixed_env`, `from_file`);
- extensions (Flask-Talisman, Flask-WTF `CSRFProtect`, Flask-SeaSurf, Flask-Limiter, Flask-Login, Flask-CORS,
  Flask-SSLify, slowapi) whether given the app or attached later with `init_app`, and ASGI middleware
  (`add_middleware(...)`, `middleware=[Middleware(...)]`: CORS, HTTPS redirect, trusted host, sessions);
- blueprints and routers, their registration (`register_blueprint`, `include_router(..., dependencies=...)`),
  and `before_request` hooks with the guards in their body.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from bastion.concepts.guards import body_guard, checks_csrf_token, dependency_names
from bastion.concepts.settings import SECRET_SETTINGS, is_setting_name, setting_value
from bastion.concepts.sites import callee_name, constant, object_ref, site_of
from bastion.concepts.webfacts import (
    AppAlias,
    AppFact,
    Component,
    ConfigAssignment,
    ConfigLoad,
    Hook,
    InitApp,
    Mount,
    Registration,
    RouteOwner,
    SettingValue,
    Site,
)
from bastion.semantic.constants import UNKNOWN
from bastion.semantic.index import BindingKind, Scope
from bastion.semantic.module import PythonModule

APP_CLASSES = {
    "flask.Flask": "flask",
    "flask.app.Flask": "flask",
    "fastapi.FastAPI": "fastapi",
    "fastapi.applications.FastAPI": "fastapi",
    "starlette.applications.Starlette": "starlette",
}
OWNER_CLASSES = {
    "flask.Blueprint": "blueprint",
    "flask.blueprints.Blueprint": "blueprint",
    "fastapi.APIRouter": "router",
    "fastapi.routing.APIRouter": "router",
}
COMPONENTS = {
    "flask_talisman.Talisman": "talisman",
    "flask_talisman.talisman.Talisman": "talisman",
    "talisman.Talisman": "talisman",
    "flask_wtf.CSRFProtect": "csrf",
    "flask_wtf.csrf.CSRFProtect": "csrf",
    "flask_wtf.CsrfProtect": "csrf",
    "flask_seasurf.SeaSurf": "seasurf",
    "flask_limiter.Limiter": "limiter",
    "flask_limiter.extension.Limiter": "limiter",
    "slowapi.Limiter": "limiter",
    "slowapi.extension.Limiter": "limiter",
    "flask_login.LoginManager": "login",
    "flask_login.login_manager.LoginManager": "login",
    "flask_cors.CORS": "cors",
    "flask_cors.extension.CORS": "cors",
    "flask_cors.cross_origin": "cors",
    "flask_cors.decorator.cross_origin": "cors",
    "flask_sslify.SSLify": "sslify",
}
MIDDLEWARE = {
    "starlette.middleware.cors.CORSMiddleware": "cors",
    "fastapi.middleware.cors.CORSMiddleware": "cors",
    "starlette.middleware.httpsredirect.HTTPSRedirectMiddleware": "https-redirect",
    "fastapi.middleware.httpsredirect.HTTPSRedirectMiddleware": "https-redirect",
    "starlette.middleware.trustedhost.TrustedHostMiddleware": "trusted-host",
    "fastapi.middleware.trustedhost.TrustedHostMiddleware": "trusted-host",
    "starlette.middleware.sessions.SessionMiddleware": "session",
    "slowapi.middleware.SlowAPIMiddleware": "limiter-middleware",
    "starlette_csrf.CSRFMiddleware": "csrf",
    "starlette_csrf.middleware.CSRFMiddleware": "csrf",
    "asgi_csrf.asgi_csrf": "csrf",
    "secure.Secure": "secure-headers",
}
_MIDDLEWARE_WRAPPER = frozenset({"starlette.middleware.Middleware", "fastapi.middleware.Middleware"})
_CONFIG_LOADS = frozenset({"from_object", "from_pyfile", "from_envvar", "from_prefixed_env", "from_file", "from_json"})
_CONFIG_WRITES = frozenset({"update", "from_mapping", "setdefault"})
_APP_ATTRIBUTES = {
    "secret_key": "SECRET_KEY",
    "debug": "DEBUG",
    "permanent_session_lifetime": "PERMANENT_SESSION_LIFETIME",
}
_SETTING_KEYWORDS = {"debug": "DEBUG"}
_NAMED_KINDS = (BindingKind.IMPORT, BindingKind.DEFINITION)
_SECRET_OPTIONS = frozenset({"secret_key", "secret", "password", "api_key"})


@dataclass
class AppFacts:
    apps: list[AppFact] = field(default_factory=list)
    aliases: list[AppAlias] = field(default_factory=list)
    config_assignments: list[ConfigAssignment] = field(default_factory=list)
    config_loads: list[ConfigLoad] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    init_apps: list[InitApp] = field(default_factory=list)
    owners: list[RouteOwner] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    mounts: list[Mount] = field(default_factory=list)
    hooks: list[Hook] = field(default_factory=list)


def nodes_with_scopes(module: PythonModule) -> Iterator[tuple[ast.AST, Scope]]:
    """Every node of the module with the scope it is evaluated in (decorators and defaults in the outer one)."""
    index = module.index
    stack: list[tuple[ast.AST, Scope]] = [(module.tree, index.module_scope)]
    while stack:
        node, scope = stack.pop()
        yield node, scope
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            inner = index.child_scope(node, scope)
            outer_parts: list[ast.AST] = [*node.decorator_list]
            if isinstance(node, ast.ClassDef):
                outer_parts.extend(node.bases)
                outer_parts.extend(node.keywords)
            else:
                outer_parts.extend(node.args.defaults)
                outer_parts.extend(d for d in node.args.kw_defaults if d is not None)
            stack.extend((part, scope) for part in reversed(outer_parts))
            stack.extend((statement, inner) for statement in reversed(node.body))
        else:
            stack.extend((child, scope) for child in reversed(list(ast.iter_child_nodes(node))))


def _owner_subclass_kind(name: str) -> str | None:
    """A project's own router or blueprint class (`UserAPIRouter(APIRouter)`), by its name: what its `__init__`
    adds (`dependencies=[Depends(get_current_user)]`) is read from the class itself (`concepts.classes`)."""
    last = name.rsplit(".", 1)[-1]
    if last.endswith("Router"):
        return "router"
    if last.endswith("Blueprint"):
        return "blueprint"
    return None


def find_app_facts(module: PythonModule) -> AppFacts:
    facts = AppFacts()
    handled: set[int] = set()
    for node, scope in nodes_with_scopes(module):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            _assignment(node, node.targets[0], scope, module, facts, handled)
        elif isinstance(node, ast.Call) and id(node) not in handled:
            _call(node, scope, module, facts, handled, None)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _hook(node, scope, module, facts)
    return facts


def _function_prefix(scope: Scope) -> str | None:
    current: Scope | None = scope
    while current is not None:
        if current.kind.value == "function":
            return current.qualname
        current = current.parent
    return None


def _assignment(
    node: ast.Assign, target: ast.expr, scope: Scope, module: PythonModule, facts: AppFacts, handled: set[int]
) -> None:
    index = module.index
    value = node.value
    if isinstance(target, ast.Name) and isinstance(value, ast.Call):
        ref = f"{_owning_qualname(target.id, scope)}.{target.id}"
        name = callee_name(value, scope, index)
        if name in APP_CLASSES:
            handled.add(id(value))
            _app(value, ref, APP_CLASSES[name], scope, module, facts, handled)
            return
        kind = OWNER_CLASSES.get(name) or _owner_subclass_kind(name)
        if kind is not None:
            handled.add(id(value))
            dependencies = dependency_names(_keyword(value, "dependencies"), scope, index)
            subclass = "" if name in OWNER_CLASSES else name
            facts.owners.append(RouteOwner(ref, kind, site_of(value, module), dependencies, subclass))
            return
        if name in COMPONENTS:
            handled.add(id(value))
            _call(value, scope, module, facts, handled, ref)
            return
        binding = index.resolve_binding(value.func.id, scope) if isinstance(value.func, ast.Name) else None
        factory = binding.target if binding is not None and binding.kind in _NAMED_KINDS else None
        if factory and "app" in factory.rsplit(".", 1)[-1].lower():
            facts.aliases.append(AppAlias(ref, factory, site_of(value, module)))
        return
    if isinstance(target, ast.Subscript):
        config_owner = _config_owner(target.value, scope, module)
        key = constant(target.slice, scope, index)
        if not isinstance(config_owner, _NotConfig) and isinstance(key, str) and _interesting(key):
            facts.config_assignments.append(
                ConfigAssignment(config_owner, setting_value(key, value, node, module, scope))
            )
        return
    if isinstance(target, ast.Attribute) and target.attr in _APP_ATTRIBUTES:
        owner = object_ref(target.value, scope, index)
        known = owner is not None and any(app.ref == owner for app in facts.apps)
        if owner is not None and (known or "app" in owner.rsplit(".", 1)[-1].lower()):
            name = _APP_ATTRIBUTES[target.attr]
            facts.config_assignments.append(ConfigAssignment(owner, setting_value(name, value, node, module, scope)))


def _owning_qualname(name: str, scope: Scope) -> str:
    current: Scope | None = scope
    while current is not None:
        if name in current.bindings:
            return current.qualname
        current = current.parent
    return scope.qualname


def _interesting(key: str) -> bool:
    return is_setting_name(key) or key in SECRET_SETTINGS


class _NotConfig:
    pass


_NOT_CONFIG = _NotConfig()


def _config_owner(expr: ast.AST, scope: Scope, module: PythonModule) -> str | _NotConfig | None:
    """For `X.config`, the ref of X (None when unknown); `_NOT_CONFIG` when `expr` is not an app's config."""
    if isinstance(expr, ast.Attribute) and expr.attr == "config":
        return object_ref(expr.value, scope, module.index)
    return _NOT_CONFIG


def _app(
    call: ast.Call, ref: str, framework: str, scope: Scope, module: PythonModule, facts: AppFacts, handled: set[int]
) -> None:
    index = module.index
    settings: list[SettingValue] = []
    for keyword in call.keywords:
        if keyword.arg in _SETTING_KEYWORDS:
            settings.append(setting_value(_SETTING_KEYWORDS[keyword.arg], keyword.value, keyword.value, module, scope))
    middleware = _keyword(call, "middleware")
    if isinstance(middleware, (ast.List, ast.Tuple)):
        for element in middleware.elts:
            if isinstance(element, ast.Call):
                handled.add(id(element))
                _middleware(element, ref, scope, module, facts)
    facts.apps.append(
        AppFact(
            ref=ref,
            framework=framework,
            site=site_of(call, module),
            factory=_function_prefix(scope),
            settings=tuple(settings),
            dependencies=dependency_names(_keyword(call, "dependencies"), scope, index),
        )
    )


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


@dataclass
class _Options:
    known: list[tuple[str, object]] = field(default_factory=list)
    sites: list[tuple[str, Site]] = field(default_factory=list)
    opaque: list[str] = field(default_factory=list)
    secrets: list[SettingValue] = field(default_factory=list)
    splat: bool = False


def _options(call: ast.Call, scope: Scope, module: PythonModule) -> _Options:
    """Keyword arguments: constants by name; secrets (`secret_key=...`) only by shape, with a redacted place."""
    options = _Options()
    for keyword in call.keywords:
        if keyword.arg is None:
            options.splat = True
            continue
        if keyword.arg in _SECRET_OPTIONS:
            secret = setting_value("SECRET_KEY", keyword.value, keyword.value, module, scope)
            options.secrets.append(secret)
            options.sites.append((keyword.arg, secret.site))  # redacted when the value is a literal
            options.opaque.append(keyword.arg)
            continue
        options.sites.append((keyword.arg, site_of(keyword.value, module)))
        value = constant(keyword.value, scope, module.index)
        if value is UNKNOWN:
            options.opaque.append(keyword.arg)
        else:
            options.known.append((keyword.arg, value))
    return options


def _component(
    kind: str,
    library: str,
    call: ast.Call,
    app_ref: str | None,
    stored_in: str | None,
    scope: Scope,
    module: PythonModule,
) -> Component:
    options = _options(call, scope, module)
    site = site_of(call, module)
    for secret in options.secrets:
        if secret.site.line == site.line and secret.secret is not None:
            site = Site(site.path, site.line, site.column, secret.site.snippet)
    return Component(
        kind,
        library,
        site,
        app_ref,
        stored_in,
        tuple(options.known),
        tuple(options.sites),
        tuple(options.opaque),
        options.splat,
        tuple(options.secrets),
    )


def _middleware(call: ast.Call, app_ref: str | None, scope: Scope, module: PythonModule, facts: AppFacts) -> None:
    """`Middleware(CORSMiddleware, allow_origins=...)` or `app.add_middleware(CORSMiddleware, ...)`."""
    if not call.args:
        return
    name = module.index.qualified_name(call.args[0], scope) or ""
    facts.components.append(_component(MIDDLEWARE.get(name, "middleware"), name, call, app_ref, None, scope, module))


def _call(
    call: ast.Call, scope: Scope, module: PythonModule, facts: AppFacts, handled: set[int], stored_in: str | None
) -> None:
    index = module.index
    name = callee_name(call, scope, index)
    if name in COMPONENTS:
        first = call.args[0] if call.args else _keyword(call, "app")
        app_ref = object_ref(first, scope, index) if first is not None else None
        facts.components.append(_component(COMPONENTS[name], name, call, app_ref, stored_in, scope, module))
        return
    if name in _MIDDLEWARE_WRAPPER:
        _middleware(call, None, scope, module, facts)
        return
    func = call.func
    if not isinstance(func, ast.Attribute):
        return
    method = func.attr
    if method == "add_middleware":
        _middleware(call, object_ref(func.value, scope, index), scope, module, facts)
    elif method == "init_app" and call.args:
        target = object_ref(func.value, scope, index)
        if target is not None:
            options = _options(call, scope, module)
            facts.init_apps.append(
                InitApp(
                    target,
                    object_ref(call.args[0], scope, index),
                    site_of(call, module),
                    tuple(options.known),
                    tuple(options.sites),
                    tuple(options.opaque),
                )
            )
    elif method == "mount" and len(call.args) + len(call.keywords) >= 2:
        mounted = _keyword(call, "app") or (call.args[1] if len(call.args) >= 2 else None)
        child = object_ref(mounted, scope, index) if mounted is not None else None
        if child is not None:
            facts.mounts.append(Mount(object_ref(func.value, scope, index), child, site_of(call, module)))
    elif method in ("register_blueprint", "include_router") and call.args:
        child = object_ref(call.args[0], scope, index)
        if child is not None:
            dependencies = dependency_names(_keyword(call, "dependencies"), scope, index)
            facts.registrations.append(
                Registration(object_ref(func.value, scope, index), child, site_of(call, module), dependencies)
            )
    elif method in _CONFIG_LOADS or method in _CONFIG_WRITES:
        owner = _config_owner(func.value, scope, module)
        if owner is _NOT_CONFIG:
            return
        app_ref = owner if isinstance(owner, str) else None
        if method in _CONFIG_LOADS:
            facts.config_loads.append(
                ConfigLoad(app_ref, method, _load_targets(method, call, scope, module), site_of(call, module))
            )
        else:
            for setting in _written_settings(method, call, scope, module):
                facts.config_assignments.append(ConfigAssignment(app_ref, setting))


def _written_settings(method: str, call: ast.Call, scope: Scope, module: PythonModule) -> list[SettingValue]:
    found: list[SettingValue] = []
    if method == "setdefault":
        key = constant(call.args[0], scope, module.index) if call.args else UNKNOWN
        if isinstance(key, str) and _interesting(key) and len(call.args) > 1:
            found.append(setting_value(key, call.args[1], call, module, scope))
        return found
    for keyword in call.keywords:
        if keyword.arg is not None and _interesting(keyword.arg):
            found.append(setting_value(keyword.arg, keyword.value, keyword.value, module, scope))
    for argument in call.args:
        if isinstance(argument, ast.Dict):
            for key_node, value in zip(argument.keys, argument.values, strict=True):
                key = constant(key_node, scope, module.index) if key_node is not None else UNKNOWN
                if isinstance(key, str) and _interesting(key):
                    found.append(setting_value(key, value, key_node or value, module, scope))
    return found


def _load_targets(method: str, call: ast.Call, scope: Scope, module: PythonModule) -> tuple[str, ...]:
    index = module.index
    if not call.args:
        return ()
    argument = call.args[0]
    if method == "from_pyfile":
        value = constant(argument, scope, index)
        return (value,) if isinstance(value, str) else ()
    if method != "from_object":
        return ()
    value = constant(argument, scope, index)
    if isinstance(value, str):
        return (module.name,) if value == "__main__" else (value,)
    if isinstance(argument, ast.Name) and argument.id == "__name__":
        return (module.name,)
    ref = object_ref(argument, scope, index)
    if ref is not None and not _is_dict_binding(argument, scope, module):
        return (ref,)
    # from_object(config[name]) / from_object(configs.get(name)): every class the mapping names.
    mapping = None
    if isinstance(argument, ast.Subscript):
        mapping = argument.value
    elif isinstance(argument, ast.Call) and isinstance(argument.func, ast.Attribute) and argument.func.attr == "get":
        mapping = argument.func.value
    dictionary = _dict_display(mapping, scope, module) if mapping is not None else None
    if dictionary is None:
        return ()
    targets = [object_ref(item, scope, index) for item in dictionary.values]
    return tuple(target for target in targets if target is not None)


def _is_dict_binding(node: ast.AST, scope: Scope, module: PythonModule) -> bool:
    return _dict_display(node, scope, module) is not None


def _dict_display(node: ast.AST, scope: Scope, module: PythonModule) -> ast.Dict | None:
    if not isinstance(node, ast.Name):
        return None
    bindings = module.index.lookup(node.id, scope)
    if len(bindings) == 1 and isinstance(bindings[0].value, ast.Dict):
        return bindings[0].value
    return None


def _hook(node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope, module: PythonModule, facts: AppFacts) -> None:
    index = module.index
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in _HOOKS:
            inner = index.child_scope(node, scope)
            guard = body_guard(node.body, module, inner)
            owner = object_ref(target.value, scope, index)
            url_values = _url_values(node) if "url_value" in target.attr else ()
            facts.hooks.append(Hook(owner, site_of(node, module), guard, checks_csrf_token(node.body), url_values))
            return


# Functions run before a route's handler: `before_request` hooks, and `url_value_preprocessor`s, which also take
# the URL's values (`values.pop("project_id")`) and often load the object they name, refusing unauthorised callers.
_HOOKS = frozenset({"before_request", "before_app_request", "url_value_preprocessor", "app_url_value_preprocessor"})


def _url_values(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    """The URL values a `url_value_preprocessor(endpoint, values)` reads: `values.pop("project_id")`,
    `values.get("x")`, `values["x"]`. Its checks concern only the routes whose URL has one of them."""
    arguments = [*node.args.posonlyargs, *node.args.args]
    if len(arguments) < 2:
        return ()
    name = arguments[1].arg

    def is_values(expr: ast.AST) -> bool:  # `values`, or `(values or {})`
        if isinstance(expr, ast.BoolOp):
            return any(is_values(value) for value in expr.values)
        return isinstance(expr, ast.Name) and expr.id == name

    found: list[str] = []
    for child in ast.walk(node):
        key: ast.AST | None = None
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) and child.args:
            if child.func.attr in ("pop", "get") and is_values(child.func.value):
                key = child.args[0]
        elif isinstance(child, ast.Subscript) and is_values(child.value):
            key = child.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value not in found:
            found.append(key.value)
    return tuple(found)
