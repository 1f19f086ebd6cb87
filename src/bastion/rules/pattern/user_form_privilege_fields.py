"""PAT606: a model form or serializer of the user model that lets the client set privilege fields."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext

_MODEL_FORMS = frozenset(
    {
        "django.forms.ModelForm",
        "django.forms.models.ModelForm",
        "django.contrib.auth.forms.UserCreationForm",
        "django.contrib.auth.forms.BaseUserCreationForm",
        "rest_framework.serializers.ModelSerializer",
        "rest_framework.serializers.HyperlinkedModelSerializer",
    }
)
_USER_MODELS = frozenset({"django.contrib.auth.models.User", "django.contrib.auth.get_user_model"})
_USER_BASES = frozenset({"django.contrib.auth.models.AbstractUser", "django.contrib.auth.models.PermissionsMixin"})
# The fields of Django's user (AbstractUser + PermissionsMixin) that grant rights; `is_active` only unlocks an
# account the site itself disabled, so it is left out.
PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


class UserFormPrivilegeFields(AstRule):
    """## What it does
    Finds Django `ModelForm`s and Django REST framework `ModelSerializer`s of the user model
    (`django.contrib.auth.models.User`, `get_user_model()`, or a class of the same module built on `AbstractUser`)
    whose `Meta` takes every field (`fields = "__all__"`) or lists what to leave out (`exclude = [...]`) without
    `is_superuser`, `is_staff`, `groups` and `user_permissions`. Fields a serializer declares read-only
    (`read_only_fields`) are not counted. Forms in admin modules (`admin.py`), which only staff use, are skipped;
    an explicit `fields = [...]` list is the author's choice and is not reported.

    ## Why is this bad?
    A model form binds every field it includes to the request: a sign-up or profile form that includes
    `is_superuser` lets anyone who adds `is_superuser=on` to the POST make themselves an administrator
    (mass assignment). An `exclude` list only protects against the fields its author thought of; fields added to
    the model later are included silently.

    ## Example
    ```python
    from django import forms
    from django.contrib.auth.models import User


    class SignUpForm(forms.ModelForm):
        class Meta:
            model = User
            exclude = ["last_login", "date_joined"]
    ```

    ## Use instead
    ```python
    from django import forms
    from django.contrib.auth.models import User


    class SignUpForm(forms.ModelForm):
        class Meta:
            model = User
            fields = ["username", "email", "first_name", "last_name"]
    ```
    List the fields the form may set (`fields = [...]`); never `"__all__"` or `exclude` for the user model.

    ## References
    - [Django: Selecting the fields to use](https://docs.djangoproject.com/en/stable/topics/forms/modelforms/#selecting-the-fields-to-use)
    - [OWASP Mass Assignment Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html)
    - [CWE-915: Improperly Controlled Modification of Dynamically-Determined Object Attributes](https://cwe.mitre.org/data/definitions/915.html)
    """

    code = "PAT606"
    slug = "user-form-privilege-fields"
    summary = "User model form or serializer lets the client set privilege fields"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (915, 269)
    fix_hint = "list the fields the form may set in Meta.fields; leave out is_superuser, is_staff and groups"
    tags = ("access-control", "django")
    node_types = (ast.ClassDef,)

    def check(self, node: ast.ClassDef, ctx: ModuleContext) -> Iterator[Finding]:
        if _is_admin_module(ctx.path) or not any(ctx.qualified_name(base) in _MODEL_FORMS for base in node.bases):
            return
        meta = next((s for s in node.body if isinstance(s, ast.ClassDef) and s.name == "Meta"), None)
        if meta is None:
            return
        options = _options(meta)
        model = options.get("model")
        if model is None or not _is_user_model(model, ctx):
            return
        read_only = _strings(options.get("read_only_fields"), ctx) or set()
        fields = options.get("fields")
        exclude = options.get("exclude")
        if fields is not None and ctx.constant(fields) == "__all__":
            open_fields = [name for name in PRIVILEGE_FIELDS if name not in read_only]
            how, where = 'takes every field (`fields = "__all__"`)', fields
        elif fields is None and exclude is not None:
            excluded = _strings(exclude, ctx)
            if excluded is None:
                return  # computed: cannot tell what is left
            open_fields = [name for name in PRIVILEGE_FIELDS if name not in excluded | read_only]
            how, where = "excludes only some fields", exclude
        else:
            return
        if open_fields:
            listed = ", ".join(f"`{name}`" for name in open_fields)
            yield ctx.finding(
                self,
                where,
                f"`{node.name}` binds the user model and {how}: the client can set {listed} and grant itself rights",
            )


def _is_admin_module(path: str) -> bool:
    parts = path.split("/")
    return parts[-1] == "admin.py" or "admin" in parts[:-1]


def _options(meta: ast.ClassDef) -> dict[str, ast.expr]:
    options: dict[str, ast.expr] = {}
    for statement in meta.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                options[target.id] = statement.value
    return options


def _strings(expr: ast.expr | None, ctx: ModuleContext) -> set[str] | None:
    """The names of a literal list or tuple of strings; None when it is not one."""
    if expr is None:
        return None
    value = ctx.constant(expr)
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return set(value)
    return None


def _is_user_model(expr: ast.expr, ctx: ModuleContext) -> bool:
    target = expr.func if isinstance(expr, ast.Call) else expr
    if ctx.qualified_name(target) in _USER_MODELS:
        return True
    if not isinstance(expr, ast.Name):
        return False
    # A custom user model written in the same module on top of Django's AbstractUser.
    for statement in ctx.module.tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == expr.id:
            return any(ctx.qualified_name(base) in _USER_BASES for base in statement.bases)
    return False
