"""PAT409: a password from the request written as it is onto a stored user row (plain-text password storage)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from bastion.concepts.sites import dotted, last_name
from bastion.concepts.templates import WrittenField, find_written_fields
from bastion.core.finding import Finding, Location
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import FactCollector, ProjectContext, ProjectRule
from bastion.semantic.module import PythonModule

# Columns that hold the password itself (`password_hash`, `hashed_password` are not these).
PASSWORD_FIELDS = frozenset({"password", "passwd", "pwd", "user_password", "pass_word"})
# Decorators by which a model turns an assignment to `password` into something else (a hash): a property setter
# (`@password.setter`), SQLAlchemy's `@validates("password")`.
_TRANSFORMING_DECORATORS = frozenset({"setter", "validates", "hybrid_property"})


@dataclass(frozen=True, slots=True)
class PasswordFacts:
    """One module's writes of request data to password fields, and its classes that hash on assignment."""

    stores: tuple[WrittenField, ...]
    transforming_classes: tuple[str, ...]


class PasswordStoresCollector(FactCollector):
    name = "pat-password-stores"
    fact_types = (PasswordFacts,)

    def collect_module(self, module: PythonModule) -> PasswordFacts | None:
        text = module.document.text
        if not any(name in text for name in PASSWORD_FIELDS):
            return None
        stores = tuple(
            field
            for field in (find_written_fields(module, assigned_only=True) if "request" in text else ())
            if field.field.lower() in PASSWORD_FIELDS
        )
        transforming = tuple(node.name for node in module.nodes_of(ast.ClassDef) if _transforms_password(node))
        if not stores and not transforming:
            return None
        return PasswordFacts(stores, transforming)


class PlaintextPasswordStored(ProjectRule):
    """## What it does
    Finds a password read from the request written as it is onto a user row the code loaded from the database:
    `user = User.query.filter_by(username=name).first(); user.password = request.get_json()["password"];
    db.session.commit()` (also Django's `User.objects.get(...)`, `request.form[...]`, a WTForms field's `.data`,
    through local names). The field must be named `password`, `passwd`, `pwd`, `user_password` or `pass_word`.
    Not reported when the project's model of that name turns the assignment into something else: a `password`
    property setter (`@password.setter`, a hybrid property), an SQLAlchemy `@validates("password")`, or its own
    `__setattr__`. Test code is not reported.

    ## Why is this bad?
    The table then holds passwords as users typed them (CWE-256). Anyone who reads it — an SQL injection, a
    leaked backup, an over-broad API response, a curious administrator — has every account, and the same
    passwords on the users' other sites.

    ## Example
    ```python
    from flask import request

    from models import User, db


    def update_password(username):
        user = User.query.filter_by(username=username).first()
        user.password = request.get_json()["password"]
        db.session.commit()
        return {"status": "updated"}
    ```

    ## Use instead
    ```python
    from flask import request
    from werkzeug.security import generate_password_hash

    from models import User, db


    def update_password(username):
        user = User.query.filter_by(username=username).first()
        user.password = generate_password_hash(request.get_json()["password"])
        db.session.commit()
        return {"status": "updated"}
    ```
    Compare at login with `check_password_hash`; Django's `user.set_password(raw)` does both halves.

    ## References
    - [CWE-256: Plaintext Storage of a Password](https://cwe.mitre.org/data/definitions/256.html)
    - [OWASP: Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    """

    code = "PAT409"
    slug = "plaintext-password-stored"
    summary = "Password from the request stored without hashing"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (256, 312)
    fix_hint = "store a slow salted hash (generate_password_hash, argon2, Django's set_password), never the password"
    bandit = ()
    ruff = ()
    collectors = (PasswordStoresCollector,)
    pure = True

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        facts = [fact for fact in project.facts_of(PasswordStoresCollector).values() if isinstance(fact, PasswordFacts)]
        transforming = {name for fact in facts for name in fact.transforming_classes}
        for fact in facts:
            for store in fact.stores:
                model = last_name(store.model)
                if model in transforming or is_test_path(store.site.path):
                    continue
                yield project.finding(
                    self,
                    Location(store.site.path, store.site.line, store.site.column),
                    f"the password from the request is written as it is onto `{model}.{store.field}`: the "
                    "database keeps it in plain text",
                    snippet=project.source_line(store.site.path, store.site.line),
                )


def _transforms_password(node: ast.ClassDef) -> bool:
    for item in node.body:
        if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if item.name == "__setattr__":
            return True
        for decorator in item.decorator_list:
            call = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = dotted(call) or ""
            if last_name(name) not in _TRANSFORMING_DECORATORS:
                continue
            if item.name.lower() in PASSWORD_FIELDS or name.split(".", 1)[0].lower() in PASSWORD_FIELDS:
                return True
            if isinstance(decorator, ast.Call) and any(
                isinstance(arg, ast.Constant) and str(arg.value).lower() in PASSWORD_FIELDS for arg in decorator.args
            ):
                return True
    return False
