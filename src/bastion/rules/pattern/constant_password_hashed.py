"""PAT408: a password hash computed from a constant: an account whose password is written in the code."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.concepts.webcollect import PASSWORD_HASHERS
from bastion.core.finding import Finding
from bastion.core.secret_identity import redact
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._naming import words
from bastion.secrets.redaction import redact_spans
from bastion.semantic.calls import argument

# Where each hasher takes the password: (position, keyword).
_PASSWORD_ARGUMENT = {"hashlib.pbkdf2_hmac": (1, "password")}
_DEFAULT_ARGUMENT = (0, "password")
# Methods of a user object that hash what they are given: Django's `User.set_password`, and the same name on the
# models of Flask apps.
_SETTERS = frozenset({"set_password"})
# A hash of a throw-away value is how login code spends the same time for unknown users (`DUMMY_HASH`): no account.
_DECOY_WORDS = frozenset({"dummy", "decoy", "fake", "timing", "unusable", "placeholder", "random"})


class ConstantPasswordHashed(AstRule):
    """## What it does
    Finds password hashes computed from a constant: `bcrypt.hashpw(b"admin", bcrypt.gensalt())`,
    `generate_password_hash("changeme")`, Django's `make_password("admin")`, argon2/passlib/Flask-Bcrypt's `hash`,
    `hashlib.pbkdf2_hmac("sha256", b"secret", salt, n)`, and `user.set_password("admin")`, with the literal written
    there or bound once to a name. Seed scripts and start-up code that create default accounts this way are the
    usual place. Test code is not reported, nor an empty password, nor a hash kept as a decoy for unknown users
    (assigned to, or computed in, a name with `dummy`, `decoy`, `fake`, `timing`).

    ## Why is this bad?
    The account exists on every installation with a password anyone who reads the code (or the project's README)
    knows (CWE-798, CWE-1392): hashing it changes nothing, since the attacker types the password, not the hash.
    Default `admin`/`admin` accounts are among the first things scanners try.

    ## Example
    ```python
    import bcrypt

    from models import Session, User


    def setup_db():
        with Session() as session:
            if session.query(User).count() == 0:
                session.add(User("admin@example.com", bcrypt.hashpw(b"admin", bcrypt.gensalt()).decode(), True))
                session.commit()
    ```

    ## Use instead
    ```python
    import os

    import bcrypt

    from models import Session, User


    def setup_db():
        with Session() as session:
            if session.query(User).count() == 0:
                password = os.environ["ADMIN_INITIAL_PASSWORD"].encode()
                session.add(User("admin@example.com", bcrypt.hashpw(password, bcrypt.gensalt()).decode(), True))
                session.commit()
    ```
    Or create the first administrator with a command the operator runs (`flask create-admin`, Django's
    `createsuperuser`), which asks for the password, or force a change at first login.

    ## References
    - [CWE-1392: Use of Default Credentials](https://cwe.mitre.org/data/definitions/1392.html)
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    - [OWASP: Testing for Default Credentials](https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/04-Authentication_Testing/02-Testing_for_Default_Credentials)
    """

    code = "PAT408"
    slug = "constant-password-hashed"
    summary = "Password hash computed from a constant (a default account's password in the code)"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (798, 1392, 259)
    fix_hint = "take the initial password from the operator (environment, prompt) or force a change at first login"
    bandit = ()
    ruff = ()
    node_types = (ast.Call,)

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        password = _password_argument(node, ctx.call_name)
        if password is None:
            return
        value = ctx.constant(password)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if not isinstance(value, str) or not value.strip() or _decoy(ctx):
            return
        if is_test_path(ctx.path):
            return
        yield ctx.finding(
            self,
            password,
            f"the password `{redact(value)}` is written in the code and hashed: every installation has this "
            "account with a password anyone who reads the code knows",
            snippet=_redacted_line(password, ctx),
        )


def _password_argument(node: ast.Call, name: str | None) -> ast.expr | None:
    if name in PASSWORD_HASHERS:
        position, keyword = _PASSWORD_ARGUMENT.get(name, _DEFAULT_ARGUMENT)
        return argument(node, position, keyword)
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in _SETTERS and len(node.args) + len(node.keywords) == 1:
        return argument(node, 0, "raw_password")
    return None


def _redacted_line(password: ast.expr, ctx: ModuleContext) -> str | None:
    """The line with the literal the password is written as redacted (a name passed in its place shows nothing)."""
    location = ctx.location(password)
    line = ctx.module.document.line(location.line)
    if not isinstance(password, ast.Constant) or location.end_line != location.line or location.end_column is None:
        return None
    start, end = location.column - 1, location.end_column - 1
    while start < end and line[start] not in "'\"":  # the prefix of b"..." / r"..."
        start += 1
    return redact_spans(line, [(start + 1, end - 1)]).rstrip()[:400]


def _decoy(ctx: ModuleContext) -> bool:
    """The hash is a decoy: computed in a function, or assigned to a name, that says so."""
    names = [ctx.scope.function_name or ""]
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, (ast.Assign, ast.AnnAssign)):
            targets = ancestor.targets if isinstance(ancestor, ast.Assign) else [ancestor.target]
            names.extend(ast.unparse(target) for target in targets)
            break
        if isinstance(ancestor, ast.stmt):
            break
    return any(word in _DECOY_WORDS for name in names for word in words(name))
