"""CFG304: object fetched by a request id with no owner check (IDOR)."""

from __future__ import annotations

from bastion.concepts.route_security import is_destructive
from bastion.concepts.webapp import ProjectModel
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule


class ObjectAccessWithoutOwnerCheck(WebAppRule):
    """## What it does
    Finds handlers that fetch an object by an id taken from the request (a path parameter such as `user_id`, or
    `request.args["id"]`) and never look at the current user (`current_user`, `request.user`, `g.user`, a user
    dependency, `get_jwt_identity()`...), neither in the query nor in a comparison. Reported when the route requires
    a login (so its data is private) or when the id, the path or the fetch names private data (user, account,
    order, invoice, message, document...). Routes with a role check, and destructive routes (CFG303's business),
    are left out. Medium confidence: public objects fetched by id are fine.

    ## Why is this bad?
    Insecure direct object reference: changing `/orders/1041` to `/orders/1042` shows another customer's order.
    Authentication alone does not prevent it; the query must be scoped to what the user may see.

    ## Example
    ```python file=app.py
    from flask import Flask, jsonify

    from db import get_invoice

    app = Flask(__name__)


    @app.route("/invoices/<int:invoice_id>")
    def show_invoice(invoice_id):
        return jsonify(get_invoice(invoice_id))
    ```

    ## Use instead
    ```python file=app.py
    from flask import Flask, abort, jsonify
    from flask_login import current_user, login_required

    from db import get_invoice

    app = Flask(__name__)


    @app.route("/invoices/<int:invoice_id>")
    @login_required
    def show_invoice(invoice_id):
        invoice = get_invoice(invoice_id)
        if invoice.owner_id != current_user.id:
            abort(404)
        return jsonify(invoice)
    ```

    ## References
    - [OWASP: Insecure Direct Object Reference Prevention](https://cheatsheetseries.owasp.org/cheatsheets/Insecure_Direct_Object_Reference_Prevention_Cheat_Sheet.html)
    - [CWE-639: Authorization Bypass Through User-Controlled Key](https://cwe.mitre.org/data/definitions/639.html)
    """

    code = "CFG304"
    slug = "object-access-without-owner-check"
    summary = "Object fetched by a request id with no check of its owner (IDOR)"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (639,)
    fix_hint = "scope the query to the current user, or compare the object's owner with the current user"
    tags = ("auth",)

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_idor(model)


def check_idor(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for context in model.routes:
        route = context.route
        candidate = route.idor
        if candidate is None or is_destructive(route) or context.authz:
            continue
        if candidate.private_noun or context.authn:
            verdict.problem(
                candidate.site,
                f"`{route.name}` fetches an object by `{candidate.parameter}` from the request and never compares "
                "its owner with the current user",
            )
    return verdict
