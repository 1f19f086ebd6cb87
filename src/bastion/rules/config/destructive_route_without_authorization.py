"""CFG303: destructive or admin route without authentication and a role check."""

from __future__ import annotations

from bastion.concepts.route_security import changes_privileges, is_destructive
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule


class DestructiveRouteWithoutAuthorization(WebAppRule):
    """## What it does
    Finds routes that delete or administer data (the DELETE method, handlers named `delete_*`, `remove_*`,
    `destroy_*`, `admin_*`..., class views' `delete`/`destroy`, `/admin` paths, and handlers that wipe the database
    whatever they are called: `db.drop_all()`, `call_command("flush")`) with no authentication check at all, and
    administration routes (an `/admin` path or an `admin` name) and routes that wipe the database that check who is
    logged in but not their role. The checks may come from a decorator (`login_required`, `permission_required`,
    `roles_required`, `staff_member_required`, a project decorator named like `admin_required`), a FastAPI dependency
    (`Depends(get_current_admin)` on the route, its router, a router it is included in, the app, the project's own
    router class, or a class attribute of a class-based view and its bases), a Django mixin or DRF permission class,
    a `before_request` hook of the blueprint or app, or a check in the body (`if not current_user.is_admin:
    abort(403)`, or an ownership test against the current user). A Flask `url_value_preprocessor` that refuses
    callers guards the routes whose URL carries the values it reads (`values.pop("project_id")` guards
    `/<project_id>/delete`). A dependency whose name says nothing (`Depends(check_account_exists)`) authenticates
    when the project's function refuses with 401/403 (`raise HTTPException(HTTPStatus.UNAUTHORIZED)`), itself, in a
    function it calls, or in a dependency it depends on; it checks a role when it refuses callers who lack one
    (`if not account.is_admin: raise HTTPException(403)`). A dependency named `optional_*`/`maybe_*` proves
    nothing through its chain. A form that checks a password itself (`check_password_hash(...)`) is a login page,
    even on an `/admin` path.

    Routes that change roles or permissions (`update_user_role`, `PUT /users/{id}/permissions`, `grant_*`) are
    administration routes: a logged-in caller is not enough. A role read from the request's own data (`if
    change.role == "owner": raise ...`, with `change` the request body) says what is asked for, not who asks, and
    is no role check. A route whose role check is left in a comment (`# auth=Depends(RolesChecker([...]))`,
    `# @admin_required`, `# if not current_user.is_admin:`) and that has no live one is reported with high
    confidence, whatever its path: the check was meant to be there.

    A logged-in user deleting an ordinary object is not reported here: apps scope such queries in many ways (a
    repository bound to the user's group, an organisation schema), and whether the object belongs to the caller is
    `CFG304`'s question, asked only of models that have an owner field. On six real apps, reporting every
    authenticated delete without a visible role check was wrong or debatable every time.

    ## Why is this bad?
    Without authentication anyone on the internet can call the route; an administration route without a role
    check lets any logged-in user act as an administrator.

    ## Example
    ```python file=app.py
    from flask import Flask

    app = Flask(__name__)


    @app.route("/admin/users/<int:user_id>", methods=["DELETE"])
    def delete_user(user_id):
        return "", 204
    ```

    ## Use instead
    ```python file=app.py
    from flask import Flask, abort
    from flask_login import current_user, login_required

    app = Flask(__name__)


    @app.route("/admin/users/<int:user_id>", methods=["DELETE"])
    @login_required
    def delete_user(user_id):
        if not current_user.is_admin:
            abort(403)
        return "", 204
    ```

    ## References
    - [OWASP Top 10 A01: Broken Access Control](https://owasp.org/Top10/A01_2021-Broken_Access_Control/)
    - [CWE-862: Missing Authorization](https://cwe.mitre.org/data/definitions/862.html)
    - [CWE-285: Improper Authorization](https://cwe.mitre.org/data/definitions/285.html)
    - [CWE-306: Missing Authentication for Critical Function](https://cwe.mitre.org/data/definitions/306.html)
    """

    code = "CFG303"
    slug = "destructive-route-without-authorization"
    summary = "Destructive route without authentication, or admin route without a role check"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (862, 285, 306)
    fix_hint = "require a logged-in user before changing data, and an administrator's role on admin routes"
    tags = ("auth",)

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_destructive_routes(model)


def check_destructive_routes(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for context in model.routes:
        route = context.route
        authn, authz = context.authn, context.authz
        if route.disabled_guards and not authz and (route.changes_state or is_destructive(route)):
            disabled = route.disabled_guards[0]
            verdict.problem(
                route.site,
                f"`{route.name}` changes data with its role check commented out (`{disabled.snippet}`)",
                confidence=Confidence.HIGH,
            )
            continue
        if not is_destructive(route):
            continue
        if authn and authz:
            verdict.good(authz[0], f"`{route.name}` checks authentication and authorization")
        elif authn and changes_privileges(route):
            verdict.problem(
                route.site,
                f"`{route.name}` changes roles or permissions for any logged-in user: no check of the caller's role",
                confidence=Confidence.MEDIUM,
            )
        elif authn and route.drops_data:
            verdict.problem(
                route.site,
                f"`{route.name}` wipes the database for any logged-in user: no role or permission check",
                confidence=Confidence.MEDIUM,
            )
        elif authn and _is_admin(route.path, route.name):
            verdict.problem(
                route.site,
                f"`{route.name}` administers the application for any logged-in user: no role or permission check",
                confidence=Confidence.MEDIUM,
            )
        elif authn:
            verdict.good(authn[0], f"`{route.name}` requires a logged-in user")
        else:
            verdict.problem(
                route.site,
                f"`{route.name}` changes or deletes data with no authentication and no role check",
                confidence=Confidence.HIGH
                if "DELETE" in route.methods or route.drops_data or _is_admin(route.path, route.name)
                else None,
            )
    return verdict


def _is_admin(path: str | None, name: str) -> bool:
    return bool(path and "/admin" in path) or "admin" in name.lower()
