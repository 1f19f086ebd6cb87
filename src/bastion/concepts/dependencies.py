"""Project functions that guard FastAPI routes as dependencies, judged by what they do rather than by their name.

`Depends(check_account_exists)` authenticates when `check_account_exists` refuses the request with 401/403
(`raise HTTPException(HTTPStatus.UNAUTHORIZED, ...)`), itself or in a project function it calls, or when it
depends on a dependency that authenticates (`access_token = Depends(check_access_token)` feeding a lookup that
raises when the account is missing). It authorizes when it also tests a role or permission of the caller and
refuses (`if not account.is_admin: raise HTTPException(403)`), or relies on a dependency that does.

Names still count (`get_current_user`, `require_admin`: `concepts.guards.classify_dependency`); this adds the
functions whose names say nothing (`check_account_exists`, `load_wallet`). A dependency named `optional_*` or
`maybe_*` lets anonymous callers through and proves nothing by its chain.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from bastion.concepts.guards import classify_dependency, dependency_names, tests_role
from bastion.concepts.sites import dotted, last_name, site_of, walk_body
from bastion.concepts.webfacts import GuardFunction
from bastion.core import patterns
from bastion.semantic.module import PythonModule

# Exceptions whose raising refuses the caller: framework HTTP errors with a 401/403 status, and named refusals.
_HTTP_ERRORS = frozenset({"HTTPException", "StarletteHTTPException", "WebSocketException", "abort"})
_REFUSAL_STATUS = patterns.compile(r"(^|_)(401|403|UNAUTHORIZED|FORBIDDEN)($|_)", ignore_case=True)
_REFUSAL_NAME = patterns.compile(
    r"Unauthori[sz]ed|Forbidden|PermissionDenied|NotAuthenticated|AuthenticationFailed|Authentication\w*Error"
    r"|InvalidToken|AccessDenied|InvalidCredentials|CredentialsException|NotAllowed"
)
_OPTIONAL = patterns.compile(r"(^|_)(optional|maybe|try)(_|$)", ignore_case=True)
_CALL_LIMIT = 24
# Modules worth reading: only they can define functions a FastAPI route depends on.
GUARD_WORDS = ("HTTPException", "Depends(", "Security(", "401", "403", "UNAUTHORIZED", "FORBIDDEN", "Unauthori")


def find_guard_functions(module: PythonModule) -> list[GuardFunction]:
    """Module-level functions that refuse callers or depend on other dependencies (candidates for guards)."""
    index = module.index
    found: list[GuardFunction] = []
    for node in module.tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        scope = index.child_scope(node, index.module_scope)
        depends_on = _parameter_dependencies(node, module)
        denies = _refuses(node.body)
        calls: list[str] = []
        for call in walk_body(node.body):
            if isinstance(call, ast.Call) and len(calls) < _CALL_LIMIT:
                name = index.qualified_name(call.func, scope)
                if name and "." in name and name not in calls:
                    calls.append(name)
        if not (denies or depends_on or calls):
            continue
        role = denies and _requires_role(node.body)
        found.append(
            GuardFunction(
                ref=f"{module.name}.{node.name}",
                site=site_of(node, module),
                denies=denies,
                tests_role=role,
                optional=bool(_OPTIONAL.search(node.name)),
                depends_on=depends_on,
                calls=tuple(calls),
            )
        )
    return found


def _parameter_dependencies(function: ast.FunctionDef | ast.AsyncFunctionDef, module: PythonModule) -> tuple[str, ...]:
    index = module.index
    scope = index.child_scope(function, index.module_scope)
    arguments = function.args
    found: list[str] = []
    for node in (*arguments.defaults, *arguments.kw_defaults):
        found.extend(dependency_names(node, scope, index))
    for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        found.extend(dependency_names(arg.annotation, scope, index))
    return tuple(dict.fromkeys(found))


def _refuses(body: list[ast.stmt]) -> bool:
    """A `raise` (or `abort(...)`) that refuses the caller: 401/403, or an exception named for it."""
    for node in walk_body(body):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc
            name = dotted(exc.func if isinstance(exc, ast.Call) else exc) or ""
            if _REFUSAL_NAME.search(last_name(name)):
                return True
            if isinstance(exc, ast.Call) and last_name(name) in _HTTP_ERRORS and _refusal_status(exc):
                return True
        elif isinstance(node, ast.Call) and last_name(dotted(node.func) or "") == "abort" and _refusal_status(node):
            return True
    return False


def _requires_role(body: list[ast.stmt]) -> bool:
    """A refusal when the caller lacks a role (`if not account.is_admin: raise ...`, `if user.role != "admin"`,
    `if "admin" not in user.roles`), not when it has one (`if account.is_admin: raise` keeps admins out)."""
    for node in walk_body(body):
        if not isinstance(node, ast.If) or not _refuses(node.body):
            continue
        for test in ast.walk(node.test):
            lacking: ast.AST | None = None
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                lacking = test.operand
            elif isinstance(test, ast.Compare) and all(isinstance(op, (ast.NotEq, ast.NotIn)) for op in test.ops):
                lacking = test
            if lacking is not None and tests_role(lacking):
                return True
    return False


def _refusal_status(call: ast.Call) -> bool:
    for value in (*call.args[:1], *(k.value for k in call.keywords if k.arg in ("status_code", "code"))):
        if isinstance(value, ast.Constant) and value.value in (401, 403):
            return True
        text = dotted(value)
        if text and _REFUSAL_STATUS.search(last_name(text)):
            return True
    return False


class DependencyIndex:
    """What each project dependency checks, with chains through the dependencies and functions it relies on."""

    def __init__(self, functions: Iterable[GuardFunction]) -> None:
        self.functions: dict[str, GuardFunction] = {}
        by_last: dict[str, list[GuardFunction]] = {}
        for function in functions:
            self.functions.setdefault(function.ref, function)
            by_last.setdefault(last_name(function.ref), []).append(function)
        # A module in a namespace package gets a short name; a unique function name still finds it.
        self.by_last = {name: found[0] for name, found in by_last.items() if len(found) == 1}
        self._memo: dict[str, tuple[bool, bool]] = {}

    def find(self, name: str) -> GuardFunction | None:
        return self.functions.get(name) or (self.by_last.get(last_name(name)) if "." in name else None)

    def classify(self, name: str) -> tuple[bool, bool]:
        """(authenticates, authorizes) for a dependency: by its name, else by what the project's function does."""
        by_name = classify_dependency(name)
        if by_name[1]:
            return by_name
        found = self._judge(name, ())
        return by_name[0] or found[0], found[1]

    def _judge(self, name: str, seen: tuple[str, ...]) -> tuple[bool, bool]:
        if name in self._memo:
            return self._memo[name]
        function = self.find(name)
        if function is None or function.ref in seen or len(seen) > 6:
            return False, False
        seen = (*seen, function.ref)
        authn, authz = function.denies, function.tests_role
        if not function.optional:
            for dependency in function.depends_on:
                named = classify_dependency(dependency)
                judged = self._judge(dependency, seen)
                authn = authn or named[0] or judged[0]
                authz = authz or named[1] or judged[1]
            for callee in function.calls:
                judged = self._judge(callee, seen)
                authn, authz = authn or judged[0], authz or judged[1]
        result = (authn or authz, authz)
        self._memo[name] = result
        return result
