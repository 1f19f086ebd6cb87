"""PAT608: every field of a request body copied onto an object by a `setattr` loop (mass assignment)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.concepts.routes import find_route_handlers
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext

_REQUEST_NAMES = frozenset({"request", "req", "self.request"})
# The body as a mapping of every field the client sent.
_BODY_ATTRIBUTES = frozenset({"json", "form", "POST", "data", "values", "GET", "args", "query_params"})
_BODY_METHODS = frozenset({"get_json", "json", "post", "form"})
_MODEL_DUMPS = frozenset({"dict", "model_dump", "__dict__"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class MassAssignmentLoop(AstRule):
    """## What it does
    Finds loops that copy every key of a request body onto an object with `setattr`, with no check of the key:
    `for key, value in request.get_json().items(): setattr(user, key, value)` (also `request.form`,
    `request.POST`, `await request.json()`, through a local variable), and the same over `.dict()`/`.model_dump()`
    of a handler's pydantic body whose model accepts extra fields (`extra=Extra.allow`, `extra="allow"`,
    `ConfigDict(extra="allow")`, defined in the same module). A loop that tests the key (`if key in ALLOWED`) is
    not reported, nor is a model that drops undeclared fields (pydantic's default).

    ## Why is this bad?
    The client chooses the keys. Whatever the form shows, a request can add `role=admin`, `is_superuser=true`,
    `balance=...` or `password_hash=...`, and the loop writes it onto the database row (CWE-915, mass
    assignment): a plain user makes themself an administrator.

    ## Example
    ```python
    from flask import Flask, request

    from shop.models import db, current_account

    app = Flask(__name__)


    @app.patch("/profile")
    def update_profile():
        account = current_account()
        for key, value in request.get_json().items():
            setattr(account, key, value)
        db.session.commit()
        return {"ok": True}
    ```

    ## Use instead
    ```python
    from flask import Flask, request

    from shop.models import db, current_account

    app = Flask(__name__)
    EDITABLE = {"display_name", "phone", "language"}


    @app.patch("/profile")
    def update_profile():
        account = current_account()
        for key, value in request.get_json().items():
            if key in EDITABLE:
                setattr(account, key, value)
        db.session.commit()
        return {"ok": True}
    ```

    ## References
    - [OWASP: Mass Assignment Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html)
    - [pydantic: extra fields](https://docs.pydantic.dev/latest/concepts/models/#extra-fields)
    - [CWE-915: Improperly Controlled Modification of Dynamically-Determined Object Attributes](https://cwe.mitre.org/data/definitions/915.html)
    """

    code = "PAT608"
    slug = "mass-assignment-loop"
    summary = "Every field of a request body copied onto an object by a setattr loop"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (915, 269)
    fix_hint = "copy only an allowlist of editable fields (or use a schema that rejects unknown ones)"
    bandit = ()
    ruff = ()
    node_types = (ast.For, ast.AsyncFor)

    def check(self, node: ast.For | ast.AsyncFor, ctx: ModuleContext) -> Iterator[Finding]:
        if is_test_path(ctx.path):
            return
        key = _loop_key(node)
        if key is None:
            return
        assignment = _unfiltered_setattr(node, key)
        if assignment is None:
            return
        source = _request_body(_mapping(node.iter), ctx, node)
        if source is not None:
            yield ctx.finding(
                self,
                assignment,
                f"every key of {source} is written onto `{ast.unparse(assignment.args[0])}`: the client chooses "
                "which attributes it sets",
            )


def _loop_key(node: ast.For | ast.AsyncFor) -> str | None:
    """The loop variable holding the key: `for key, value in x.items()` or `for key in x`."""
    target = node.target
    if isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[0], ast.Name):
        return target.elts[0].id
    if isinstance(target, ast.Name):
        return target.id
    return None


def _mapping(iterated: ast.expr) -> ast.expr:
    """What a loop walks the keys of: `x` in `x.items()`, `x.keys()`, `x`."""
    if (
        isinstance(iterated, ast.Call)
        and isinstance(iterated.func, ast.Attribute)
        and iterated.func.attr in ("items", "keys")
        and not iterated.args
    ):
        return iterated.func.value
    return iterated


def _unfiltered_setattr(node: ast.For | ast.AsyncFor, key: str) -> ast.Call | None:
    """The `setattr(obj, key, ...)` in the loop's body, when no condition of the body tests the key."""
    found: ast.Call | None = None
    stack: list[ast.AST] = list(node.body)
    while stack:
        item = stack.pop()
        if isinstance(item, _FUNCTIONS):
            continue
        if isinstance(item, (ast.If, ast.IfExp, ast.While, ast.Assert)) and _names(item.test, key):
            return None
        if isinstance(item, ast.comprehension) and any(_names(test, key) for test in item.ifs):
            return None
        if (
            isinstance(item, ast.Call)
            and isinstance(item.func, ast.Name)
            and item.func.id == "setattr"
            and len(item.args) == 3
            and isinstance(item.args[1], ast.Name)
            and item.args[1].id == key
        ):
            found = item
        stack.extend(ast.iter_child_nodes(item))
    return found


def _names(test: ast.expr, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(test))


def _request_body(expr: ast.expr, ctx: ModuleContext, loop: ast.AST, hops: int = 2) -> str | None:
    """How the loop's mapping is the request body (for the message), or None."""
    if isinstance(expr, ast.Await):
        expr = expr.value
    if isinstance(expr, ast.Name) and hops:
        for binding in ctx.index.lookup(expr.id, ctx.scope):
            if binding.value is not None and binding.value is not expr:
                found = _request_body(binding.value, ctx, loop, hops - 1)
                if found is not None:
                    return found
        return None
    if isinstance(expr, ast.Attribute) and expr.attr in _BODY_ATTRIBUTES and _is_request(expr.value, ctx):
        return f"`{ast.unparse(expr)}`"
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        owner, method = expr.func.value, expr.func.attr
        if method in _BODY_METHODS and _is_request(owner, ctx):
            return f"`{ast.unparse(expr)}`"
        if method in _MODEL_DUMPS and isinstance(owner, ast.Name):
            return _extra_allowing_parameter(owner.id, ast.unparse(expr), ctx)
    if isinstance(expr, ast.Attribute) and expr.attr == "__dict__" and isinstance(expr.value, ast.Name):
        return _extra_allowing_parameter(expr.value.id, ast.unparse(expr), ctx)
    return None


def _is_request(expr: ast.expr, ctx: ModuleContext) -> bool:
    qualified = ctx.qualified_name(expr) or ""
    return qualified in ("flask.request", "quart.request", "bottle.request") or ast.unparse(expr) in _REQUEST_NAMES


def _extra_allowing_parameter(name: str, shown: str | None, ctx: ModuleContext) -> str | None:
    """`shown` when `name` is a parameter of the enclosing route handler annotated with a pydantic model of this
    module that keeps undeclared fields."""
    function = next(
        (a for a in reversed(ctx.ancestors) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))), None
    )
    if function is None or shown is None:
        return None
    argument = next((a for a in (*function.args.args, *function.args.kwonlyargs) if a.arg == name), None)
    if argument is None or not isinstance(argument.annotation, ast.Name):
        return None
    model = next(
        (n for n in ctx.module.nodes_of(ast.ClassDef) if n.name == argument.annotation.id and _allows_extra(n, ctx)),
        None,
    )
    if model is None:
        return None
    try:
        handlers = find_route_handlers(ctx.module)
    except RecursionError:
        return None
    if not any(handler.function is function for handler in handlers):
        return None
    return f"`{shown}` (model `{model.name}` keeps undeclared fields)"


def _allows_extra(model: ast.ClassDef, ctx: ModuleContext) -> bool:
    """`class M(BaseModel, extra=Extra.allow)`, `model_config = ConfigDict(extra="allow")`, `class Config: extra =
    "allow"`."""

    def allow(value: ast.expr | None) -> bool:
        if value is None:
            return False
        constant = ctx.constant(value)
        return constant == "allow" or (isinstance(value, ast.Attribute) and value.attr == "allow")

    if any(k.arg == "extra" and allow(k.value) for k in model.keywords):
        return True
    for statement in model.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
            extra = [k.value for k in statement.value.keywords if k.arg == "extra"]
        elif isinstance(statement, ast.ClassDef) and statement.name == "Config":
            extra = [
                inner.value
                for inner in statement.body
                if isinstance(inner, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "extra" for t in inner.targets)
            ]
        else:
            continue
        if any(allow(value) for value in extra):
            return True
    return False
