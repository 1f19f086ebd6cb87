"""PAT609: every field of a form that has a privilege field copied onto the logged-in user's own row."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from bastion.concepts.sites import dotted, last_name, site_of
from bastion.concepts.webfacts import Site
from bastion.core.finding import Finding, Location
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import FactCollector, ProjectContext, ProjectRule
from bastion.semantic.module import PythonModule

# Fields that grant rights when a user sets them on their own account.
_PRIVILEGE_FIELDS = frozenset(
    {"is_admin", "admin", "is_superuser", "superuser", "is_staff", "staff", "role", "roles", "is_moderator"}
)
# The logged-in user's own row, as Flask-Login, Flask's `g` and Django name it.
_OWN_USER = frozenset({"current_user", "g.user", "request.user", "self.request.user", "flask_login.current_user"})


@dataclass(frozen=True, slots=True)
class PrivilegedForm:
    """A form class (WTForms, Flask-WTF, Django) that declares a field named like a privilege."""

    name: str
    field: str
    site: Site


@dataclass(frozen=True, slots=True)
class OwnAccountCopy:
    """Every field of a form instance copied onto the logged-in user: `current_user.__dict__.update(form.data)`,
    `form.populate_obj(current_user)`, a setattr loop over `form.data`."""

    form_class: str
    target: str
    site: Site


@dataclass(frozen=True, slots=True)
class FormFacts:
    forms: tuple[PrivilegedForm, ...]
    copies: tuple[OwnAccountCopy, ...]


class FormFactsCollector(FactCollector):
    name = "pat-own-account-forms"
    fact_types = (FormFacts,)

    def collect_module(self, module: PythonModule) -> FormFacts | None:
        text = module.document.text
        if "Form" not in text:
            return None
        forms = tuple(_privileged_forms(module))
        copies = tuple(_own_account_copies(module)) if "current_user" in text or ".user" in text else ()
        return FormFacts(forms, copies) if forms or copies else None


class OwnAccountFormPrivilege(ProjectRule):
    """## What it does
    Finds code that copies every field of a form onto the logged-in user's own row — `current_user.__dict__.update(
    form.data)` (also a dict built from `form.data.items()` that leaves out only some keys), `form.populate_obj(
    current_user)`, a `setattr` loop over `form.data` — when that form's class (in any module of the project)
    declares a field named like a privilege: `is_admin`, `admin`, `is_superuser`, `is_staff`, `role`, `roles`,
    `is_moderator`. The target must be the caller's own account (`current_user`, `g.user`, `request.user`); an
    administrator's form editing other users is not reported.

    ## Why is this bad?
    Whatever the page shows, the client can submit the privilege field, and the copy writes it onto their own
    account: any user makes themself an administrator (CWE-915, mass assignment; CWE-269).

    ## Example
    ```python
    from flask import request
    from flask_login import current_user
    from wtforms import BooleanField, EmailField, Form


    class AccountForm(Form):
        email = EmailField("Email")
        is_admin = BooleanField("Is admin")


    def update_account():
        form = AccountForm(request.form)
        if form.validate():
            current_user.__dict__.update({k: v for k, v in form.data.items() if v is not None})
    ```

    ## Use instead
    ```python
    from flask import request
    from flask_login import current_user
    from wtforms import EmailField, Form


    class AccountForm(Form):
        email = EmailField("Email")


    def update_account():
        form = AccountForm(request.form)
        if form.validate():
            current_user.email = form.email.data
    ```
    Keep privilege fields out of the forms users fill in about themselves, and copy fields one by one.

    ## References
    - [OWASP: Mass Assignment Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html)
    - [CWE-915: Improperly Controlled Modification of Dynamically-Determined Object Attributes](https://cwe.mitre.org/data/definitions/915.html)
    """

    code = "PAT609"
    slug = "own-account-form-privilege"
    summary = "Every field of a form with a privilege field copied onto the user's own account"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (915, 269)
    fix_hint = "drop the privilege field from the user's own form and copy the editable fields one by one"
    bandit = ()
    ruff = ()
    collectors = (FormFactsCollector,)
    pure = True

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        facts = [fact for fact in project.facts_of(FormFactsCollector).values() if isinstance(fact, FormFacts)]
        forms: dict[str, PrivilegedForm] = {}
        for fact in facts:
            for declared in fact.forms:
                forms.setdefault(declared.name, declared)
        for fact in facts:
            for copy in fact.copies:
                form = forms.get(copy.form_class)
                if form is None or is_test_path(copy.site.path):
                    continue
                yield project.finding(
                    self,
                    Location(copy.site.path, copy.site.line, copy.site.column),
                    f"every field of `{form.name}` is written onto `{copy.target}`, and the form has "
                    f"`{form.field}` ({form.site.path}:{form.site.line}): a user can make their own account "
                    "privileged",
                    snippet=project.source_line(copy.site.path, copy.site.line),
                )


def _privileged_forms(module: PythonModule) -> Iterator[PrivilegedForm]:
    for node in module.nodes_of(ast.ClassDef):
        if not any(last_name(dotted(base) or "").endswith("Form") for base in node.bases):
            continue
        for statement in node.body:
            if not (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)):
                continue
            if not last_name(dotted(statement.value.func) or "").endswith("Field"):
                continue
            for target in statement.targets:
                if isinstance(target, ast.Name) and target.id.lower() in _PRIVILEGE_FIELDS:
                    yield PrivilegedForm(node.name, target.id, site_of(statement, module))


def _own_account_copies(module: PythonModule) -> Iterator[OwnAccountCopy]:
    for function in module.nodes_of(ast.FunctionDef, ast.AsyncFunctionDef):
        forms = _form_variables(function)
        if not forms:
            continue
        mappings = _form_mappings(function, forms)
        for node in ast.walk(function):
            if not isinstance(node, (ast.Call, ast.For)):
                continue
            copy = _copy_of(node, forms, mappings)
            if copy is not None:
                form_class, target = copy
                yield OwnAccountCopy(form_class, target, site_of(node, module))


def _form_variables(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
    """`form = AccountForm(request.form)`: local name -> form class."""
    found: dict[str, str] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            name = last_name(dotted(node.value.func) or "")
            if name.endswith("Form") and name[:1].isupper():
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = name
    return found


def _form_mappings(function: ast.FunctionDef | ast.AsyncFunctionDef, forms: dict[str, str]) -> dict[str, str]:
    """Names bound to a form's whole data: `values = form.data`, `values = {k: v for k, v in form.data.items()
    if v is not None}` (a filter that only leaves keys out still lets the others through)."""
    found: dict[str, str] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            form_class = _whole_form_data(node.value, forms)
            if form_class is not None:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = form_class
    return found


def _whole_form_data(value: ast.expr, forms: dict[str, str]) -> str | None:
    if isinstance(value, ast.DictComp) and len(value.generators) == 1:
        generator = value.generators[0]
        key = generator.target.elts[0] if isinstance(generator.target, ast.Tuple) else generator.target
        if any(_allowlists(test, key) for test in generator.ifs):
            return None
        value = generator.iter
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "items":
        value = value.func.value
    if isinstance(value, ast.Attribute) and value.attr == "data" and isinstance(value.value, ast.Name):
        return forms.get(value.value.id)
    return None


def _allowlists(test: ast.expr, key: ast.expr) -> bool:
    """`k in ALLOWED`, `k == "email"`: the filter names the keys that may pass (`k != "password"` does not)."""
    if not isinstance(key, ast.Name):
        return False
    for node in ast.walk(test):
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Name)
            and node.left.id == key.id
            and any(isinstance(op, (ast.In, ast.Eq)) for op in node.ops)
        ):
            return True
    return False


def _copy_of(node: ast.Call | ast.For, forms: dict[str, str], mappings: dict[str, str]) -> tuple[str, str] | None:
    def mapping_class(expr: ast.expr) -> str | None:
        if isinstance(expr, ast.Name) and expr.id in mappings:
            return mappings[expr.id]
        return _whole_form_data(expr, forms)

    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        owner = node.func.value
        if node.func.attr == "update" and len(node.args) == 1:
            # `current_user.__dict__.update(...)`, `vars(current_user).update(...)`
            target = None
            if isinstance(owner, ast.Attribute) and owner.attr == "__dict__":
                target = dotted(owner.value)
            elif isinstance(owner, ast.Call) and dotted(owner.func) == "vars" and len(owner.args) == 1:
                target = dotted(owner.args[0])
            form_class = mapping_class(node.args[0])
            if target in _OWN_USER and form_class is not None:
                return form_class, target
        if node.func.attr == "populate_obj" and isinstance(owner, ast.Name) and owner.id in forms and node.args:
            target = dotted(node.args[0])
            if target in _OWN_USER:
                return forms[owner.id], target
    if isinstance(node, ast.For):
        form_class = mapping_class(node.iter)
        if form_class is None:
            return None
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call) and dotted(inner.func) == "setattr" and len(inner.args) == 3:
                target = dotted(inner.args[0])
                if target in _OWN_USER:
                    return form_class, target
    return None
