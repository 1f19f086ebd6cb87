"""Run every web recogniser on one module, cheaply: each looks only where its subject can be.

Most modules of a large tree are not web code; the checks at the top (imports, a few substrings) keep the cost of
those modules to one pass over their top-level statements.
"""

from __future__ import annotations

import ast

from bastion.concepts.apps import find_app_facts
from bastion.concepts.classes import find_class_facts
from bastion.concepts.dependencies import GUARD_WORDS, find_guard_functions
from bastion.concepts.django_project import find_login_failed_receivers, find_settings_module_refs, find_url_entries
from bastion.concepts.headers import find_header_sets, mentions_security_header
from bastion.concepts.lockouts import MAY_LOCK_OUT, find_account_lockouts
from bastion.concepts.route_security import build_route_fact
from bastion.concepts.routes import find_route_handlers
from bastion.concepts.settings import find_settings_scopes
from bastion.concepts.sites import callee_name, site_of
from bastion.concepts.webfacts import ModuleWebFacts, RouteFact, Site
from bastion.core import patterns
from bastion.semantic.module import PythonModule

# Substrings without which a module cannot hold what a recogniser looks for: a cheap gate before walking its tree.
_APP_WORDS = (
    "Flask(",
    "FastAPI(",
    "Starlette(",
    "Blueprint(",
    "APIRouter(",
    "init_app",
    "register_blueprint",
    "include_router",
    ".mount(",
    "before_request",
    "before_app_request",
    "url_value_preprocessor",
    ".config",
    ".secret_key",
    ".debug",
    "add_middleware",
    "Middleware(",
    "Talisman(",
    "CSRFProtect(",
    "CsrfProtect(",
    "SeaSurf(",
    "Limiter(",
    "LoginManager(",
    "CORS(",
    "cross_origin(",
    "SSLify(",
)
_HASHER_WORDS = ("password_hash", "hashpw", "make_password", "PasswordHasher", "scrypt", "pbkdf2_hmac", "CryptContext")
PASSWORD_HASHERS = frozenset(
    {
        "werkzeug.security.generate_password_hash",
        "werkzeug.generate_password_hash",
        "bcrypt.hashpw",
        "argon2.PasswordHasher().hash",
        "django.contrib.auth.hashers.make_password",
        "hashlib.scrypt",
        "hashlib.pbkdf2_hmac",
        "flask_bcrypt.generate_password_hash",
        "flask_bcrypt.Bcrypt().generate_password_hash",
        "passlib.context.CryptContext().hash",
    }
)
VALIDATION_BASES = frozenset(
    {
        "flask_wtf.FlaskForm",
        "flask_wtf.form.FlaskForm",
        "wtforms.Form",
        "django.forms.Form",
        "django.forms.ModelForm",
        "pydantic.BaseModel",
        "marshmallow.Schema",
        "rest_framework.serializers.Serializer",
        "rest_framework.serializers.ModelSerializer",
    }
)
_EVIDENCE_LIMIT = 5


_ROUTE_DECORATOR = patterns.compile(r"@[\w.]+\.(route|get|post|put|patch|delete|api_route|websocket)\(|@api_view")
_ROUTE_WORDS = ("Route(", ".router.add_", "View")


def may_define_routes(rel: str, text: str) -> bool:
    """Whether `find_route_handlers` can find anything here (it walks the whole tree, twice)."""
    if rel.endswith(("views.py", "api.py")) or "/views/" in rel:
        return True
    return any(word in text for word in _ROUTE_WORDS) or _ROUTE_DECORATOR.search(text) is not None


def imported_packages(module: PythonModule) -> set[str]:
    """Top-level packages imported at module level (inside `if`/`try` blocks too, not inside functions)."""
    found: set[str] = set()
    stack: list[ast.stmt] = list(module.tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.If, ast.Try)):
            stack.extend(node.body)
            stack.extend(node.orelse)
            stack.extend(getattr(node, "finalbody", []))
            for handler in getattr(node, "handlers", []):
                stack.extend(handler.body)
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def collect_web_facts(module: PythonModule) -> ModuleWebFacts | None:
    text = module.document.text
    packages = imported_packages(module)
    facts: dict[str, object] = {"settings_scopes": tuple(find_settings_scopes(module))}
    if any(word in text for word in _APP_WORDS):
        app_facts = find_app_facts(module)
        facts.update(
            apps=tuple(app_facts.apps),
            aliases=tuple(app_facts.aliases),
            config_assignments=tuple(app_facts.config_assignments),
            config_loads=tuple(app_facts.config_loads),
            components=tuple(app_facts.components),
            init_apps=tuple(app_facts.init_apps),
            owners=tuple(app_facts.owners),
            registrations=tuple(app_facts.registrations),
            mounts=tuple(app_facts.mounts),
            hooks=tuple(app_facts.hooks),
        )
    if module.declared_routes or may_define_routes(module.rel, text):
        facts["routes"] = tuple(_routes(module))
    if mentions_security_header(text):
        facts["headers"] = tuple(find_header_sets(module))
    if "DJANGO_SETTINGS_MODULE" in text:
        facts["django_settings_refs"] = tuple(find_settings_module_refs(module))
    if "django" in packages and "urlpatterns" in text:
        facts["url_entries"] = tuple(find_url_entries(module))
    if "user_login_failed" in text:
        facts["login_failed_receivers"] = tuple(find_login_failed_receivers(module))
    if any(word in text for word in _HASHER_WORDS):
        facts["password_hashing"] = tuple(_calls_to(module, PASSWORD_HASHERS))
    facts["input_validation"] = tuple(_validation_classes(module))
    if "class " in text:
        facts["classes"] = tuple(find_class_facts(module))
    if any(word in text for word in _PROXY_WORDS):
        facts["proxy_headers"] = tuple(_proxy_headers(module))
    if MAY_LOCK_OUT.search(text):
        facts["account_lockouts"] = tuple(find_account_lockouts(module))
    if ({"fastapi", "starlette"} & packages or "Depends(" in text) and any(word in text for word in GUARD_WORDS):
        facts["guard_functions"] = tuple(find_guard_functions(module))
    result = ModuleWebFacts(module=module.name, path=module.rel, **facts)  # type: ignore[arg-type]
    return None if result.is_empty() else result


def _routes(module: PythonModule) -> list[RouteFact]:
    handlers = find_route_handlers(module)
    if not handlers:
        return []
    index = module.index
    classes = {node.name: node for node in module.nodes_of(ast.ClassDef)}
    return [build_route_fact(h, module, classes, index.scope_chain(h.function)) for h in handlers]


_PROXY_WORDS = ("ProxyFix", "proxy_headers", "forwarded_allow_ips", "ProxyHeadersMiddleware")
_PROXY_CALLS = frozenset(
    {
        "werkzeug.middleware.proxy_fix.ProxyFix",
        "werkzeug.contrib.fixers.ProxyFix",
        "uvicorn.middleware.proxy_headers.ProxyHeadersMiddleware",
    }
)


def _proxy_headers(module: PythonModule) -> list[Site]:
    """Calls that set the app up behind a proxy: `ProxyFix(app.wsgi_app)`, `add_middleware(ProxyHeadersMiddleware)`,
    `uvicorn.run(..., forwarded_allow_ips="*")` or `proxy_headers=True`."""
    index = module.index
    found: list[Site] = []
    for node in module.nodes_of(ast.Call):
        name = callee_name(node, index.module_scope, index)
        proxied = any(
            keyword.arg == "forwarded_allow_ips"
            or (keyword.arg == "proxy_headers" and isinstance(keyword.value, ast.Constant) and keyword.value.value)
            for keyword in node.keywords
        )
        arguments = {callee for arg in node.args if (callee := index.qualified_name(arg, index.module_scope))}
        if name in _PROXY_CALLS or arguments & _PROXY_CALLS or proxied:
            found.append(site_of(node, module))
    return found


def _calls_to(module: PythonModule, names: frozenset[str]) -> list[Site]:
    index = module.index
    found: list[Site] = []
    for node in module.nodes_of(ast.Call):
        if callee_name(node, index.module_scope, index) in names:
            found.append(site_of(node, module))
            if len(found) >= _EVIDENCE_LIMIT:
                break
    return found


def _validation_classes(module: PythonModule) -> list[Site]:
    index = module.index
    found: list[Site] = []
    for node in module.tree.body:
        if isinstance(node, ast.ClassDef) and any(
            index.qualified_name(base, index.module_scope) in VALIDATION_BASES for base in node.bases
        ):
            found.append(site_of(node, module))
            if len(found) >= _EVIDENCE_LIMIT:
                break
    return found
