"""Django project structure: which settings module runs (`DJANGO_SETTINGS_MODULE` in `manage.py`, `wsgi.py`,
`asgi.py`), URLconf entries (`path("login/", LoginView.as_view())`, `include(...)`), and receivers of the
`user_login_failed` signal (security-event logging)."""

from __future__ import annotations

import ast

from bastion.concepts.sites import callee_name, constant, dotted, site_of
from bastion.concepts.webfacts import Site, UrlEntry
from bastion.semantic.module import PythonModule

_URL_FUNCTIONS = frozenset({"django.urls.path", "django.urls.re_path", "django.conf.urls.url"})
_INCLUDE = frozenset({"django.urls.include", "django.conf.urls.include"})
_SETTINGS_VARIABLE = "DJANGO_SETTINGS_MODULE"
_LOGIN_FAILED = frozenset({"django.contrib.auth.signals.user_login_failed"})


def find_settings_module_refs(module: PythonModule) -> list[tuple[str, Site]]:
    """`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")` and `os.environ[...] = "..."`."""
    index = module.index
    scope = index.module_scope
    found: list[tuple[str, Site]] = []
    for node in module.nodes_of(ast.Call, ast.Assign):
        if isinstance(node, ast.Call) and len(node.args) >= 2:
            name = callee_name(node, scope, index)
            if name in ("os.environ.setdefault", "os.putenv") and constant(node.args[0], scope, index) == (
                _SETTINGS_VARIABLE
            ):
                value = constant(node.args[1], scope, index)
                if isinstance(value, str):
                    found.append((value, site_of(node, module)))
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0]
            if constant(target.slice, scope, index) == _SETTINGS_VARIABLE:
                value = constant(node.value, scope, index)
                if isinstance(value, str):
                    found.append((value, site_of(node, module)))
    return found


def find_url_entries(module: PythonModule) -> list[UrlEntry]:
    index = module.index
    scope = index.module_scope
    entries: list[UrlEntry] = []
    for node in module.nodes_of(ast.Call):
        if callee_name(node, scope, index) not in _URL_FUNCTIONS:
            continue
        if len(node.args) < 2:
            continue
        route = constant(node.args[0], scope, index)
        view, wrappers, include = _view(node.args[1], module)
        entries.append(
            UrlEntry(route if isinstance(route, str) else None, view, site_of(node, module), wrappers, include)
        )
    return entries


def _view(node: ast.AST, module: PythonModule) -> tuple[str, tuple[str, ...], str | None]:
    index = module.index
    scope = index.module_scope
    wrappers: list[str] = []
    while isinstance(node, ast.Call):
        name = callee_name(node, scope, index)
        if name in _INCLUDE:
            target = constant(node.args[0], scope, index) if node.args else None
            return "", tuple(wrappers), target if isinstance(target, str) else dotted(node.args[0]) if node.args else ""
        if isinstance(node.func, ast.Attribute) and node.func.attr == "as_view":
            return index.qualified_name(node.func.value, scope) or dotted(node.func.value) or "", tuple(wrappers), None
        if not node.args:
            return name, tuple(wrappers), None
        wrappers.append(name)
        node = node.args[0]
    return index.qualified_name(node, scope) or dotted(node) or "", tuple(wrappers), None


def find_login_failed_receivers(module: PythonModule) -> list[Site]:
    index = module.index
    scope = index.module_scope
    found: list[Site] = []
    for node in module.nodes_of(ast.FunctionDef, ast.AsyncFunctionDef, ast.Call):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            receives = any(
                isinstance(decorator, ast.Call)
                and bool(decorator.args)
                and index.qualified_name(decorator.args[0], scope) in _LOGIN_FAILED
                for decorator in node.decorator_list
            )
            if receives:
                found.append(site_of(node, module))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "connect"
            and index.qualified_name(node.func.value, scope) in _LOGIN_FAILED
        ):
            found.append(site_of(node, module))
    return found
