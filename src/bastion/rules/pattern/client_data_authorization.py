"""PAT605: access decided on a cookie, header or form field the client sets and the server never signed."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._naming import is_secret_name, words

# Request containers the client fills as it likes, by framework spelling (the receiver of `[...]`/`.get`).
_COOKIES = frozenset({"cookies", "COOKIES"})
_HEADERS = frozenset({"headers", "META"})
_FORMS = frozenset({"form", "args", "values", "POST", "GET", "query_params", "query", "data", "json"})
_REQUEST_NAMES = frozenset({"request", "req", "self.request", "info.context"})  # info.context: GraphQL resolvers
# A key that names a privilege decides access by itself: `role`, `is_admin`, `X-User-Role`.
_PRIVILEGE_WORDS = frozenset(
    {"admin", "administrator", "role", "roles", "superuser", "staff", "privilege", "privileges", "permission",
     "permissions", "perm", "perms", "authenticated", "authorized", "authorised", "logged", "loggedin", "acl"}
)  # fmt: skip
# A form field is the client's to set on a page the server built: only flags that grant rights count there.
_FLAG_WORDS = frozenset({"admin", "superuser", "staff", "authenticated", "authorized", "authorised", "logged"})
# A key that names who the user is decides access when compared with a privileged name: `user == "admin"`.
_IDENTITY_WORDS = frozenset({"user", "username", "uid", "userid", "login", "account", "email", "identity"})
_PRIVILEGED_VALUES = frozenset({"admin", "administrator", "root", "superuser", "staff", "moderator", "owner"})
# Headers an authenticating proxy sets and strips from clients (`Remote-User`, `X-Forwarded-User`): their trust
# is a deployment decision, documented by the frameworks that read them.
_PROXY_WORDS = frozenset({"remote", "forwarded", "proxy", "auth0", "oidc", "sso"})
# Whatever its key, a cookie or header decides access when the branch it picks refuses the request.
_REFUSAL_WORDS = frozenset(
    {"permission", "denied", "forbidden", "unauthorized", "unauthorised", "security", "access", "auth", "authorization"}
)
_REFUSAL_STATUSES = frozenset({401, 403})


class ClientDataAuthorization(AstRule):
    """## What it does
    Finds `if` (and `x if … else …`) conditions that decide on a role, a privilege flag or the user's identity
    read from a plain cookie (`request.cookies.get("role")`, Django's `request.COOKIES["is_admin"]`), a request
    header (`request.headers["X-User-Role"]`, `request.META["HTTP_X_ADMIN"]`), or a form, JSON or query field
    that grants rights (`request.form.get("is_admin")`); directly or through a local variable assigned from one.
    An identity key (`user`, `username`, `identity`) counts when compared with a privileged name (`== "admin"`).
    Any other cookie or header (not a credential such as `X-Api-Key`) counts when one branch of the `if` refuses
    the request: it raises a permission, security or "forbidden" error, or aborts with 401 or 403.
    Signed cookies (Flask's `session`, Django's `get_signed_cookie`) are not plain cookies; headers an
    authenticating proxy sets (`Remote-User`, `X-Forwarded-User`) are a deployment decision and are left alone.
    Test files are skipped.

    ## Why is this bad?
    The client chooses every cookie, header and form field it sends: `curl -b admin=1` or a `X-User-Role: admin`
    header, or a hidden field changed in the browser's developer tools, and the check lets anyone through.

    ## Example
    ```python
    from flask import Flask, abort, request

    app = Flask(__name__)


    @app.route("/admin/users")
    def list_users():
        if request.cookies.get("role") != "admin":
            abort(403)
        return "users"
    ```

    ## Use instead
    ```python
    from flask import Flask, abort
    from flask_login import current_user, login_required

    app = Flask(__name__)


    @app.route("/admin/users")
    @login_required
    def list_users():
        if not current_user.is_admin:
            abort(403)
        return "users"
    ```
    Keep the role on the server (the user's record, or a signed session) and read it from there.

    ## References
    - [OWASP: Authorization Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html)
    - [CWE-565: Reliance on Cookies without Validation and Integrity Checking](https://cwe.mitre.org/data/definitions/565.html)
    - [CWE-602: Client-Side Enforcement of Server-Side Security](https://cwe.mitre.org/data/definitions/602.html)
    - [CWE-807: Reliance on Untrusted Inputs in a Security Decision](https://cwe.mitre.org/data/definitions/807.html)
    """

    code = "PAT605"
    slug = "authorization-from-client-data"
    summary = "access decided on a cookie, header or form field the client sets"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (565, 602, 807)
    fix_hint = "decide on server-side state: the authenticated user's record or a signed session, never a raw cookie"
    bandit = ()
    ruff = ()
    node_types = (ast.If, ast.IfExp)

    def check(self, node: ast.If | ast.IfExp, ctx: ModuleContext) -> Iterator[Finding]:
        if is_test_path(ctx.path):
            return
        refuses = _refuses(node, ctx)
        for read, where, key in _client_reads(node.test, ctx, refuses):
            yield ctx.finding(
                self,
                read,
                f"access decided on the {where} `{key}`, which the client sets as it likes",
                properties={"container": where, "key": key},
            )
            return


def _client_reads(test: ast.expr, ctx: ModuleContext, refuses: bool) -> Iterator[tuple[ast.expr, str, str]]:
    """The reads of client-set values in a condition that decide access (the read, what it is, its key)."""
    resolve = ctx.index.name_resolver(ctx.scope)
    for node in ast.walk(test):
        compared = _compared_constants(node, ctx)
        for operand in _operands(node):
            read = operand
            if isinstance(operand, ast.Name):
                bound = resolve(operand.id)
                if bound is None:
                    continue
                read = bound
            found = _client_value(read, ctx)
            if found is None:
                continue
            where, key = found
            if _decides_access(where, key, compared, refuses):
                yield operand, where, key


def _operands(node: ast.AST) -> list[ast.expr]:
    """What a condition tests: both sides of a comparison, the operands of `and`/`or`/`not`, a bare value."""
    if isinstance(node, ast.Compare):
        return [node.left, *node.comparators]
    if isinstance(node, ast.BoolOp):
        return list(node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return [node.operand]
    return []


def _compared_constants(node: ast.AST, ctx: ModuleContext) -> set[str]:
    if not isinstance(node, ast.Compare):
        return set()
    values = set()
    for side in (node.left, *node.comparators):
        value = ctx.constant(side)
        if isinstance(value, str):
            values.add(value.lower())
        elif isinstance(value, (tuple, list, set, frozenset)):
            values.update(item.lower() for item in value if isinstance(item, str))
    return values


def _client_value(expr: ast.expr, ctx: ModuleContext) -> tuple[str, str] | None:
    """`request.cookies.get("role")` -> ("cookie", "role"); None for anything else."""
    container: ast.expr | None = None
    key_node: ast.expr | None = None
    if isinstance(expr, ast.Subscript):
        container, key_node = expr.value, expr.slice
    elif (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr in ("get", "getlist")
        and expr.args
    ):
        container, key_node = expr.func.value, expr.args[0]
    if not isinstance(container, ast.Attribute) or not _is_request(container.value, ctx):
        return None
    key = ctx.constant(key_node)
    if not isinstance(key, str):
        return None
    if container.attr in _COOKIES:
        return "cookie", key
    if container.attr in _HEADERS:
        return "header", key
    if container.attr in _FORMS:
        return "request field", key
    return None


def _is_request(expr: ast.expr, ctx: ModuleContext) -> bool:
    qualified = ctx.qualified_name(expr) or ""
    if qualified.endswith(".request") or qualified in ("flask.request", "quart.request", "bottle.request"):
        return True
    text = ast.unparse(expr)
    return text in _REQUEST_NAMES


def _decides_access(where: str, key: str, compared: set[str], refuses: bool) -> bool:
    parts = set(words(key.removeprefix("HTTP_")))
    # Django's META upper-cases a header's name (`IsAdmin` -> `HTTP_ISADMIN`): `isadmin` is `is` + `admin`.
    parts |= {part[2:] for part in parts if part.startswith("is") and part[2:] in _PRIVILEGE_WORDS}
    if parts & _PROXY_WORDS:
        return False
    if parts & _IDENTITY_WORDS and compared & _PRIVILEGED_VALUES:
        return True
    if where == "request field":
        return bool(parts & _FLAG_WORDS)
    if parts & _PRIVILEGE_WORDS:
        return True
    # A credential compared with the server's copy (`X-Api-Key`, `token`) is authentication done right.
    return refuses and not is_secret_name(key) and not parts & {"authorization", "csrf", "xsrf", "signature"}


def _refuses(node: ast.If | ast.IfExp, ctx: ModuleContext) -> bool:
    """Whether a branch of the `if` refuses the request: in its body, its `else`, or the statement after it
    (`if cookie == "x": return next(); raise SecurityError(...)`)."""
    if not isinstance(node, ast.If):
        return False
    statements = [*node.body, *node.orelse]
    parent = ctx.parent
    body = getattr(parent, "body", None)
    if isinstance(body, list) and node in body:
        statements.extend(body[body.index(node) + 1 : body.index(node) + 2])
    return any(_is_refusal(statement, ctx) for statement in statements)


def _is_refusal(statement: ast.stmt, ctx: ModuleContext) -> bool:
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
        name = ctx.qualified_name(raised) or ast.unparse(raised)
        return bool(set(words(name.rsplit(".", 1)[-1])) & _REFUSAL_WORDS)
    value = statement.value if isinstance(statement, (ast.Expr, ast.Return)) else None
    if isinstance(value, ast.Call):
        callee = (ctx.qualified_name(value.func) or "").rsplit(".", 1)[-1]
        if callee == "abort" and value.args and ctx.constant(value.args[0]) in _REFUSAL_STATUSES:
            return True
        if callee in ("HttpResponseForbidden", "HTTPForbidden", "HTTPUnauthorized"):
            return True
    return False
