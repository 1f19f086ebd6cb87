"""Guards: what a decorator, a dependency or a handler body checks about the caller.

Two questions, kept apart because a route may answer one and not the other:
- authentication: is there a logged-in user (`@login_required`, `Depends(get_current_user)`, `if not
  current_user.is_authenticated: abort(401)`);
- authorization: may this user do this (`@permission_required`, `@roles_required("admin")`,
  `Depends(require_admin)`, `if not current_user.is_admin: abort(403)`, or an ownership test such as
  `if note.owner_id != current_user.id: abort(403)`). An authorization check on the current user implies
  authentication.

Known library names are matched exactly; project-defined decorators and dependencies by the words in their name
(`admin_required`, `get_current_user`), which is how such code is written in practice.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from bastion.concepts.sites import callee_name, dotted, last_name, site_of, walk_body
from bastion.concepts.webfacts import GuardCheck, Site
from bastion.core import patterns
from bastion.semantic.calls import identifiers
from bastion.semantic.index import ModuleIndex, Scope
from bastion.semantic.module import PythonModule

KNOWN_AUTHN = frozenset(
    {
        "flask_login.login_required",
        "flask_login.utils.login_required",
        "flask_login.fresh_login_required",
        "django.contrib.auth.decorators.login_required",
        "django.contrib.auth.mixins.LoginRequiredMixin",
        "flask_security.auth_required",
        "flask_security.login_required",
        "flask_security.decorators.auth_required",
        "flask_jwt_extended.jwt_required",
        "flask_jwt_extended.view_decorators.jwt_required",
        "rest_framework.permissions.IsAuthenticated",
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
        "fastapi.security.OAuth2PasswordBearer",
        "fastapi.security.HTTPBearer",
        "fastapi.security.HTTPBasic",
        "fastapi.security.APIKeyHeader",
        # Not a decorator: an OpenAPI `security` requirement that connexion checks (`RouteHandler.declared_guards`).
        "connexion.security",
    }
)
KNOWN_AUTHZ = frozenset(
    {
        "django.contrib.auth.decorators.permission_required",
        "django.contrib.auth.decorators.user_passes_test",
        "django.contrib.admin.views.decorators.staff_member_required",
        "django.contrib.auth.mixins.PermissionRequiredMixin",
        "django.contrib.auth.mixins.UserPassesTestMixin",
        "flask_security.roles_required",
        "flask_security.roles_accepted",
        "flask_security.permissions_required",
        "flask_security.permissions_accepted",
        "flask_security.decorators.roles_required",
        "flask_security.decorators.roles_accepted",
        "rest_framework.permissions.IsAdminUser",
        "rest_framework.permissions.DjangoModelPermissions",
        "rest_framework.permissions.DjangoObjectPermissions",
    }
)
_AUTHZ_WORDS = patterns.compile(
    r"admin|role|permission|perm(?:s)?(?:_|$)|staff|superuser|owner|authori[sz]|privilege|acl|policy|scope|^can_|allowed",
    ignore_case=True,
)
# Membership of a group as the permission (`@group_required("editors")`, django-braces' `GroupRequiredMixin`): only
# for decorators and mixins that require it, since `Depends(get_group)` merely loads the caller's group.
_GROUP_WORDS = patterns.compile(r"(^|_)groups?(_|$)", ignore_case=True)
_AUTHN_DECORATOR_WORDS = patterns.compile(
    r"login_required|auth|jwt|token_required|logged_in|signed_in|api_?key|require_user|user_required", ignore_case=True
)
# `session` alone is as often a database session (`Depends(get_db_session)`, `generate_session`) as a login one.
_AUTHN_DEPENDENCY_WORDS = patterns.compile(
    r"user|auth|token|login|current|identity|principal|credential|jwt|api_?key|oauth"
    r"|(?:verify|check|require|valid)\w*_?session|session_?(?:user|auth|required)",
    ignore_case=True,
)
_ROLE_ATTRIBUTES = patterns.compile(
    r"^(is_admin|is_staff|is_superuser|is_moderator|role|roles|has_role|has_roles|has_perm|has_perms|has_permission"
    r"|permissions|groups|is_owner|admin|can_\w+|has_access|level|access_level)$"
)
_OWNER_ATTRIBUTES = patterns.compile(r"^(owner|owner_id|user|user_id|author|author_id|created_by|account_id|uploader)$")
_AUTHN_ATTRIBUTES = frozenset({"is_authenticated", "is_anonymous", "is_active"})
_GUARD_CALLS = patterns.compile(
    r"^(require|ensure|check|assert|verify|enforce|authori[sz]e)_?\w*(admin|role|perm|permission|owner|access|staff)",
    ignore_case=True,
)
_AUTHN_CALLS = frozenset({"verify_jwt_in_request", "require_login", "ensure_logged_in", "login_required"})
_CURRENT_USER_CALLS = frozenset({"get_jwt_identity", "get_current_user", "current_user"})
_DENIAL_CALLS = frozenset(
    {"abort", "redirect", "unauthorized", "forbidden", "HttpResponseForbidden", "HTTPException", "PermissionDenied"}
)


def classify_decorator(name: str) -> tuple[bool, bool]:
    """(authenticates, authorizes) for a decorator's qualified name."""
    if name in KNOWN_AUTHZ:
        return True, True
    if name in KNOWN_AUTHN:
        return True, False
    last = last_name(name)
    if last.endswith("login_required") and name.endswith(".login_required"):
        return True, False  # flask_httpauth: auth.login_required
    if (_AUTHZ_WORDS.search(last) or _GROUP_WORDS.search(last)) and (
        "required" in last or "only" in last or last.startswith(("require", "check"))
    ):
        return True, True
    if _AUTHN_DECORATOR_WORDS.search(last):
        return True, False
    return False, False


# Marks a role checker built for the roles every signed-in user has (`RolesChecker([Role.CUSTOMER])`): it
# authenticates, and lets every account through, so it says nothing of which rows the caller may touch.
EVERY_USER_SUFFIX = ".admits_every_user"
# Roles that every ordinary account holds (a shop's customers, an app's plain users).
_ORDINARY_ROLES = patterns.compile(
    r"^(customers?|users?|members?|guests?|viewers?|readers?|basic|clients?|everyone|any|all|authenticated)$",
    ignore_case=True,
)


def classify_dependency(name: str) -> tuple[bool, bool]:
    """(authenticates, authorizes) for a FastAPI dependency (`Depends(get_current_admin)`)."""
    if name.endswith(EVERY_USER_SUFFIX):
        return True, False
    if name in KNOWN_AUTHZ:
        return True, True
    if name in KNOWN_AUTHN:
        return True, False
    last = last_name(name)
    if _AUTHZ_WORDS.search(last):
        return True, True
    if _AUTHN_DEPENDENCY_WORDS.search(last):
        return True, False
    return False, False


def classify_class(name: str) -> tuple[bool, bool]:
    """(authenticates, authorizes) for a view mixin or a DRF permission class."""
    if name in KNOWN_AUTHZ:
        return True, True
    if name in KNOWN_AUTHN:
        return True, False
    last = last_name(name)
    if last in ("AllowAny", "object", "View", "APIView"):
        return False, False
    if _AUTHZ_WORDS.search(last) or "GroupRequired" in last:
        return True, True
    if "LoginRequired" in last or "Authenticated" in last:
        return True, False
    return False, False


def dependency_names(node: ast.AST | None, scope: Scope, index: ModuleIndex) -> tuple[str, ...]:
    """Names of the dependencies in `Depends(x)` / `Security(x)` / `[Depends(x), ...]`."""
    if node is None:
        return ()
    found: list[str] = []
    for item in ast.walk(node):
        if not isinstance(item, ast.Call):
            continue
        name = callee_name(item, scope, index)
        if last_name(name) not in ("Depends", "Security") or not item.args:
            continue
        target = item.args[0]
        if isinstance(target, ast.Call):
            checker = callee_name(target, scope, index)
            every_user = _AUTHZ_WORDS.search(last_name(checker)) and _admits_only_ordinary_roles(target)
            found.append(checker + "()" + (EVERY_USER_SUFFIX if every_user else ""))
        else:
            found.append(index.qualified_name(target, scope) or dotted(target) or "")
        if last_name(name) == "Security" and any(k.arg == "scopes" for k in item.keywords):
            found.append(found[-1] + ".scopes")
    return tuple(name for name in found if name)


def _admits_only_ordinary_roles(call: ast.Call) -> bool:
    """`RolesChecker([UserRole.CUSTOMER])`, `require_roles("user")`: every role named is one all accounts hold."""
    roles: list[str] = []
    for argument in (*call.args, *(k.value for k in call.keywords)):
        for node in ast.walk(argument):
            if isinstance(node, ast.Attribute):
                roles.append(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                roles.append(node.value)
    return bool(roles) and all(_ORDINARY_ROLES.match(role) for role in roles)


def is_current_user(node: ast.AST, scope: Scope, index: ModuleIndex, user_names: Iterable[str] = ()) -> bool:
    """`current_user`, `request.user`, `g.user`, `get_jwt_identity()`, `session["user_id"]`, or a parameter that a
    dependency filled with the user."""
    if isinstance(node, ast.Name):
        return node.id == "current_user" or node.id in user_names
    if isinstance(node, ast.Attribute):
        if node.attr in ("user", "current_user") and isinstance(node.value, (ast.Name, ast.Attribute)):
            base = dotted(node.value) or ""
            # `self.user` in a class-based view is the user its dependency resolved (`user = Depends(...)`).
            return base.endswith(("request", "context")) or base in ("g", "flask.g", "self")
        return bool(node.attr == "auth" and (dotted(node.value) or "").endswith("request"))
    if isinstance(node, ast.Call):
        return last_name(callee_name(node, scope, index)) in _CURRENT_USER_CALLS
    if isinstance(node, ast.Subscript):
        base = dotted(node.value) or ""
        key = node.slice
        return base.endswith("session") and isinstance(key, ast.Constant) and "user" in str(key.value)
    return False


def mentions_current_user(node: ast.AST, scope: Scope, index: ModuleIndex, user_names: Iterable[str] = ()) -> bool:
    names = tuple(user_names)
    return any(is_current_user(child, scope, index, names) for child in ast.walk(node))


def body_guard(
    statements: list[ast.stmt],
    module: PythonModule,
    scope: Scope,
    user_names: Iterable[str] = (),
    request_names: Iterable[str] = (),
) -> GuardCheck:
    """Checks written in a handler's (or hook's) body; `request_names` are the handler's parameters that hold
    request data (a role read from them is not the caller's)."""
    index = module.index
    names = tuple(user_names)
    requested = tuple(request_names)
    authn: list[Site] = []
    authz: list[Site] = []
    for node in walk_body(statements):
        if isinstance(node, (ast.If, ast.IfExp)) and _denies(node):
            test = node.test
            mentions_user = mentions_current_user(test, scope, index, names)
            if tests_role(test, requested) or (mentions_user and _tests_owner(test)):
                authz.append(site_of(node, module))
                authn.append(site_of(node, module))
            elif mentions_user or _tests_authentication(test):
                authn.append(site_of(node, module))
        elif isinstance(node, ast.Assert) and tests_role(node.test, requested):
            authz.append(site_of(node, module))
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and _ROLE_ATTRIBUTES.match(last_name(callee_name(node.value, scope, index)))
        ):
            # `self.checks.can_manage()` as a statement: a permission test whose result is dropped raises.
            authz.append(site_of(node, module))
            authn.append(site_of(node, module))
        if isinstance(node, ast.Call):
            last = last_name(callee_name(node, scope, index))
            if _GUARD_CALLS.match(last):
                authz.append(site_of(node, module))
                authn.append(site_of(node, module))
            elif last in _AUTHN_CALLS:
                authn.append(site_of(node, module))
    return GuardCheck(tuple(authn), tuple(authz))


def _denies(node: ast.If | ast.IfExp) -> bool:
    branches: list[ast.AST] = []
    if isinstance(node, ast.If):
        branches.extend(node.body)
        branches.extend(node.orelse)
    else:
        branches.extend((node.body, node.orelse))
    for branch in branches:
        for child in ast.walk(branch):
            if isinstance(child, (ast.Raise, ast.Return)):
                return True
            if isinstance(child, ast.Call) and last_name(dotted(child.func) or "") in _DENIAL_CALLS:
                return True
    return False


def tests_role(test: ast.AST, request_names: Iterable[str] = ()) -> bool:
    """The expression reads a role or permission (`user.is_admin`, `user["role"]`, `has_perm(...)`, `role ==
    "admin"`) of the caller: a role read from the request's own data (`if change.role == "owner": raise`, with
    `change` the request body) says what the request asks for, not who asks."""
    names = frozenset(request_names)
    caller = requested = False
    for child in ast.walk(test):
        if isinstance(child, ast.Attribute) and _ROLE_ATTRIBUTES.match(child.attr):
            if _root_name(child.value) in names:
                requested = True
            else:
                caller = True
        elif isinstance(child, ast.Subscript) and isinstance(child.slice, ast.Constant):
            key = child.slice.value
            if isinstance(key, str) and _ROLE_ATTRIBUTES.match(key):
                requested = requested or _root_name(child.value) in names
                caller = caller or _root_name(child.value) not in names
        elif isinstance(child, ast.Name) and _ROLE_ATTRIBUTES.match(child.id) and child.id not in names:
            caller = True
    if caller:
        return True
    return not requested and any(
        isinstance(child, ast.Constant) and isinstance(child.value, str) and child.value.lower() in ("admin", "staff")
        for child in ast.walk(test)
    )


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _tests_owner(test: ast.AST) -> bool:
    return isinstance(test, (ast.Compare, ast.UnaryOp, ast.BoolOp)) and any(
        _OWNER_ATTRIBUTES.match(name) for name in identifiers(test)
    )


def _tests_authentication(test: ast.AST) -> bool:
    if any(name in _AUTHN_ATTRIBUTES for name in identifiers(test)):
        return True
    return any(
        isinstance(child, ast.Constant) and isinstance(child.value, str) and child.value in ("user_id", "user")
        for child in ast.walk(test)
    ) and any(isinstance(child, ast.Name) and child.id == "session" for child in ast.walk(test))


def checks_csrf_token(statements: list[ast.stmt]) -> bool:
    """A hand-written CSRF check: a token from the request (form field or header) compared with the one kept in
    the session, and the request refused when they differ (`if session["nonce"] != request.form.get("nonce"):
    abort(403)`)."""
    for node in walk_body(statements):
        if not isinstance(node, ast.If) or not _denies(node):
            continue
        for test in ast.walk(node.test):
            sides: list[ast.AST] = []
            if isinstance(test, ast.Compare) and any(isinstance(op, (ast.Eq, ast.NotEq)) for op in test.ops):
                sides = [test.left, *test.comparators]
            elif isinstance(test, ast.Call) and last_name(dotted(test.func) or "") == "compare_digest":
                sides = list(test.args)
            texts = [" ".join(dotted(part) or "" for part in ast.walk(side)) for side in sides]
            from_session = any("session" in text for text in texts)
            from_request = any("request." in text or text.startswith("request") for text in texts)
            if from_session and from_request:
                return True
    return False
