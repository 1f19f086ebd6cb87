"""Account lockout written by the project: a count of failed logins compared with a maximum
(`if user.login_attempts >= settings.MAX_LOGIN_ATTEMPTS: lock`), wherever it lives (a credentials provider, a
service, a model method). It limits password guessing per account the way a rate limit does per client."""

from __future__ import annotations

import ast

from bastion.concepts.sites import site_of
from bastion.concepts.webfacts import Site
from bastion.core import patterns
from bastion.semantic.module import PythonModule

# Cheap test of a module's text before its tree is walked.
MAY_LOCK_OUT = patterns.compile(r"(?i)attemp|fail|tries")
# Parts of the names on either side of the comparison (lower-cased, so `loginAttempts` and `LOGIN_ATTEMPTS` match).
_COUNTER_PARTS = ("attemp", "fail", "tries")
_LOGIN_PARTS = ("login", "logon", "signin", "password", "auth", "lockout")
_LIMIT_PARTS = ("max", "limit")


def _names(expr: ast.expr) -> str:
    return " ".join(
        (node.id if isinstance(node, ast.Name) else node.attr).lower()
        for node in ast.walk(expr)
        if isinstance(node, (ast.Name, ast.Attribute))
    )


def find_account_lockouts(module: PythonModule) -> list[Site]:
    """Ordering comparisons of a failed-login counter with a limit: one side names login attempts or failures
    (`login_attempts`, `failed_logins`), and the comparison is `>=`/`>` (or `<`/`<=` the other way round)."""
    found = []
    for node in module.nodes_of(ast.Compare):
        if len(node.ops) != 1:
            continue
        if not isinstance(node.ops[0], (ast.Gt, ast.GtE, ast.Lt, ast.LtE)):
            continue
        names = f"{_names(node.left)} {_names(node.comparators[0])}"
        if all(any(part in names for part in parts) for parts in (_COUNTER_PARTS, _LOGIN_PARTS, _LIMIT_PARTS)):
            found.append(site_of(node, module))
    return found
