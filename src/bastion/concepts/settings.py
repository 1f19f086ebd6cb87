"""Settings: `DEBUG = True` in a settings module, `SECRET_KEY` in a config class, and where their values come from.

A value is a literal (folded by the semantic index), read from the environment (`os.environ`, `os.getenv`,
django-environ's `env(...)`, python-decouple's `config(...)`, a project's own helper named for the environment:
`envbool("DEBUG", "True")`), or computed. For environment reads, the default the
code falls back to is worked out when it is a constant (`os.getenv("DEBUG", "0") == "1"` defaults to False).
Secret settings never keep their value: only its shape (length, first characters, a digest).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from bastion.concepts.sites import (
    callee_name,
    constant,
    dotted,
    line_site,
    redacted_snippet,
    secret_shape,
    site_of,
    string_items,
)
from bastion.concepts.webfacts import (
    ScopeKind,
    SettingOperation,
    SettingsScope,
    SettingValue,
    ValueSource,
)
from bastion.core import patterns
from bastion.semantic.constants import UNKNOWN
from bastion.semantic.index import ModuleIndex, Scope
from bastion.semantic.module import PythonModule

SETTING_NAMES = frozenset(
    {
        "DEBUG",
        "TESTING",
        "SECRET_KEY",
        "SECRET_KEY_FALLBACKS",
        "JWT_SECRET_KEY",
        "ALLOWED_HOSTS",
        "TRUSTED_HOSTS",
        "MIDDLEWARE",
        "MIDDLEWARE_CLASSES",
        "INSTALLED_APPS",
        "ROOT_URLCONF",
        "WSGI_APPLICATION",
        "AUTHENTICATION_BACKENDS",
        "PASSWORD_HASHERS",
        "AUTH_PASSWORD_VALIDATORS",
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
        "DATA_UPLOAD_MAX_NUMBER_FIELDS",
        "DATA_UPLOAD_MAX_NUMBER_FILES",
        "MAX_CONTENT_LENGTH",
        "MAX_FORM_MEMORY_SIZE",
        "DEBUG_PROPAGATE_EXCEPTIONS",
        "X_FRAME_OPTIONS",
        "REST_FRAMEWORK",
        "CONTENT_SECURITY_POLICY",
    }
)
SETTING_PREFIXES = ("SESSION_", "CSRF_", "SECURE_", "CORS_", "CSP_", "RATELIMIT_", "WTF_", "REMEMBER_COOKIE_", "AXES_")
SECRET_SETTINGS = frozenset({"SECRET_KEY", "JWT_SECRET_KEY", "WTF_CSRF_SECRET_KEY"})
DJANGO_MARKERS = frozenset(
    {
        "INSTALLED_APPS",
        "MIDDLEWARE",
        "MIDDLEWARE_CLASSES",
        "ROOT_URLCONF",
        "WSGI_APPLICATION",
        "AUTH_PASSWORD_VALIDATORS",
        "PASSWORD_HASHERS",
        "ALLOWED_HOSTS",
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
        "DEBUG_PROPAGATE_EXCEPTIONS",
    }
)
_SETTINGS_MODULE_WORDS = patterns.compile(r"settings|config|conf", ignore_case=True)
_LIST_METHODS = {"append": SettingOperation.EXTEND, "extend": SettingOperation.EXTEND}
_ENV_FUNCTIONS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault", "decouple.config"})
_STRING_METHODS: dict[str, Callable[[str], str]] = {
    "lower": str.lower,
    "upper": str.upper,
    "strip": str.strip,
    "casefold": str.casefold,
}


# A project's own helper that reads an environment variable (`envbool("DEBUG", "True")`,
# `get_bool_from_env("APP_DEBUG", "NO")`): a callee whose name says `env`, given the variable's name first and the
# default second (or as `default=`). The default is read the way the name says: a bool helper parses it.
_ENV_VARIABLE = patterns.compile(r"^[A-Z][A-Z0-9_]*$")
_TRUE_WORDS = frozenset({"1", "true", "yes", "y", "on", "t"})
_FALSE_WORDS = frozenset({"0", "false", "no", "n", "off", "f", ""})
# String-to-bool converters named like distutils' `strtobool` (projects keep their own copy since 3.12).
_BOOL_PARSERS = frozenset({"strtobool", "str2bool", "str_to_bool", "to_bool", "as_bool", "parse_bool", "boolify"})


def _helper_name(call: ast.Call) -> str:
    func = call.func
    return (func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "").lower()


def _env_helper(call: ast.Call, scope: Scope, index: ModuleIndex) -> bool:
    """`envbool("DEBUG", "True")`: a helper named for the environment, given a variable's name first."""
    if "env" not in _helper_name(call) or not call.args:
        return False
    name = constant(call.args[0], scope, index)
    return isinstance(name, str) and _ENV_VARIABLE.search(name) is not None


def _parse_bool(value: Any) -> Any:
    """What a string-to-bool helper makes of a default: True/False for the usual words, else UNKNOWN."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        return True if word in _TRUE_WORDS else False if word in _FALSE_WORDS else UNKNOWN
    return UNKNOWN


def is_setting_name(name: str) -> bool:
    return name.isupper() and (name in SETTING_NAMES or name.startswith(SETTING_PREFIXES))


# -- values ------------------------------------------------------------------------------------------------------


def _env_call(call: ast.Call, scope: Scope, index: ModuleIndex) -> tuple[bool, ast.expr | None]:
    """(is an environment read, the expression of its default or None)."""
    name = callee_name(call, scope, index)
    if name in _ENV_FUNCTIONS:
        default = next((k.value for k in call.keywords if k.arg == "default"), None)
        if default is None and len(call.args) >= 2 and name != "decouple.config":
            default = call.args[1]
        return True, default
    # django-environ: env = environ.Env(); env("X", default=...), env.bool("X", default=...)
    if name.startswith(("environ.Env()", "environ.environ.Env()")):
        return True, next((k.value for k in call.keywords if k.arg == "default"), None)
    if _env_helper(call, scope, index):
        default = next((k.value for k in call.keywords if k.arg == "default"), None)
        return True, default if default is not None or len(call.args) < 2 else call.args[1]
    return False, None


def _is_environ_subscript(node: ast.AST, scope: Scope, index: ModuleIndex) -> bool:
    return isinstance(node, ast.Subscript) and index.qualified_name(node.value, scope) == "os.environ"


def reads_environment(expr: ast.AST, scope: Scope, index: ModuleIndex) -> bool:
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and _env_call(node, scope, index)[0]:
            return True
        if _is_environ_subscript(node, scope, index):
            return True
    return False


def env_default_value(expr: ast.AST, scope: Scope, index: ModuleIndex) -> Any:
    """The value `expr` takes when the environment variables it reads are unset, or UNKNOWN."""
    if isinstance(expr, ast.Call):
        is_env, default = _env_call(expr, scope, index)
        if is_env:
            if default is None:
                return None if callee_name(expr, scope, index) in ("os.environ.get", "os.getenv") else UNKNOWN
            value = constant(default, scope, index)
            return _parse_bool(value) if _env_helper(expr, scope, index) and "bool" in _helper_name(expr) else value
        if _helper_name(expr) in _BOOL_PARSERS and len(expr.args) == 1:
            return _parse_bool(env_default_value(expr.args[0], scope, index))
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr in _STRING_METHODS and not expr.args:
            inner = env_default_value(func.value, scope, index)
            return _STRING_METHODS[func.attr](inner) if isinstance(inner, str) else UNKNOWN
        if isinstance(func, ast.Name) and func.id in ("bool", "int", "str") and len(expr.args) == 1:
            inner = env_default_value(expr.args[0], scope, index)
            if inner is UNKNOWN or inner is None:
                return UNKNOWN
            try:
                return {"bool": bool, "int": int, "str": str}[func.id](inner)
            except (TypeError, ValueError):
                return UNKNOWN
        return UNKNOWN
    if isinstance(expr, ast.Compare) and len(expr.ops) == 1:
        left = env_default_value(expr.left, scope, index)
        right = env_default_value(expr.comparators[0], scope, index)
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        try:
            return _compare(expr.ops[0], left, right)
        except TypeError:
            return UNKNOWN
    if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.Or):
        # `os.environ.get("DEBUG") or "False"`: the first truthy default, else the last.
        for part in expr.values:
            value = env_default_value(part, scope, index)
            if value is UNKNOWN or value or part is expr.values[-1]:
                return value
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        inner = env_default_value(expr.operand, scope, index)
        return UNKNOWN if inner is UNKNOWN else not inner
    if _is_environ_subscript(expr, scope, index):
        return UNKNOWN
    return constant(expr, scope, index)


def _compare(op: ast.cmpop, left: Any, right: Any) -> Any:
    if isinstance(op, ast.Eq):
        return left == right
    if isinstance(op, ast.NotEq):
        return left != right
    if isinstance(op, ast.In):
        return left in right
    if isinstance(op, ast.NotIn):
        return left not in right
    return UNKNOWN


def setting_value(
    name: str,
    value: ast.expr | None,
    anchor: ast.AST,
    module: PythonModule,
    scope: Scope,
    *,
    operation: SettingOperation = SettingOperation.SET,
) -> SettingValue:
    """Describe `name = value` (anchored at `anchor` for its place)."""
    index = module.index
    if value is None:
        return SettingValue(name, site_of(anchor, module), ValueSource.COMPUTED, operation=operation)
    folded = constant(value, scope, index)
    secret = name in SECRET_SETTINGS
    if folded is not UNKNOWN:
        if secret and isinstance(folded, str) and folded:
            shape = secret_shape(folded, module.rel)
            site = site_of(anchor, module, snippet=redacted_snippet(module, value, shape.preview))
            return SettingValue(name, site, ValueSource.LITERAL, None, secret=shape, operation=operation)
        items = string_items(value) or _folded_items(folded, anchor)
        return SettingValue(
            name, site_of(anchor, module), ValueSource.LITERAL, folded, items=items, operation=operation
        )
    if reads_environment(value, scope, index):
        default = env_default_value(value, scope, index)
        if default is UNKNOWN:
            return SettingValue(name, site_of(anchor, module), ValueSource.ENV, operation=operation)
        if secret and isinstance(default, str) and default:
            shape = secret_shape(default, module.rel)
            default_node = _default_node(value, scope, index) or value
            site = site_of(anchor, module, snippet=redacted_snippet(module, default_node, shape.preview))
            return SettingValue(name, site, ValueSource.ENV, has_env_default=True, secret=shape, operation=operation)
        return SettingValue(
            name,
            site_of(anchor, module),
            ValueSource.ENV,
            has_env_default=True,
            env_default=default,
            operation=operation,
        )
    return SettingValue(name, site_of(anchor, module), ValueSource.COMPUTED, operation=operation)


def _default_node(expr: ast.AST, scope: Scope, index: ModuleIndex) -> ast.AST | None:
    for node in ast.walk(expr):
        if isinstance(node, ast.Call):
            is_env, default = _env_call(node, scope, index)
            if is_env and default is not None:
                return default
    return None


def _folded_items(folded: Any, anchor: ast.AST) -> tuple[tuple[str, int], ...]:
    if isinstance(folded, (list, tuple)) and all(isinstance(item, str) for item in folded):
        return tuple((item, getattr(anchor, "lineno", 1)) for item in folded)
    return ()


def is_django_marker(value: SettingValue) -> bool:
    """A setting only Django has, with the type Django expects (`INSTALLED_APPS` a list of dotted names ...)."""
    if value.name not in DJANGO_MARKERS or value.operation is not SettingOperation.SET:
        return False
    if value.source is not ValueSource.LITERAL:
        return True  # `env.list("ALLOWED_HOSTS")`: the name alone, in a settings module, is Django's
    if value.name in ("ROOT_URLCONF", "WSGI_APPLICATION"):
        return isinstance(value.value, str)
    if value.name in ("DATA_UPLOAD_MAX_MEMORY_SIZE", "DEBUG_PROPAGATE_EXCEPTIONS"):
        return value.value is None or isinstance(value.value, (bool, int))
    if value.name == "AUTH_PASSWORD_VALIDATORS":
        return isinstance(value.value, (list, tuple)) and all(isinstance(item, dict) for item in value.value)
    return isinstance(value.value, (list, tuple)) and all(isinstance(item, str) for item in value.value)


# -- settings modules and config classes ------------------------------------------------------------------------


def find_settings_scopes(module: PythonModule) -> list[SettingsScope]:
    """The settings module itself (when it defines settings) and every config class in it."""
    index = module.index
    scopes: list[SettingsScope] = []
    settings: list[SettingValue] = []
    star_imports: list[str] = []
    for statement, optional in _module_statements(module.tree.body):
        if isinstance(statement, ast.ImportFrom) and any(alias.name == "*" for alias in statement.names):
            if not optional:
                star_imports.append(index.resolve_relative(statement.module, statement.level))
        elif isinstance(statement, ast.ClassDef):
            scope = _config_class(statement, module)
            if scope is not None:
                scopes.append(scope)
        else:
            settings.extend(_statement_settings(statement, module, index.module_scope))
    stem = module.rel.rsplit("/", 1)[-1].removesuffix(".py")
    looks_like_settings = bool(_SETTINGS_MODULE_WORDS.search(module.name)) or stem in ("base", "production", "prod")
    if stem == "global_settings":
        return scopes  # Django's own defaults module, not a project's settings
    if settings or (star_imports and looks_like_settings):
        # Only Django's own settings, with the shape Django wants, make a Django settings module: a module that has
        # a `SESSION_KEY` constant or a `MIDDLEWARE` dict of its own is not one. Outside a settings-like file name,
        # two such settings are needed.
        markers = sum(1 for value in settings if is_django_marker(value))
        settings_path = bool(_SETTINGS_MODULE_WORDS.search(module.rel))
        django = markers >= 1 if settings_path else markers >= 2
        first_line = line_site(module, 1)
        for value in settings:
            if value.secret is not None and value.site.line == 1:
                first_line = replace(first_line, snippet=value.site.snippet)  # never show a secret
        scopes.insert(
            0,
            SettingsScope(
                key=module.name,
                kind=ScopeKind.MODULE,
                name=stem if stem != "__init__" else module.name.rsplit(".", 1)[-1],
                site=first_line,
                bases=tuple(star_imports),
                settings=tuple(settings),
                django=django,
            ),
        )
    return scopes


def _module_statements(body: list[ast.stmt], optional: bool = False) -> Iterator[tuple[ast.stmt, bool]]:
    """Module-level statements, looking inside `if`/`try`/`with` blocks; `optional` inside a `try`."""
    for statement in body:
        if isinstance(statement, ast.If):
            yield from _module_statements(statement.body, optional)
            yield from _module_statements(statement.orelse, optional)
        elif isinstance(statement, ast.Try):
            yield from _module_statements(statement.body, True)
            for handler in statement.handlers:
                yield from _module_statements(handler.body, True)
            yield from _module_statements(statement.orelse, optional)
            yield from _module_statements(statement.finalbody, optional)
        elif isinstance(statement, ast.With):
            yield from _module_statements(statement.body, optional)
        else:
            yield statement, optional


def _statement_settings(statement: ast.stmt, module: PythonModule, scope: Scope) -> list[SettingValue]:
    found: list[SettingValue] = []
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            if isinstance(target, ast.Name) and is_setting_name(target.id):
                found.append(setting_value(target.id, statement.value, statement, module, scope))
            elif (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and is_setting_name(target.value.id)
                and isinstance(target.slice, ast.Constant)
                and isinstance(target.slice.value, str)
            ):
                # `REST_FRAMEWORK["NUM_PROXIES"] = env.int(...)`: one key of a dictionary setting.
                entry = ast.copy_location(ast.Dict(keys=[target.slice], values=[statement.value]), statement.value)
                found.append(
                    setting_value(target.value.id, entry, statement, module, scope, operation=SettingOperation.UPDATE)
                )
    elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        if is_setting_name(statement.target.id) and statement.value is not None:
            found.append(setting_value(statement.target.id, statement.value, statement, module, scope))
    elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
        if is_setting_name(statement.target.id) and isinstance(statement.op, ast.Add):
            found.append(
                setting_value(
                    statement.target.id, statement.value, statement, module, scope, operation=SettingOperation.EXTEND
                )
            )
    elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        found.extend(_list_method_setting(statement.value, module, scope))
        found.extend(_configured_settings(statement.value, module, scope))
    return found


def _configured_settings(call: ast.Call, module: PythonModule, scope: Scope) -> list[SettingValue]:
    """`settings.configure(DEBUG=True, ...)` (also `**{"DEBUG": True}`): a script or single-file app that sets
    Django's settings in code instead of naming a settings module."""
    if module.index.qualified_name(call.func, scope) != "django.conf.settings.configure":
        return []
    found: list[SettingValue] = []
    for keyword in call.keywords:
        if keyword.arg is not None and is_setting_name(keyword.arg):
            found.append(setting_value(keyword.arg, keyword.value, keyword.value, module, scope))
        elif keyword.arg is None and isinstance(keyword.value, ast.Dict):
            for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and is_setting_name(key.value):
                    found.append(setting_value(key.value, value, key, module, scope))
    return found


def _list_method_setting(call: ast.Call, module: PythonModule, scope: Scope) -> list[SettingValue]:
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and is_setting_name(func.value.id)):
        return []
    name = func.value.id
    if func.attr in _LIST_METHODS and call.args:
        argument = call.args[0]
        value: ast.expr = argument if func.attr == "extend" else ast.List(elts=[argument], ctx=ast.Load())
        ast.copy_location(value, argument)
        return [setting_value(name, value, call, module, scope, operation=SettingOperation.EXTEND)]
    if func.attr == "insert" and len(call.args) == 2:
        value = ast.copy_location(ast.List(elts=[call.args[1]], ctx=ast.Load()), call.args[1])
        return [setting_value(name, value, call, module, scope, operation=SettingOperation.EXTEND)]
    if func.attr == "remove" and call.args:
        value = ast.copy_location(ast.List(elts=[call.args[0]], ctx=ast.Load()), call.args[0])
        return [setting_value(name, value, call, module, scope, operation=SettingOperation.REMOVE)]
    return []


def _config_class(node: ast.ClassDef, module: PythonModule) -> SettingsScope | None:
    index = module.index
    class_scope = index.child_scope(node, index.module_scope)
    settings: list[SettingValue] = []
    for statement in node.body:
        settings.extend(_statement_settings(statement, module, class_scope))
    bases = tuple(
        name for base in node.bases if (name := index.qualified_name(base, index.module_scope) or dotted(base))
    )
    looks_like_config = node.name.endswith(("Config", "Settings", "Configuration"))
    if not settings and not (looks_like_config and bases):
        return None
    if not settings and any(base.startswith(("pydantic", "pydantic_settings")) for base in bases):
        return None
    return SettingsScope(
        key=f"{module.name}.{node.name}",
        kind=ScopeKind.CLASS,
        name=node.name,
        site=site_of(node, module),
        bases=bases,
        settings=tuple(settings),
        django=False,
    )
