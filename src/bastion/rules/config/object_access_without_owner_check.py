"""CFG304: object fetched by a request id with no owner check (IDOR)."""

from __future__ import annotations

from bastion.concepts.route_security import is_destructive
from bastion.concepts.sites import last_name
from bastion.concepts.webapp import ProjectModel
from bastion.core import patterns
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule


class ObjectAccessWithoutOwnerCheck(WebAppRule):
    """## What it does
    Finds handlers that fetch an object by an id taken from the request (a path parameter such as `user_id`, or
    `request.args["id"]`) and never look at the current user (`current_user`, `request.user`, `g.user`, `self.user`
    in a class-based view, a user dependency, `get_jwt_identity()`...), neither in the query nor in a comparison.
    A FastAPI dependency counts as the current user when it authenticates, by its name or by what the project's
    function does (`account = Depends(check_account_exists)` refusing with 401): `get_wallet(wallet_id,
    account.id)` and `if wallet.user != account.id: raise HTTPException(404)` are owner checks, and a parameter a
    dependency fills (`account_id = Depends(...)`) is not an id from the request.
    Reported when the fetched model is one of the project's ORM models whose rows belong to users:
    - it has an owner field (`user_id`, `owner`, `author`, `created_by`, `recipient_id`... as a column, foreign key
      or relationship), or a set of users (`members = models.ManyToManyField(User)`);
    - or a Django foreign key leads to such a model (a `Task` with `project = models.ForeignKey(Project)` belongs to
      the project's members; a `File` of a task of a project too, up to three hops);
    - or it is the user model itself (`User.objects.get(pk=user_id)`) and the handler then changes it (assigns a
      field, `.save()`, `.set_password()`, `.delete()`, a form's `instance=`, `setattr(...)`): one user rewriting
      another's account. A project helper that looks a user up (`get_user_by_username(db, profile.username)`, the
      key a field of the request body) counts as such a fetch, and so does a lookup by a request parameter that
      names an account (`filter_by(username=username)` on `/users/<username>/password`): such keys make a finding
      only when the row is then changed (a login looks its user up the same way), and only changes made before
      the name is bound to another row count.

    On a route with no authentication at all, also when the id, the path or the fetch names private data (user,
    account, order, invoice, message, document...). Storing the current user in a new row (`Note(author=
    request.user, task=task)`, `task.members = [request.user]`) records who acted; it is not a check of the row
    fetched by id. Left out: routes with a role or permission check, fetches that filter on a visibility flag
    (`hidden=False`, `published=True`: a public listing), share and invitation links found by their secret
    (`ShareLink.objects.filter(uuid=token)`, a `<token>` path parameter), destructive routes with no
    authentication (CFG303's), a user account that is only read (a public profile), and relations that are
    references rather than ownership (`last_editor = ForeignKey(User)`; SQLAlchemy's `relationship`, which does
    not say which side owns which). An
    object fetched through a helper whose model bastion cannot see (a repository, a service function) is not
    reported on an authenticated route: such helpers usually scope the query themselves.

    ## Why is this bad?
    Insecure direct object reference: changing `/orders/1041` to `/orders/1042` shows another customer's order.
    Authentication alone does not prevent it; the query must be scoped to what the user may see.

    ## Example
    ```python file=app.py
    from flask import Flask, jsonify
    from flask_login import login_required
    from flask_sqlalchemy import SQLAlchemy

    app = Flask(__name__)
    db = SQLAlchemy(app)


    class Invoice(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        owner_id = db.Column(db.ForeignKey("user.id"))


    @app.route("/invoices/<int:invoice_id>")
    @login_required
    def show_invoice(invoice_id):
        return jsonify(Invoice.query.get_or_404(invoice_id).id)
    ```

    ## Use instead
    ```python file=app.py
    from flask import Flask, jsonify
    from flask_login import current_user, login_required
    from flask_sqlalchemy import SQLAlchemy

    app = Flask(__name__)
    db = SQLAlchemy(app)


    class Invoice(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        owner_id = db.Column(db.ForeignKey("user.id"))


    @app.route("/invoices/<int:invoice_id>")
    @login_required
    def show_invoice(invoice_id):
        invoice = Invoice.query.filter_by(id=invoice_id, owner_id=current_user.id).first_or_404()
        return jsonify(invoice.id)
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


# The framework's user model (`django.contrib.auth.models.User`, a project's `User`, `get_user_model()`).
_USER_MODEL = patterns.compile(r"(^|\.)(User|get_user_model)$")
# A project helper that looks a user up (`get_user_by_username`, `find_user`, `load_account`).
_USER_LOOKUP = patterns.compile(r"(^|_)(user|account)(_|$)", ignore_case=True)


# Keys that are secrets themselves (`/share/<token>`, `ShareLink.objects.filter(uuid=token)`), and models whose
# rows exist to be handed out by link (`ShareLink`, `Invitation`): capability URLs, not object references.
_CAPABILITY_KEY = patterns.compile(r"(^|_)(token|secret|share|invite|invitation)(_|$)", ignore_case=True)
_CAPABILITY_MODEL = patterns.compile(r"Share|Invit")


def check_idor(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for context in model.routes:
        route = context.route
        candidate = route.idor
        if candidate is None or context.authz or (is_destructive(route) and not context.authn):
            continue
        if any(model.dependencies.classify(name)[0] for name in candidate.read_dependencies):
            continue  # the handler reads the account its dependency authenticated (`get_wallet(id, account.id)`)
        if _CAPABILITY_KEY.search(candidate.parameter) or _CAPABILITY_MODEL.search(last_name(candidate.model or "")):
            continue  # a share or invitation link, found by its secret: whoever holds the link may use it
        owner_fields = model.classes.owner_fields(candidate.model) if candidate.model else ()
        if owner_fields:
            fetched = f"a `{last_name(candidate.model or '')}` (owned through `{owner_fields[0]}`)"
            outcome = "never compares its owner with the current user"
        elif candidate.changes and (
            (candidate.model and _USER_MODEL.search(candidate.model))
            or (candidate.model is None and _USER_LOOKUP.search(candidate.callee))
        ):
            fetched, outcome = "a user account", "changes it, and never compares it with the current user"
        else:
            fetched = outcome = ""
        if fetched:
            verdict.problem(
                candidate.site,
                f"`{route.name}` fetches {fetched} by `{candidate.parameter}` from the request and {outcome}",
                severity=Severity.MEDIUM if context.authn else Severity.HIGH,
                confidence=Confidence.MEDIUM,
            )
        elif candidate.private_noun and not context.authn and candidate.model is None:
            verdict.problem(
                candidate.site,
                f"`{route.name}` fetches an object by `{candidate.parameter}` from the request with no authentication "
                "and no owner check",
                severity=Severity.MEDIUM,
                confidence=Confidence.LOW,
            )
    return verdict
