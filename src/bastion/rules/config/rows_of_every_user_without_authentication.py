"""CFG311: every user's rows served by a route with no authentication."""

from __future__ import annotations

from bastion.concepts.sites import last_name
from bastion.concepts.webapp import ProjectModel
from bastion.core import patterns
from bastion.core.severity import Confidence, Severity
from bastion.rules.config.web_rule import Verdict, WebAppRule, authenticated_by_default


class RowsOfEveryUserWithoutAuthentication(WebAppRule):
    """## What it does
    Finds route handlers that read every row of a model whose rows belong to users (`Order.query.all()`,
    `db.query(Order).order_by(...).limit(n).all()`, `Tracker.objects.all()`, `Tracker.objects.raw(sql)`), with no
    condition on the current user, on a route with no authentication at all: no login decorator, dependency,
    mixin, permission class, hook or check in the body. A Django REST framework view counts as authenticated when
    `REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]` names anything but `AllowAny` (REST framework's default is
    `AllowAny`), and a Django view when a login middleware is installed (`LoginRequiredMiddleware`).
    A model belongs to users when it has a field that says whose the row is (`user`, `user_id`, `owner`,
    `customer`, `patient`, `account`...), as a column, foreign key or relation; authorship (`author`,
    `created_by`) is left out, since published content is usually public. Queries narrowed by `filter`,
    `where` or `get` are `CFG304`'s concern. Handlers that render a template are left out: a page of the site's
    own (a notice board, a news feed) lists what its design means everyone to see; the data dumps this rule is
    about are API answers (JSON, a serializer's data).

    ## Why is this bad?
    Anyone on the internet reads every customer's orders, addresses or health records by calling the URL; an
    endpoint "not meant for the public" (left out of the API schema, named for a partner) is found and called all
    the same.

    ## Example
    ```python file=app.py
    from fastapi import Depends, FastAPI
    from sqlalchemy import Column, ForeignKey, Integer, String
    from sqlalchemy.orm import Session, declarative_base

    app = FastAPI()
    Base = declarative_base()


    class Order(Base):
        __tablename__ = "orders"
        id = Column(Integer, primary_key=True)
        user_id = Column(Integer, ForeignKey("users.id"))
        address = Column(String)


    def get_db() -> Session:
        return Session()


    @app.get("/delivery/orders", include_in_schema=False)
    def delivery_orders(db: Session = Depends(get_db)):
        return db.query(Order).limit(100).all()
    ```

    ## Use instead
    ```python file=app.py
    from fastapi import Depends, FastAPI
    from sqlalchemy import Column, ForeignKey, Integer, String
    from sqlalchemy.orm import Session, declarative_base

    from app.security import get_current_partner

    app = FastAPI()
    Base = declarative_base()


    class Order(Base):
        __tablename__ = "orders"
        id = Column(Integer, primary_key=True)
        user_id = Column(Integer, ForeignKey("users.id"))
        address = Column(String)


    def get_db() -> Session:
        return Session()


    @app.get("/delivery/orders", dependencies=[Depends(get_current_partner)])
    def delivery_orders(db: Session = Depends(get_db)):
        return db.query(Order).limit(100).all()
    ```

    ## References
    - [OWASP API Security Top 10 2023, API2: Broken Authentication](https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/)
    - [CWE-306: Missing Authentication for Critical Function](https://cwe.mitre.org/data/definitions/306.html)
    - [CWE-862: Missing Authorization](https://cwe.mitre.org/data/definitions/862.html)
    - [CWE-200: Exposure of Sensitive Information to an Unauthorized Actor](https://cwe.mitre.org/data/definitions/200.html)
    """

    code = "CFG311"
    slug = "rows-of-every-user-without-authentication"
    summary = "Every user's rows served by a route with no authentication"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (306, 862, 200)
    fix_hint = "require authentication (and the right role) on the route, or scope the query to the caller"
    tags = ("auth",)

    def verdict(self, model: ProjectModel) -> Verdict:
        return check_rows_of_every_user(model)


# Fields that say whose a row is (not who wrote it: published content carries an author and is public).
_PRIVATE_OWNER = patterns.compile(
    r"^(user|user_id|owner|owner_id|account|account_id|customer|customer_id|patient|patient_id|recipient"
    r"|recipient_id|members)$"
)


def check_rows_of_every_user(model: ProjectModel) -> Verdict:
    verdict = Verdict()
    for context in model.routes:
        route = context.route
        listing = route.listing
        if listing is None or context.authn or context.authz or authenticated_by_default(context):
            continue
        owner = next((field for field in model.classes.owner_fields(listing.model) if _owned(field)), None)
        if owner is None:
            continue
        verdict.problem(
            route.site,
            f"`{route.name}` serves every `{last_name(listing.model)}` row (each owned through `{owner}`) with no "
            f"authentication (query at line {listing.site.line})",
        )
    return verdict


def _owned(field: str) -> bool:
    """`user_id`, or `project.owner` through a relation: the last field says whose the row is."""
    return bool(_PRIVATE_OWNER.match(field.rsplit(".", 1)[-1]))
