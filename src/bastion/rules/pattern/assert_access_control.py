"""PAT809: `assert` used to check permissions or authentication."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._naming import words

_ACCESS_WORDS = frozenset(
    {
        "admin", "admins", "role", "roles", "permission", "permissions", "perm", "perms", "authenticated",
        "authorized", "authorised", "authorization", "superuser", "staff", "privilege", "privileges", "owner",
        "owns", "access", "allowed", "logged", "login", "csrf", "scope", "scopes", "acl", "grant", "granted",
    }
)  # fmt: skip


class AssertAccessControl(AstRule):
    """## What it does
    Finds `assert` statements that check access: the condition names a role, a permission, an owner, an
    admin or staff flag, authentication (`assert request.user.is_staff`, `assert user.has_perm("delete")`,
    `assert document.owner == current_user`). Plain asserts and every assert in test files are left alone;
    bandit's B101 reports them all, which is why most projects switch it off.

    ## Why is this bad?
    Python removes `assert` statements when run with `-O` (or `PYTHONOPTIMIZE`), which some deployments do.
    The access check then disappears silently, and every user gets through.

    ## Example
    ```python
    def delete_account(request, account):
        assert request.user.is_staff, "staff only"
        account.delete()
    ```

    ## Use instead
    ```python
    from django.core.exceptions import PermissionDenied


    def delete_account(request, account):
        if not request.user.is_staff:
            raise PermissionDenied("staff only")
        account.delete()
    ```

    ## References
    - [Python docs: the assert statement](https://docs.python.org/3/reference/simple_stmts.html#the-assert-statement)
    - [CWE-617: Reachable Assertion](https://cwe.mitre.org/data/definitions/617.html)
    - [CWE-285: Improper Authorization](https://cwe.mitre.org/data/definitions/285.html)
    """

    code = "PAT809"
    slug = "assert-for-access-control"
    summary = "Access check written as `assert` (removed under python -O)"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (617, 285)
    fix_hint = "check with `if not ...: raise PermissionDenied(...)` (or your framework's equivalent)"
    bandit = ("B101",)
    ruff = ("S101",)
    node_types = (ast.Assert,)

    def check(self, node: ast.Assert, ctx: ModuleContext) -> Iterable[Finding]:
        if is_test_path(ctx.path):
            return ()
        term = _access_term(node.test)
        if term is None:
            return ()
        return (ctx.finding(self, node, f"access check on `{term}` as an assert: `python -O` removes it"),)


def _access_term(test: ast.expr) -> str | None:
    for sub in ast.walk(test):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in ("isinstance", "len"):
            return None
        name = sub.attr if isinstance(sub, ast.Attribute) else sub.id if isinstance(sub, ast.Name) else None
        if name and _ACCESS_WORDS & set(words(name)):
            return name
    return None
