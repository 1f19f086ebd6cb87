"""What a route handler does about security: who may call it, how often, with which protections.

Built on `concepts.routes.find_route_handlers`; this module adds the facts CFG rules need about each handler:
guards (decorators, FastAPI dependencies, view mixins, DRF permission classes, checks in the body), rate limits,
CSRF exemptions, whether it reads forms, uploads or passwords, objects fetched by a request id (IDOR candidates),
and, for login handlers, the branches that answer "wrong credentials".
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from bastion.concepts.guards import (
    body_guard,
    classify_class,
    classify_decorator,
    classify_dependency,
    dependency_names,
    is_current_user,
)
from bastion.concepts.route_effects import authenticates_by_header, authenticates_by_url_secret, changes_state
from bastion.concepts.routes import RouteHandler, decorator_names
from bastion.concepts.sites import callee_name, dotted, last_name, object_ref, site_of, walk_body
from bastion.concepts.webfacts import FailureBranch, GuardCheck, IdorCandidate, RouteFact, RowListing, Site
from bastion.core import patterns
from bastion.semantic.index import ModuleIndex, Scope
from bastion.semantic.module import PythonModule

_ROUTE_ATTRIBUTES = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route", "websocket"})
_LOGIN_NAME = patterns.compile(
    r"(^|_)(login|log_in|signin|sign_in|authenticate|auth|token|obtain_token|password_reset|reset_password"
    r"|forgot_password|forgot|otp|verify_otp|two_factor|mfa)($|_)",
    ignore_case=True,
)
_LOGIN_PATH = patterns.compile(
    r"/(log-?in|sign-?in|auth(/|$)|token|oauth/token|password[-_/]?reset|reset[-_/]?password|forgot|otp|2fa|mfa)",
    ignore_case=True,
)
_DESTRUCTIVE_NAME = patterns.compile(
    r"^(delete|remove|destroy|drop|purge|wipe|erase|ban|deactivate|revoke|admin)(_|$)|_(delete|destroy|remove)$",
    ignore_case=True,
)
_ADMIN_PATH = patterns.compile(r"(^|/)(admin|delete|remove|destroy)(/|$|[-_])", ignore_case=True)
_ID_NAME = patterns.compile(r"^(id|pk|uuid|slug)$|(_id|_pk|_uuid|id)$", ignore_case=True)
_PRIVATE_NOUNS = patterns.compile(
    r"user|account|profile|order|invoice|payment|message|document|doc(_|$)|note|file|upload|address|card|ticket"
    r"|booking|reservation|transaction|cart|subscription|customer|patient|record|statement|wallet|inbox"
    r"|conversation|chat|photo|attachment|member|employee",
    ignore_case=True,
)
_FETCH_NAMES = patterns.compile(
    r"^(get|find|fetch|load|lookup|query|retrieve|select|read|filter|one|first|execute)|_or_404$", ignore_case=True
)
_NOT_FETCHES = frozenset({"int", "str", "float", "len", "jsonify", "abort", "url_for", "redirect", "print", "format"})
_FAILURE_WORDS = patterns.compile(
    r"invalid|incorrect|wrong|fail|bad (credentials|password)|unauthori[sz]ed|denied", ignore_case=True
)
_CREDENTIAL_WORDS = patterns.compile(
    r"password|passwd|check|verify|authenticat|user|credential|otp|token", ignore_case=True
)
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
_SIGNATURE_WORDS = patterns.compile(r"signature|hmac|construct_event|verify_webhook|webhook_secret", ignore_case=True)
_LIMIT_PACKAGES = ("flask_limiter", "slowapi", "django_ratelimit", "ratelimit", "fastapi_limiter")


def is_login_route(name: str, path: str | None, methods: Iterable[str], reads_password: bool) -> bool:
    """A handler that checks credentials or issues tokens: login, token, password reset, one-time codes."""
    if "logout" in name.lower() or (path and "logout" in path.lower()):
        return False
    named = bool(_LOGIN_NAME.search(name)) or bool(path and _LOGIN_PATH.search(path))
    state_changing = bool({"POST", "PUT", "PATCH"}.intersection(methods))
    return named and (state_changing or reads_password)


def is_destructive(route: RouteFact) -> bool:
    """DELETE routes, `delete_*`/`remove_*`/`admin_*` handlers, admin paths, and handlers that wipe the database
    (`db.drop_all()`, whatever the route is called: `/createdb`); not a form that checks a password
    itself (an `/admin` login page is where the administrator authenticates)."""
    if "DELETE" in route.methods or route.drops_data:
        return True
    if route.verifies_password:
        return False
    if _DESTRUCTIVE_NAME.search(route.name) and not route.class_name:
        return True
    if changes_privileges(route):
        return True
    if route.class_name and route.name in ("delete", "destroy"):
        return True
    return bool(route.path and _ADMIN_PATH.search(route.path))


# Routes that hand out or take away rights: `update_user_role`, `PUT /users/{id}/permissions`, `grant_admin`.
_PRIVILEGE_WORDS = patterns.compile(
    r"(^|[_/-])(roles?|permissions?|privileges?|promote|demote|grant|superuser|make_admin|set_admin)([_/-]|$)",
    ignore_case=True,
)


def changes_privileges(route: RouteFact) -> bool:
    """A route that changes who may do what (a role, a permission): an administrator's action by nature."""
    if not route.changes_state:
        return False
    return bool(_PRIVILEGE_WORDS.search(route.name)) or bool(route.path and _PRIVILEGE_WORDS.search(route.path))


def build_route_fact(
    handler: RouteHandler, module: PythonModule, classes: dict[str, ast.ClassDef], function_scope: Scope
) -> RouteFact:
    index = module.index
    function = handler.function
    outer_scope = function_scope.parent or index.module_scope
    decorator_sites = list(zip(function.decorator_list, decorator_names(function, outer_scope, index), strict=True))
    class_node = classes.get(handler.class_name) if handler.class_name else None
    owner_ref, route_dependencies = _route_owner(function, outer_scope, index)

    authn: list[Site] = []
    authz: list[Site] = []
    rate_limits: list[Site] = []
    exempt_from_limits = False
    csrf_exempt: Site | None = None

    def note_decorator(node: ast.AST, name: str) -> None:
        nonlocal exempt_from_limits, csrf_exempt
        authenticates, authorizes = classify_decorator(name)
        if authenticates:
            authn.append(site_of(node, module))
        if authorizes:
            authz.append(site_of(node, module))
        last = last_name(name)
        base = name.rsplit(".", 1)[0].lower() if "." in name else ""
        limiter_call = last in ("limit", "shared_limit") and ("limit" in base or name.startswith(_LIMIT_PACKAGES))
        if limiter_call or last in ("ratelimit", "throttle_classes"):
            rate_limits.append(site_of(node, module))
        elif last == "exempt" and "limit" in base:
            exempt_from_limits = True
        if last == "csrf_exempt" or (last == "exempt" and "csrf" in base):
            csrf_exempt = site_of(node, module)
        if last == "permission_classes" and isinstance(node, ast.Call):
            # The classes named in the arguments; not the decorator's own name, which says "permission".
            for argument in (*node.args, *(k.value for k in node.keywords)):
                _note_classes(argument, outer_scope)

    def _note_classes(container: ast.AST, scope: Scope) -> None:
        for item in ast.walk(container):
            if isinstance(item, (ast.Name, ast.Attribute)):
                name = index.qualified_name(item, scope) or dotted(item) or ""
                authenticates, authorizes = classify_class(name)
                if authenticates:
                    authn.append(site_of(item, module))
                if authorizes:
                    authz.append(site_of(item, module))

    for name in handler.declared_guards:
        note_decorator(function, name)
    for node, name in decorator_sites:
        note_decorator(node, name)
        if isinstance(node, ast.Call) and last_name(name) == "method_decorator" and node.args:
            inner = node.args[0]
            target = inner.func if isinstance(inner, ast.Call) else inner
            note_decorator(node, index.qualified_name(target, outer_scope) or dotted(target) or "")

    if class_node is not None:
        class_scope = index.child_scope(class_node, index.module_scope)
        for base in class_node.bases:
            name = index.qualified_name(base, index.module_scope) or dotted(base) or ""
            authenticates, authorizes = classify_class(name)
            if authenticates:
                authn.append(site_of(base, module))
            if authorizes:
                authz.append(site_of(base, module))
        for decorator in class_node.decorator_list:
            if isinstance(decorator, ast.Call) and decorator.args and _applies_to(decorator, function.name):
                inner = decorator.args[0]
                target = inner.func if isinstance(inner, ast.Call) else inner
                note_decorator(decorator, index.qualified_name(target, index.module_scope) or dotted(target) or "")
        for statement in class_node.body:
            if isinstance(statement, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "permission_classes" for t in statement.targets
            ):
                _note_classes(statement.value, class_scope)
            if (
                isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "throttle_classes" for t in statement.targets)
                and not (isinstance(statement.value, (ast.List, ast.Tuple)) and not statement.value.elts)
            ):
                rate_limits.append(site_of(statement, module))

    dependencies, user_names, reads_form_params, password_params, filled = _parameters(function, outer_scope, index)
    dependencies = (*route_dependencies, *dependencies)
    for dependency in dependencies:
        authenticates, authorizes = classify_dependency(dependency)
        if authenticates:
            authn.append(site_of(function, module))
        if (authorizes and not dependency.endswith(".scopes")) or dependency.endswith(".scopes"):
            authz.append(site_of(function, module))
        if "ratelimit" in dependency.lower().replace("_", "") or "RateLimiter" in dependency:
            rate_limits.append(site_of(function, module))

    body = function.body
    request_names = _request_parameters(handler, function, filled)
    guard = body_guard(body, module, function_scope, user_names, request_names)
    authn.extend(guard.authn)
    authz.extend(guard.authz)
    reads = _request_reads(body, function_scope, index)
    reads_password = password_params or reads["password"]
    login = is_login_route(function.name, handler.path, handler.methods, reads_password)
    looks_at_user = _looks_at_current_user(body, function_scope, index, user_names)

    return RouteFact(
        name=function.name,
        qualname=function_scope.qualname,
        site=site_of(function, module),
        framework=handler.framework,
        methods=handler.methods,
        path=handler.path,
        owner_ref=owner_ref,
        class_name=handler.class_name,
        decorators=handler.decorators,
        guard=GuardCheck(tuple(authn), tuple(authz)),
        dependencies=tuple(dependencies),
        rate_limits=tuple(rate_limits),
        rate_limit_exempt=exempt_from_limits,
        csrf_exempt=csrf_exempt,
        reads_form=reads["form"] or reads_form_params,
        reads_files=reads["files"],
        reads_password=reads_password,
        validates_form_token=reads["validate_on_submit"],
        validated_forms=_validated_forms(body, module, function_scope),
        verifies_signature=reads["signature"],
        writes_state=changes_state(body),
        header_authenticated=authenticates_by_header(body, _request_name(function))
        or authenticates_by_url_secret(body, (*handler.path_params, *handler.parameters)),
        idor=None
        if looks_at_user
        else _idor_candidate(handler, function, module, function_scope, filled, request_names),
        listing=None if looks_at_user else _row_listing(body, module, function_scope),
        failure_branches=_failure_branches(body, module, function_scope) if login else (),
        drf=_is_drf(handler, class_node, index),
        verifies_password=_verifies_password(body),
        verifies_token=_verifies_token(body, request_names),
        disabled_guards=_disabled_guards(function, module),
        captcha=_captcha_check(body, module),
        drops_data=_drops_data(body),
    )


# Calls that wipe a database or its tables: Flask-SQLAlchemy/SQLAlchemy `drop_all`, Django's `flush` command,
# peewee/Tortoise `drop_tables`, `drop_database` (sqlalchemy-utils).
_WIPING_CALLS = frozenset({"drop_all", "drop_tables", "drop_database", "drop_db", "reset_db", "flush_db"})
_WIPING_COMMANDS = frozenset({"flush", "reset_db", "sqlflush"})


def _drops_data(body: list[ast.stmt]) -> bool:
    for node in walk_body(body):
        if not isinstance(node, ast.Call):
            continue
        last = last_name(dotted(node.func) or "")
        if last in _WIPING_CALLS:
            return True
        if (
            last == "call_command"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in _WIPING_COMMANDS
        ):
            return True
    return False


def _captcha_check(body: list[ast.stmt], module: PythonModule) -> Site | None:
    """A call that checks a CAPTCHA (`verify_recaptcha(...)`, `captcha_flow(code)`, `hcaptcha.verify(...)`)."""
    for node in walk_body(body):
        if isinstance(node, ast.Call) and "captcha" in (dotted(node.func) or "").lower():
            return site_of(node, module)
    return None


def _validated_forms(body: list[ast.stmt], module: PythonModule, scope: Scope) -> tuple[str, ...]:
    """The classes of the forms the handler calls `.validate()` on: `form = EditForm(); form.validate()`, or a form
    made by a function of the same module (`form = get_form()` returning `EditForm()` or `CaptchaForm()`)."""
    index = module.index
    nodes = walk_body(body)
    validated = {
        node.func.value.id
        for node in nodes
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "validate"
        and isinstance(node.func.value, ast.Name)
    }
    if not validated:
        return ()
    local = {node.name: node for node in module.tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    found: list[str] = []
    for node in nodes:
        if not (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and any(isinstance(t, ast.Name) and t.id in validated for t in node.targets)
        ):
            continue
        func = node.value.func
        factory = local.get(func.id) if isinstance(func, ast.Name) else None
        if factory is None:
            found.append(callee_name(node.value, scope, index))
            continue
        factory_scope = index.child_scope(factory, index.module_scope)
        for returned in walk_body(factory.body):
            if isinstance(returned, ast.Return) and isinstance(returned.value, ast.Call):
                found.append(callee_name(returned.value, factory_scope, index))
    return tuple(dict.fromkeys(name for name in found if name))


# Calls that check a token the server signed or issued (a password-reset link): nothing short to guess.
_TOKEN_CHECKS = frozenset(
    {"verify_token", "check_token", "verify_reset_token", "confirm_token", "unsign", "verify_jwt", "decode_token"}
)


# A request field that carries such a token to the code that checks it (`service.reset_password(data.token, ...)`);
# a `code`, `pin` or `otp` is short and stays guessable.
_TOKEN_FIELD = patterns.compile(r"^(token|reset_token|password_reset_token|signed_token)$", ignore_case=True)


def _verifies_token(body: list[ast.stmt], request_names: tuple[str, ...]) -> bool:
    for node in walk_body(body):
        if isinstance(node, ast.Call):
            name = dotted(node.func) or ""
            if last_name(name) in _TOKEN_CHECKS or name.endswith("jwt.decode"):
                return True
            if any(_is_token_field(value, request_names) for value in (*node.args, *(k.value for k in node.keywords))):
                return True
    return False


def _is_token_field(value: ast.AST, request_names: tuple[str, ...]) -> bool:
    """`data.token` of a request-body parameter, or a request parameter named `token`."""
    if isinstance(value, ast.Name):
        return value.id in request_names and bool(_TOKEN_FIELD.match(value.id))
    return (
        isinstance(value, ast.Attribute)
        and isinstance(value.value, ast.Name)
        and value.value.id in request_names
        and bool(_TOKEN_FIELD.match(value.attr))
    )


def _request_parameters(
    handler: RouteHandler, function: ast.FunctionDef | ast.AsyncFunctionDef, filled: dict[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """The handler's parameters that hold request data: path, query and body values (not what a dependency fills,
    nor the request object itself)."""
    annotations = {
        arg.arg: ast.unparse(arg.annotation) if arg.annotation is not None else ""
        for arg in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)
    }
    return tuple(
        name
        for name in handler.parameters
        if name not in filled
        and name not in ("self", "cls", "request", "req", "websocket")
        and not annotations.get(name, "").endswith(("Request", "WebSocket", "HttpRequest"))
        and not _PRINCIPAL.search(name)
        and not _PRINCIPAL.search(annotations.get(name, ""))
    )


# A parameter that holds the caller, filled by a dependency through a type alias declared elsewhere
# (`current_user: CurrentUser`, with `CurrentUser = Annotated[User, Depends(...)]` in another module).
_PRINCIPAL = patterns.compile(r"(^|_|\b)(current|authenticated|logged_in|Current|Authenticated|LoggedIn)")


# A comment that is code checking a role: `# auth=Depends(RolesChecker([Role.STAFF]))`, `# @admin_required`,
# `# if not current_user.is_admin:`, `# permission_classes = [IsAdminUser]`.
_COMMENTED_DEPENDENCY = patterns.compile(r"^\s*#\s*(?:\w+\s*[:=][^#]*)?\b(?:Depends|Security)\(\s*([\w.]+)")
_COMMENTED_DECORATOR = patterns.compile(r"^\s*#\s*@([\w.]+)")
_COMMENTED_TEST = patterns.compile(
    r"^\s*#\s*(?:if|assert)\s.*\b(?:is_admin|is_staff|is_superuser|has_perm|has_permission)\b"
    r"|^\s*#\s*if\s.*\.roles?\b.*:\s*$"
)
_COMMENTED_CLASSES = patterns.compile(r"^\s*#\s*permission_classes\s*=\s*[\[(]\s*([\w.]+)")


def _disabled_guards(function: ast.FunctionDef | ast.AsyncFunctionDef, module: PythonModule) -> tuple[Site, ...]:
    """Authorization checks left in comments on the handler, from its first decorator to its last line."""
    first = min((d.lineno for d in function.decorator_list), default=function.lineno)
    last = function.end_lineno or function.lineno
    found: list[Site] = []
    for number in range(first, last + 1):
        text = module.document.line(number)
        if "#" not in text:
            continue
        authorizes = False
        if match := _COMMENTED_DEPENDENCY.search(text):
            authorizes = classify_dependency(match.group(1))[1]
        elif match := _COMMENTED_DECORATOR.search(text):
            authorizes = classify_decorator(match.group(1))[1]
        elif match := _COMMENTED_CLASSES.search(text):
            authorizes = classify_class(match.group(1))[1]
        else:
            authorizes = _COMMENTED_TEST.search(text) is not None
        if authorizes:
            found.append(Site(module.rel, number, text.index("#") + 1, text.strip()[:200]))
    return tuple(found)


# Calls that check a password the caller typed: the handler is a login form, whoever its path says it serves.
_PASSWORD_CHECKS = frozenset({"check_password_hash", "check_password", "verify_password", "checkpw"})


def _verifies_password(body: list[ast.stmt]) -> bool:
    calls = (node for node in walk_body(body) if isinstance(node, ast.Call))
    return any(last_name(dotted(call.func) or "") in _PASSWORD_CHECKS for call in calls)


def _request_name(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The name the handler's request goes by: Django's first parameter (after `self`), else Flask's `request`."""
    parameters = [
        arg.arg for arg in (*function.args.posonlyargs, *function.args.args) if arg.arg not in ("self", "cls")
    ]
    return parameters[0] if parameters and "request" in parameters[0] else "request"


def _is_drf(handler: RouteHandler, class_node: ast.ClassDef | None, index: ModuleIndex) -> bool:
    if any(name.startswith("rest_framework.") for name in handler.decorators):
        return True
    if class_node is None:
        return False
    bases = (index.qualified_name(base, index.module_scope) or "" for base in class_node.bases)
    return any(base.startswith("rest_framework.") for base in bases)


def _looks_at_current_user(body: list[ast.stmt], scope: Scope, index: ModuleIndex, user_names: Iterable[str]) -> bool:
    """Whether the handler reads the current user anywhere but as a value it stores: `task.members = [request.user]`
    and `Note(author=request.user, ...)` record who acted on a row; they do not scope the row fetched by id."""
    names = tuple(user_names)
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if is_current_user(node, scope, index, names) or _is_tenant(node):
            return True
        if isinstance(node, ast.Assign) and all(isinstance(t, (ast.Attribute, ast.Subscript)) for t in node.targets):
            stack.extend(node.targets)
        elif isinstance(node, ast.Call) and _makes_row(node):
            stack.extend((node.func, *node.args))
        else:
            stack.extend(ast.iter_child_nodes(node))
    return False


# The tenant a middleware resolved for the signed-in caller (django-tenants' `request.tenant`, a project's
# `request.space` or `request.organization`): rows filtered on it are the caller's tenant's, shared by its members.
_TENANT_ATTRIBUTES = frozenset(
    {"tenant", "space", "organization", "organisation", "org", "workspace", "team", "company", "household"}
)


def _is_tenant(node: ast.AST) -> bool:
    """`request.space`, `self.request.tenant`: the caller's tenant, set server-side from the session."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr in _TENANT_ATTRIBUTES
        and (dotted(node.value) or "").endswith("request")
    )


def _makes_row(call: ast.Call) -> bool:
    """`Note(title=..., author=...)` (a class called with keywords) or `Note.objects.create(...)`."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id[:1].isupper() and bool(call.keywords)
    return isinstance(func, ast.Attribute) and func.attr == "create"


def _applies_to(decorator: ast.Call, method: str) -> bool:
    """`@method_decorator(x, name="dispatch")` on a class applies to every method; `name="post"` to one."""
    for keyword in decorator.keywords:
        if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
            return keyword.value.value in ("dispatch", method)
    return False


def _route_owner(
    function: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope, index: ModuleIndex
) -> tuple[str | None, tuple[str, ...]]:
    for decorator in function.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in _ROUTE_ATTRIBUTES
        ):
            dependencies = next((k.value for k in decorator.keywords if k.arg == "dependencies"), None)
            return object_ref(decorator.func.value, scope, index), dependency_names(dependencies, scope, index)
    return None, ()


def _parameters(
    function: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope, index: ModuleIndex
) -> tuple[tuple[str, ...], tuple[str, ...], bool, bool, dict[str, tuple[str, ...]]]:
    """FastAPI parameters: dependencies, the names that hold the current user, form fields, a password, and the
    parameters a dependency fills (name -> its dependencies)."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[tuple[ast.arg, ast.expr | None]] = []
    padding = len(positional) - len(arguments.defaults)
    for position, arg in enumerate(positional):
        defaults.append((arg, arguments.defaults[position - padding] if position >= padding else None))
    defaults.extend(zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True))
    dependencies: list[str] = []
    user_names: list[str] = []
    reads_form = False
    password = False
    filled: dict[str, tuple[str, ...]] = {}
    for arg, default in defaults:
        found = (*dependency_names(default, scope, index), *dependency_names(arg.annotation, scope, index))
        if found:
            filled[arg.arg] = found
        annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
        if any(classify_dependency(name)[0] for name in found):
            user_names.append(arg.arg)
        dependencies.extend(found)
        if "PasswordRequestForm" in annotation:
            password = True
            reads_form = True
        for node in (default, arg.annotation):
            if isinstance(node, ast.Call) and last_name(dotted(node.func) or "") in ("Form", "File"):
                reads_form = True
        if "UploadFile" in annotation:
            reads_form = True
        if "password" in arg.arg.lower():
            password = True
    return tuple(dependencies), tuple(user_names), reads_form, password, filled


def _request_reads(body: list[ast.stmt], scope: Scope, index: ModuleIndex) -> dict[str, bool]:
    reads = {"form": False, "files": False, "password": False, "validate_on_submit": False, "signature": False}
    for node in walk_body(body):
        if isinstance(node, ast.Attribute):
            base = dotted(node.value) or ""
            is_request = base.endswith("request") or index.qualified_name(node.value, scope) == "flask.request"
            if is_request and node.attr in ("form", "files", "values", "POST", "FILES"):
                reads["form"] = True
            if is_request and node.attr in ("files", "FILES"):
                reads["files"] = True
            if node.attr == "validate_on_submit":
                reads["validate_on_submit"] = True
            if _SIGNATURE_WORDS.search(node.attr):
                reads["signature"] = True
        elif isinstance(node, ast.Name) and _SIGNATURE_WORDS.search(node.id):
            reads["signature"] = True
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.lower()
            in (
                "password",
                "passwd",
                "new_password",
                "password1",
            )
        ):
            reads["password"] = True
    return reads


# -- IDOR --------------------------------------------------------------------------------------------------------


def _idor_candidate(
    handler: RouteHandler,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    module: PythonModule,
    scope: Scope,
    filled: dict[str, tuple[str, ...]],
    request_names: tuple[str, ...],
) -> IdorCandidate | None:
    index = module.index
    parameters = handler.parameters
    if handler.framework == "django" and parameters and parameters[0] == "request":
        parameters = parameters[1:]
    # A parameter a dependency fills (`account_id: AccountId = Depends(check_account)`) is not from the request.
    id_names = {name for name in (*handler.path_params, *parameters) if _ID_NAME.search(name) and name not in filled}
    nodes = walk_body(function.body)
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            if _request_id(node.value) or (
                _ID_NAME.search(target)
                and any(isinstance(n, ast.Name) and n.id in id_names for n in ast.walk(node.value))
            ):
                id_names.add(target)
    if not id_names and not request_names:
        return None
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        name = callee_name(node, scope, index)
        last = last_name(name)
        if last in _NOT_FETCHES or not (_FETCH_NAMES.search(last) or ".objects" in name or ".query" in name):
            continue
        parameter = _id_argument(node, id_names) or _primary_key_argument(node, request_names)
        if parameter is None:
            # A key from a field of the request body (`get_user_by_username(db, profile.username)`) makes a
            # candidate only when the row is then changed: a login looks its user up that way too.
            parameter = _key_attribute(node, request_names)
            if parameter is None or not _changes_fetched(node, nodes):
                continue
        if _filters_visibility(node):
            return None  # `filter_by(id=x, hidden=False)`: a public listing, readable by anyone by design
        noun_text = " ".join((parameter, handler.path or "", last, function.name))
        read = [
            dependency
            for name, dependencies in filled.items()
            if _looks_at_current_user(function.body, scope, index, (name,))
            for dependency in dependencies
        ]
        return IdorCandidate(
            site_of(node, module),
            parameter,
            last,
            bool(_PRIVATE_NOUNS.search(noun_text)),
            fetched_model(node, scope, index),
            _changes_fetched(node, nodes),
            tuple(dict.fromkeys(read)),
        )
    return None


# Calls that end a query returning every row it selects, and calls that narrow it (which make it no listing).
_LISTING_ENDS = frozenset({"all", "raw"})
_NARROWING_CALLS = frozenset({"filter", "filter_by", "where", "exclude", "get", "get_or_404", "first", "one"})
_PAGE_RENDERERS = frozenset({"render", "render_template", "render_to_response", "TemplateResponse", "TemplateView"})


def _row_listing(body: list[ast.stmt], module: PythonModule, scope: Scope) -> RowListing | None:
    """The first query of the handler that reads every row of a model: `Order.query.all()`, `db.query(Order)
    .order_by(...).limit(n).all()`, `Tracker.objects.all()`, `Tracker.objects.raw(sql)`; data an API returns,
    not a page the handler renders from a template."""
    nodes = walk_body(body)
    if any(isinstance(node, ast.Call) and last_name(dotted(node.func) or "") in _PAGE_RENDERERS for node in nodes):
        return None  # a page of the app's own site (a notice board, a feed): its audience is the site's design
    for node in nodes:
        if not (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _LISTING_ENDS
        ):
            continue
        chain = _call_chain(node)
        if any(isinstance(part, ast.Attribute) and part.attr in _NARROWING_CALLS for part in chain):
            continue
        model = fetched_model(node, scope, module.index)
        if model is not None:
            return RowListing(site_of(node, module), model)
    return None


_CHANGING_METHODS = frozenset({"save", "delete", "update", "set_password", "set_unusable_password"})


def _changes_fetched(fetch: ast.Call, nodes: list[ast.AST]) -> bool:
    """Whether the object a fetch is assigned to is then changed: an attribute assigned, `.save()`, `.delete()`,
    `.set_password(...)`, or handed to a form as the `instance` it saves."""
    assignment = next(
        (
            node
            for node in nodes
            if isinstance(node, ast.Assign)
            and any(part is fetch for part in _call_chain(node.value))
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ),
        None,
    )
    if assignment is None or not isinstance(assignment.targets[0], ast.Name):
        return False
    name = assignment.targets[0].id
    # Until the name is bound again (`account = get_account(other)`): later changes are to another row.
    rebound = min(
        (
            node.lineno
            for node in nodes
            if isinstance(node, ast.Assign)
            and node.lineno > assignment.lineno
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        ),
        default=None,
    )
    for node in nodes:
        line = getattr(node, "lineno", assignment.lineno)
        if line <= assignment.lineno or (rebound is not None and line >= rebound):
            continue
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == name for t in node.targets
        ):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in _CHANGING_METHODS
                and isinstance(func.value, ast.Name)
                and func.value.id == name
            ):
                return True
            if any(k.arg == "instance" and isinstance(k.value, ast.Name) and k.value.id == name for k in node.keywords):
                return True
            if (
                isinstance(func, ast.Name)
                and func.id == "setattr"
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id == name
            ):
                return True
    return False


def _call_chain(node: ast.AST) -> list[ast.AST]:
    """`User.query.filter_by(...).first()` and the calls and attributes it is built on."""
    chain: list[ast.AST] = []
    while isinstance(node, (ast.Call, ast.Attribute, ast.Await)):
        chain.append(node)
        node = node.func if isinstance(node, ast.Call) else node.value
    return chain


_VISIBILITY_FIELDS = frozenset(
    {"hidden", "is_hidden", "public", "is_public", "published", "is_published", "visible", "is_visible", "banned"}
)


def _filters_visibility(call: ast.Call) -> bool:
    """The fetch (or a call chained into it) filters on a visibility flag."""
    node: ast.AST = call
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Call) and any(k.arg in _VISIBILITY_FIELDS for k in node.keywords):
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def fetched_model(call: ast.Call, scope: Scope, index: ModuleIndex) -> str | None:
    """The model class a fetch names: the root of `Order.query.get(...)` / `Order.objects.get(...)`, or the
    first argument of `get_object_or_404(Order, ...)`, `session.get(Order, id)`, `select(Order)`."""
    node: ast.AST = call
    while isinstance(node, (ast.Call, ast.Attribute)):
        node = node.func if isinstance(node, ast.Call) else node.value
    candidates = [node]
    inner: ast.AST = call
    while isinstance(inner, (ast.Call, ast.Attribute)):
        if isinstance(inner, ast.Call) and inner.args:
            candidates.append(inner.args[0])
        inner = inner.func if isinstance(inner, ast.Call) else inner.value
    for candidate in candidates:
        if isinstance(candidate, (ast.Name, ast.Attribute)):
            name = index.qualified_name(candidate, scope) or dotted(candidate)
            # `models.Session()`: an instance (the database session of `with Session() as session`), not a model.
            if name and last_name(name)[:1].isupper() and not name.endswith(")"):
                return name
    return None


def _request_id(value: ast.AST) -> bool:
    """`request.args.get("user_id")`, `request.GET["id"]`, `request.json["order_id"]`."""
    text = dotted(value.func) if isinstance(value, ast.Call) else dotted(getattr(value, "value", None))
    if not text or "request." not in f"{text}.":
        return False
    keys = [n.value for n in ast.walk(value) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return any(_ID_NAME.search(key) for key in keys)


# Fields of a request body that name a row: `change.user_id`, `profile.username`.
_KEY_FIELDS = patterns.compile(
    r"^(username|user_name|email|login|id|pk|uuid|slug)$|(_id|_pk|_uuid|id)$", ignore_case=True
)


# A request parameter that names a user account (`/users/<username>/password`).
_ACCOUNT_KEYS = patterns.compile(r"^(username|user_name|email|login)$", ignore_case=True)


def _key_attribute(call: ast.Call, request_names: tuple[str, ...]) -> str | None:
    """`get_user_by_username(db, profile.username)`: a key read from a request-data parameter's field, or a
    parameter that names an account (`filter_by(username=username)`)."""
    for value in (*call.args, *(k.value for k in call.keywords)):
        if isinstance(value, ast.Name) and value.id in request_names and _ACCOUNT_KEYS.search(value.id):
            return value.id
        if (
            isinstance(value, ast.Attribute)
            and isinstance(value.value, ast.Name)
            and value.value.id in request_names
            and _KEY_FIELDS.search(value.attr)
        ):
            return f"{value.value.id}.{value.attr}"
    return None


# Keywords that look a row up by its key, whatever the value's name (`ScoreCard.objects.get(pk=score_card)`).
_KEY_KEYWORDS = frozenset({"pk", "id", "uuid"})


def _primary_key_argument(call: ast.Call, request_names: tuple[str, ...]) -> str | None:
    """`Model.objects.get(pk=card)` with `card` a request parameter: a fetch by the key the client chose."""
    for keyword in call.keywords:
        if keyword.arg in _KEY_KEYWORDS and isinstance(keyword.value, ast.Name) and keyword.value.id in request_names:
            return keyword.value.id
    return None


def _id_argument(call: ast.Call, id_names: set[str]) -> str | None:
    values: list[ast.AST] = [*call.args, *(k.value for k in call.keywords)]
    for value in values:
        if isinstance(value, ast.Call) and last_name(dotted(value.func) or "") in ("int", "str", "UUID") and value.args:
            value = value.args[0]
        if isinstance(value, ast.Name) and value.id in id_names:
            return value.id
        if isinstance(value, (ast.Tuple, ast.List)):
            for element in value.elts:
                if isinstance(element, ast.Name) and element.id in id_names:
                    return element.id
        if isinstance(value, ast.Compare):
            for side in (value.left, *value.comparators):
                if isinstance(side, ast.Name) and side.id in id_names:
                    return side.id
    return None


# -- login failures ----------------------------------------------------------------------------------------------


def _failure_branches(body: list[ast.stmt], module: PythonModule, scope: Scope) -> tuple[FailureBranch, ...]:
    branches: list[FailureBranch] = []
    for node in walk_body(body):
        if not isinstance(node, ast.If) or not _tests_credentials(node.test):
            continue
        for block in (node.body, node.orelse):
            denial = _failure_denial(block)
            if denial is not None:
                branches.append(FailureBranch(site_of(denial, module), _logging_call(block, module, scope)))
    return tuple(branches)


def _tests_credentials(test: ast.AST) -> bool:
    """The condition is about the credentials (a password check, the user found), not e.g. form validation."""
    for node in ast.walk(test):
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value
        else:
            continue
        if _CREDENTIAL_WORDS.search(name):
            return True
    return False


def _failure_denial(block: list[ast.stmt]) -> ast.AST | None:
    """The statement that answers "wrong credentials" in this block, or None when the block is not a failure."""
    if not block:
        return None
    denial: ast.AST | None = None
    marked = False
    for statement in block:
        for node in ast.walk(statement):
            if isinstance(node, ast.Constant):
                if node.value in (401, 403) or (isinstance(node.value, str) and _FAILURE_WORDS.search(node.value)):
                    marked = True
            elif isinstance(node, ast.Call) and last_name(dotted(node.func) or "") == "abort":
                marked = True
        if isinstance(statement, (ast.Return, ast.Raise)) or (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and last_name(dotted(statement.value.func) or "") == "abort"
        ):
            denial = statement
    return denial if marked else None


def _logging_call(block: list[ast.stmt], module: PythonModule, scope: Scope) -> Site | None:
    for node in walk_body(block):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _LOG_METHODS:
            base = (dotted(func.value) or "").lower()
            if "log" in base or base.endswith("logging"):
                return site_of(node, module)
        name = last_name(dotted(func) or "").lower()
        if name.startswith(("log_", "audit")) or name.endswith("_log"):
            return site_of(node, module)
        # A project's own `log("logins", ...)` helper; not the logarithm of `math`, `numpy` and the like.
        if name == "log" and node.args:
            qualified = module.index.qualified_name(func, scope) or ""
            if qualified.split(".", 1)[0] not in _MATH_MODULES:
                return site_of(node, module)
    return None


_MATH_MODULES = frozenset({"math", "cmath", "numpy", "np", "torch", "scipy", "decimal", "sympy", "jax", "tensorflow"})
