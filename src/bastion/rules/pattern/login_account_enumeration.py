"""PAT410: a login that tells an unknown account apart from a wrong password (account enumeration)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._naming import is_password_name

# Calls that check a password: Django's `authenticate`/`check_password`, Werkzeug's `check_password_hash`,
# bcrypt's `checkpw`, passlib/argon2's `verify`, the usual project helper names.
_PASSWORD_CHECKS = frozenset(
    {"authenticate", "check_password", "check_password_hash", "checkpw", "verify_password", "check_pw", "verify"}
)
# What a login says when the account does not exist: "Username does not exist", "User not found",
# "No account with that e-mail", a context flag `invalid_username`. A message that names the password too ("invalid
# username or password") says nothing about which one was wrong.
_UNKNOWN_ACCOUNT = patterns.compile(
    r"(?i)\b(?:user|username|user name|account|e-?mail|login)[ _-]?(?:does ?n[o']t exist|not exists?|not found"
    r"|is not registered|not registered|unknown)"
    r"|(?:^|[ _-])(?:invalid|unknown|no such|non-?existent|wrong|incorrect|bad)[ _-](?:user|username|user name"
    r"|account|e-?mail)(?:$|[_.!:-]|\s*$)"
    r"|\bno (?:user|account) (?:with|for|by|found|exists)"
)
_NAMES_BOTH = patterns.compile(r"(?i)pass(?:word|wd|phrase)?\b|\b(?:or|and)\b")
# A function that logs users in or hands out their tokens: `login`, `login_user`, `signin`, `authenticate_user`,
# `login_for_access_token`, `obtain_token`.
_LOGIN_NAME = patterns.compile(r"(?i)log_?in|sign_?in|authenticate|obtain_?(?:auth_?)?token|access_token")
_LOG_CALLS = frozenset({"log", "debug", "info", "warning", "warn", "error", "exception", "critical", "print"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


class LoginAccountEnumeration(AstRule):
    """## What it does
    Finds login functions (named for it: `login`, `login_user`, `signin`, `authenticate_user`,
    `login_for_access_token`; and checking a password: `authenticate`, `check_password`, `check_password_hash`,
    `bcrypt.checkpw`, `verify_password`, or the submitted password compared with a stored one) that answer with a
    message or a flag saying the *account* is unknown — "Username does not exist", "User not found", "No account
    with that e-mail", a template flag `invalid_username` — so that the answer differs from the one for a wrong
    password (a `return`, a `raise` or a call such as `flash(...)`; log lines are not answers). A message that
    names both ("Invalid username or password") is not reported. Test code is not reported.

    ## Why is this bad?
    Whoever tries names learns which accounts exist (CWE-204), then spends their password guesses, phishing or
    credential-stuffing lists on those accounts only. The login should answer the same way, in the same time, for
    an unknown account and a wrong password.

    ## Example
    ```python
    from flask import request
    from werkzeug.security import check_password_hash

    from models import User


    def login():
        data = request.get_json()
        user = User.query.filter_by(username=data["username"]).first()
        if user is None:
            return {"message": "Username does not exist"}, 401
        if not check_password_hash(user.password_hash, data["password"]):
            return {"message": "Password is not correct"}, 401
        return {"token": user.new_token()}
    ```

    ## Use instead
    ```python
    from flask import request
    from werkzeug.security import check_password_hash

    from models import User


    def login():
        data = request.get_json()
        user = User.query.filter_by(username=data["username"]).first()
        if user is None or not check_password_hash(user.password_hash, data["password"]):
            return {"message": "Invalid username or password"}, 401
        return {"token": user.new_token()}
    ```

    ## References
    - [OWASP: Authentication Cheat Sheet, authentication responses](https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-and-error-messages)
    - [CWE-204: Observable Response Discrepancy](https://cwe.mitre.org/data/definitions/204.html)
    """

    code = "PAT410"
    slug = "login-account-enumeration"
    summary = "Login answers differently for an unknown account and a wrong password"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (204, 203)
    fix_hint = "answer an unknown account and a wrong password with the same message (and the same time)"
    bandit = ()
    ruff = ()
    node_types = (ast.FunctionDef, ast.AsyncFunctionDef)

    def check(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: ModuleContext) -> Iterator[Finding]:
        if not _LOGIN_NAME.search(node.name):
            return
        own = _own_nodes(node)
        if not any(_checks_password(item) for item in own):
            return
        for item in own:
            if not (isinstance(item, ast.Constant) and isinstance(item.value, str)):
                continue
            text = item.value
            if len(text) > 200 or not _UNKNOWN_ACCOUNT.search(text):
                continue
            answer = _statement_of(item, own)
            if answer is None or _names_the_password(answer):
                continue
            if is_test_path(ctx.path):
                return
            yield ctx.finding(
                self,
                answer,
                f"`{node.name}` checks a password and answers `{text}` for an account it does not know: whoever "
                "tries names learns which accounts exist",
            )
            return


def _own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        item = stack.pop()
        found.append(item)
        if not isinstance(item, _FUNCTIONS):
            stack.extend(ast.iter_child_nodes(item))
    found.sort(key=lambda item: (getattr(item, "lineno", 0), getattr(item, "col_offset", 0)))
    return found


def _statement_of(constant: ast.Constant, own: list[ast.AST]) -> ast.stmt | None:
    """The statement that answers the client with `constant`: a `return`, a `raise`, a call such as
    `flash(...)`/`abort(...)` (not a log line); None when the constant is in none of these."""
    holders = [
        item
        for item in own
        if isinstance(item, ast.stmt)
        and not hasattr(item, "body")
        and item.lineno <= constant.lineno <= (item.end_lineno or item.lineno)
    ]
    statement = max(holders, key=lambda item: item.lineno, default=None)
    if isinstance(statement, (ast.Return, ast.Raise)):
        return statement
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        func = statement.value.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        return None if name.lower() in _LOG_CALLS else statement
    return None


def _names_the_password(statement: ast.stmt) -> bool:
    """The answer speaks of the password too ("Invalid username or password", one error per field)."""
    return any(
        isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(_NAMES_BOTH.search(node.value))
        for node in ast.walk(statement)
    )


def _checks_password(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        return name in _PASSWORD_CHECKS and bool(node.args or node.keywords)
    if isinstance(node, ast.Compare) and len(node.comparators) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
        # The submitted password against a stored one (`data["password"] != user.password`), not two fields of the
        # same form (`data.password != data.password_repeat`).
        left, right = node.left, node.comparators[0]
        if isinstance(left, ast.Attribute) and isinstance(right, ast.Attribute):
            return (
                ast.dump(left.value) != ast.dump(right.value) and _password_operand(left) and _password_operand(right)
            )
        return _password_operand(left) and _password_operand(right)
    return False


def _password_operand(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return is_password_name(node.id)
    if isinstance(node, ast.Attribute):
        return is_password_name(node.attr)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        return any(isinstance(arg, ast.Constant) and is_password_name(str(arg.value)) for arg in node.args)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return is_password_name(str(node.slice.value))
    return False
