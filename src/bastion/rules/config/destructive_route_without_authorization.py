"""CFG303: destructive or admin route without authentication and a role check."""

from __future__ import annotations

from bastion.concepts.route_security import is_destructive
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule


class DestructiveRouteWithoutAuthorization(WebAppRule):
    """## What it does
    Finds routes that delete or administer data (the DELETE method, handlers named `delete_*`, `remove_*`,
    `destroy_*`, `admin_*`..., class views' `delete`/`destroy`, and `/admin` paths) that lack an authentication
    check and an authorization check. Either may come from a decorator (`login_required`, `permission_required`,
    `roles_required`, `staff_member_required`, a project decorator named like `admin_required`), a FastAPI
    dependency (`Depends(get_current_admin)`, on the route, its router or the app), a Django mixin or DRF permission
    class, a `before_request` hook of the blueprint or app, or a check in the body (`if not current_user.is_admin:
    abort(403)`, or an ownership test against the current user).

    ## Why is this bad?
    Without authentication anyone on the internet can call the route; without a role or ownership check any
    logged-in user can, and deletes other people's data or acts as an administrator.

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
    """

    code = "CFG303"
    slug = "destructive-route-without-authorization"
    summary = "Destructive or admin route without authentication and role check"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (862, 285)
    fix_hint = "require a logged-in user and check their role or ownership before changing data"
    tags = ("auth",)

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_destructive_routes(model)


def check_destructive_routes(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for context in model.routes:
        route = context.route
        if not is_destructive(route):
            continue
        authn, authz = context.authn, context.authz
        if authn and authz:
            verdict.good(authz[0], f"`{route.name}` checks authentication and authorization")
        elif authn:
            verdict.problem(
                route.site,
                f"`{route.name}` changes or deletes data for any logged-in user: no role, permission or "
                "ownership check",
                confidence=Confidence.MEDIUM,
            )
        else:
            verdict.problem(
                route.site,
                f"`{route.name}` changes or deletes data with no authentication and no role check",
                confidence=Confidence.HIGH if "DELETE" in route.methods or _is_admin(route.path) else None,
            )
    return verdict


def _is_admin(path: str | None) -> bool:
    return bool(path and "/admin" in path)
