"""PAT407: a database query that looks a user up by the password itself: passwords stored in plain text."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.index import BindingKind

# Query methods of SQLAlchemy (`filter_by`, `filter`), Flask-SQLAlchemy and the Django ORM (`get`, `filter`,
# `exclude`) and Peewee/Tortoise (`get`, `get_or_none`, `filter`).
_QUERY_METHODS = frozenset({"filter_by", "filter", "get", "exclude", "get_or_none", "first_or_404"})
# Column names that hold a password, not its hash (`password_hash`, `hashed_password` do not match).
_PASSWORD_COLUMNS = frozenset({"password", "passwd", "pwd", "user_password", "pass_word"})
_LOOKUPS = ("", "__exact", "__iexact")
# Receivers whose `.get`/`.filter` are not database queries.
_NOT_QUERIES = frozenset({"request", "session", "os", "environ", "kwargs", "data", "form", "args", "json", "self"})


class PlaintextPasswordLookup(AstRule):
    """## What it does
    Finds database queries that select a user by their password: `User.query.filter_by(username=u,
    password=p)`, `session.query(User).filter(User.password == p)`, Django's `User.objects.get(password=p)` (and
    `password__exact`), where the value compared is not built by a call (a hash function's result is left to the
    password hashing rules). The column must be named `password`, `passwd`, `pwd`, `user_password` or
    `pass_word`; `password_hash` and `hashed_password` are not reported.

    ## Why is this bad?
    A query can find a row by its password only if the table holds the password as the user typed it (or an
    unsalted digest the code computed the same way). Whoever reads the table, a backup or an SQL injection's
    output, has every account, and the same passwords on the users' other sites.

    ## Example
    ```python
    from models import User


    def login(username, password):
        return User.query.filter_by(username=username, password=password).first()
    ```

    ## Use instead
    ```python
    from werkzeug.security import check_password_hash

    from models import User


    def login(username, password):
        user = User.query.filter_by(username=username).first()
        if user is not None and check_password_hash(user.password_hash, password):
            return user
        return None
    ```
    Store a slow salted hash (`werkzeug.security.generate_password_hash`, argon2-cffi, passlib, Django's
    `make_password`) and compare with the library's check function after loading the user by name.

    ## References
    - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    - [CWE-256: Plaintext Storage of a Password](https://cwe.mitre.org/data/definitions/256.html)
    - [CWE-312: Cleartext Storage of Sensitive Information](https://cwe.mitre.org/data/definitions/312.html)
    """

    code = "PAT407"
    slug = "plaintext-password-lookup"
    summary = "User looked up by password in a database query (passwords stored in plain text)"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (256, 312)
    fix_hint = "store a salted slow hash; load the user by name and compare with the hashing library's check function"
    tags = ("passwords",)
    node_types = (ast.Call,)

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in _QUERY_METHODS:
            return
        if _receiver_name(func.value) in _NOT_QUERIES:
            return
        for keyword in node.keywords:
            if keyword.arg is not None and _password_lookup(keyword.arg) and _plain(keyword.value, ctx):
                yield self._report(node, ctx, keyword.arg)
                return
        for argument in node.args:
            column = _compared_column(argument, ctx)
            if column is not None:
                yield self._report(node, ctx, column)
                return

    def _report(self, node: ast.Call, ctx: ModuleContext, column: str) -> Finding:
        return ctx.finding(
            self,
            node,
            f"the query finds the user by `{column}` itself: the password is stored as typed (or as a digest "
            "anyone can recompute), not as a salted slow hash",
        )


def _receiver_name(expr: ast.expr) -> str:
    """The last name of the object a method is called on (`request.args.get` -> `args`)."""
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Name):
        return expr.id
    return ""


def _password_lookup(name: str) -> bool:
    return any(name == column + lookup for column in _PASSWORD_COLUMNS for lookup in _LOOKUPS)


def _compared_column(expr: ast.expr, ctx: ModuleContext) -> str | None:
    """`Model.password == value` in a `filter(...)`: the column's name when the value is plain."""
    if not (isinstance(expr, ast.Compare) and len(expr.ops) == 1 and isinstance(expr.ops[0], ast.Eq)):
        return None
    for column, value in ((expr.left, expr.comparators[0]), (expr.comparators[0], expr.left)):
        if (
            isinstance(column, ast.Attribute)
            and column.attr in _PASSWORD_COLUMNS
            and isinstance(column.value, ast.Name)
            and column.value.id[:1].isupper()  # a model class: `User.password`, not `form.password`
            and _plain(value, ctx)
        ):
            return column.attr
    return None


def _plain(expr: ast.expr, ctx: ModuleContext) -> bool:
    """A value not computed by a call here or in the local assignment it comes from (a hash result is PAT402's),
    and not a constant."""
    if isinstance(expr, (ast.Constant, ast.Call)):
        return False  # a constant is a marker (`password=""`, unusable passwords), not someone's password
    if isinstance(expr, ast.Name):
        for binding in ctx.index.lookup(expr.id, ctx.scope):
            # `password = request.form.get("password")` is plain; `digest = sha256(...).hexdigest()` is not.
            value = binding.value
            if binding.kind is BindingKind.ASSIGNMENT and isinstance(value, ast.Call) and not _is_plain_read(value):
                return False
        return True
    return isinstance(expr, (ast.Attribute, ast.Subscript))


def _is_plain_read(call: ast.Call) -> bool:
    """`request.form.get("password")`, `data.get("password", "")`: reading a value, not computing one."""
    return isinstance(call.func, ast.Attribute) and call.func.attr in ("get", "getlist", "pop")
