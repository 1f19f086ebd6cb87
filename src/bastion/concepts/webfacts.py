"""Facts about a web application, gathered from one module at a time.

These values cross process boundaries (collectors run in worker processes), so they hold no AST nodes: only
names, constants and places. Identities (`ref`) are dotted names as the semantic index writes them, so that a
fact in one module can be joined with a fact in another: `app = Flask(__name__)` in module `shop.web` has the ref
`shop.web.app`, and `from shop.web import app` elsewhere resolves to the same ref. Objects created inside a
function carry the function's dotted name as prefix (`shop.create_app.app`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


@dataclass(frozen=True, slots=True)
class Site:
    """A place in a file: what evidence and findings point at. `snippet` is the line as reports show it."""

    path: str
    line: int
    column: int = 1
    snippet: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class ValueSource(str, Enum):
    LITERAL = "literal"  # a constant in the source
    ENV = "env"  # read from the environment (maybe with a default)
    COMPUTED = "computed"  # anything else: a call, a file read, a random value


class SettingOperation(str, Enum):
    SET = "set"
    EXTEND = "extend"  # `+=`, `.append`, `.extend`, `.insert`
    REMOVE = "remove"  # `.remove`
    UPDATE = "update"  # `REST_FRAMEWORK["NUM_PROXIES"] = 1`: `value` is `{key: value}` when known


@dataclass(frozen=True, slots=True)
class SecretShape:
    """What may be said about a secret without holding it: never the value itself."""

    length: int
    distinct: int
    preview: str  # the first characters (at most 4, at most a quarter), as reports may show them
    digest: str  # the slow, salted fingerprint (`core.secret_identity.secret_fingerprint`)
    insecure_prefix: bool  # Django's `django-insecure-` marker
    placeholder: bool  # "change-me", "dev", "secret" ...


@dataclass(frozen=True, slots=True)
class SettingValue:
    """One assignment of a configuration key: `DEBUG = True`, `app.config["DEBUG"] = True`, `FastAPI(debug=True)`.

    `value` is the folded constant for literals (None for secrets, whose shape is in `secret`); `env_default` the
    value the setting takes when the environment variable is unset, when the source says so.
    """

    name: str
    site: Site
    source: ValueSource
    value: Any = None
    has_env_default: bool = False
    env_default: Any = None
    secret: SecretShape | None = None
    # For lists of strings (MIDDLEWARE, PASSWORD_HASHERS ...): each item and the line it is written on.
    items: tuple[tuple[str, int], ...] = ()
    operation: SettingOperation = SettingOperation.SET

    @property
    def known(self) -> bool:
        return self.source is ValueSource.LITERAL

    def effective_default(self) -> tuple[bool, Any]:
        """(known, value) for what the setting is when nothing in the environment overrides it."""
        if self.source is ValueSource.LITERAL:
            return True, self.value
        if self.source is ValueSource.ENV and self.has_env_default:
            return True, self.env_default
        return False, None


class ScopeKind(str, Enum):
    MODULE = "module"
    CLASS = "class"


@dataclass(frozen=True, slots=True)
class SettingsScope:
    """A settings module (`settings.py`, Django split settings) or a config class (`class ProductionConfig`)."""

    key: str  # dotted module name, or module.Class
    kind: ScopeKind
    name: str  # the file stem or class name (tells a development profile from a production one)
    site: Site
    bases: tuple[str, ...]  # star-imported modules (absolute) or base classes (qualified), in order
    settings: tuple[SettingValue, ...]
    django: bool  # defines Django-only settings (INSTALLED_APPS, MIDDLEWARE, ROOT_URLCONF ...)


@dataclass(frozen=True, slots=True)
class ConfigLoad:
    """`app.config.from_object(...)` and its siblings."""

    app_ref: str | None
    method: str  # from_object | from_pyfile | from_envvar | from_prefixed_env | from_file | from_json
    targets: tuple[str, ...]  # resolved dotted names (from_object) or file names (from_pyfile); empty = unknown
    site: Site


@dataclass(frozen=True, slots=True)
class Component:
    """An extension or middleware: `Talisman(app)`, `CSRFProtect()`, `app.add_middleware(CORSMiddleware, ...)`.

    `options` holds the keyword arguments whose value is a constant; `opaque_options` names those that are not,
    and `splat` says `**kwargs` was passed (any option may hide there).
    """

    kind: str  # talisman | csrf | seasurf | limiter | login | cors | sslify | https-redirect | trusted-host | session
    library: str  # qualified name of the class or function
    site: Site
    app_ref: str | None  # the app it was given, when given one
    object_ref: str | None  # the variable it was stored in
    options: tuple[tuple[str, Any], ...] = ()
    option_sites: tuple[tuple[str, Site], ...] = ()
    opaque_options: tuple[str, ...] = ()
    splat: bool = False
    # Secret keyword arguments (`secret_key="..."`): their shape and a redacted place, never the value.
    secret_options: tuple[SettingValue, ...] = ()

    def option(self, name: str, default: Any = None) -> Any:
        for key, value in self.options:
            if key == name:
                return value
        return default

    def has_option(self, name: str) -> bool:
        return any(key == name for key, _ in self.options) or name in self.opaque_options

    def option_site(self, name: str) -> Site:
        """Where the option is written (the call itself when it is left at its default)."""
        for key, site in self.option_sites:
            if key == name:
                return site
        return self.site


@dataclass(frozen=True, slots=True)
class InitApp:
    """`ext.init_app(app, **options)`: attaches a component created elsewhere to an app."""

    object_ref: str
    app_ref: str | None
    site: Site
    options: tuple[tuple[str, Any], ...] = ()
    option_sites: tuple[tuple[str, Site], ...] = ()
    opaque_options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AppFact:
    """A Flask, FastAPI or Starlette application object."""

    ref: str
    framework: str  # flask | fastapi | starlette
    site: Site
    factory: str | None  # dotted name of the function that creates it (app factory), if any
    settings: tuple[SettingValue, ...] = ()  # constructor options that are settings (FastAPI(debug=True))
    dependencies: tuple[str, ...] = ()  # FastAPI(dependencies=[Depends(x)]): the dependency names


@dataclass(frozen=True, slots=True)
class AppAlias:
    """`app = create_app()`: the variable holds the app the factory builds."""

    ref: str
    factory: str
    site: Site


@dataclass(frozen=True, slots=True)
class ConfigAssignment:
    """A setting written on an app: `app.config["X"] = ...`, `app.config.update(X=...)`, `app.secret_key = ...`."""

    app_ref: str | None
    setting: SettingValue


@dataclass(frozen=True, slots=True)
class RouteOwner:
    """A Flask blueprint or a FastAPI router."""

    ref: str
    kind: str  # blueprint | router
    site: Site
    dependencies: tuple[str, ...] = ()
    # The project's own subclass it is made from (`UserAPIRouter`), whose `__init__` may add dependencies.
    factory: str = ""


@dataclass(frozen=True, slots=True)
class Registration:
    """`app.register_blueprint(bp)` / `app.include_router(router, dependencies=[...])`."""

    parent_ref: str | None
    child_ref: str
    site: Site
    dependencies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GuardCheck:
    """What a piece of code checks about the caller: authentication, authorization (role, permission, owner)."""

    authn: tuple[Site, ...] = ()
    authz: tuple[Site, ...] = ()


@dataclass(frozen=True, slots=True)
class Mount:
    """`app.mount("/api", app=api)`: an ASGI app served under another, behind its middleware."""

    parent_ref: str | None
    child_ref: str
    site: Site


@dataclass(frozen=True, slots=True)
class Hook:
    """`@app.before_request` / `@bp.before_request`: runs before every route of its owner."""

    owner_ref: str | None
    site: Site
    guard: GuardCheck
    checks_csrf_token: bool = False  # compares a request token with the session's and refuses on mismatch
    # A Flask `url_value_preprocessor` guards only the routes whose URL carries the values it takes
    # (`values.pop("project_id")`); empty for hooks that run before every request.
    url_values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IdorCandidate:
    """An object fetched by an id from the request, in a handler that never looks at the current user."""

    site: Site
    parameter: str
    callee: str
    private_noun: bool  # the id, path or fetch names private data (user, account, order, invoice ...)
    model: str | None = None  # the ORM model class fetched (`Order.query.get(id)`, `get_object_or_404(Order, ...)`)
    changes: bool = False  # the handler then changes or deletes the object (`obj.name = ...`, `.save()`, `.delete()`)
    # Dependencies (`account = Depends(check_account)`) whose value the handler reads: when one of them authenticates
    # (decided project-wide, `concepts.dependencies`), the handler looks at the current user after all.
    read_dependencies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RowListing:
    """Every row of a model read with no condition (`Order.query.all()`, `db.query(Order).limit(n).all()`,
    `Tracker.objects.raw(sql)`), in a handler that never looks at the current user."""

    site: Site
    model: str


@dataclass(frozen=True, slots=True)
class GuardFunction:
    """A module-level function that may serve as a FastAPI dependency, with what it checks about the caller: whether
    it refuses the request as unauthenticated or forbidden (`raise HTTPException(401)`), tests a role, and the
    dependencies and project functions it relies on (a dependency that depends on one that authenticates
    authenticates too)."""

    ref: str
    site: Site
    denies: bool = False  # raises or aborts with 401/403 (or an Unauthorized/Forbidden/PermissionDenied exception)
    tests_role: bool = False  # a role or permission test on the caller that refuses (`if not user.is_admin: raise`)
    optional: bool = False  # `optional_user`, `maybe_user`: lets anonymous callers through
    depends_on: tuple[str, ...] = ()  # dependencies of its parameters (`Depends(check_access_token)`)
    calls: tuple[str, ...] = ()  # project functions it calls (qualified names)


@dataclass(frozen=True, slots=True)
class FailureBranch:
    """Where a login handler answers "wrong credentials"; `logged` is the logging call in that branch, if any."""

    site: Site
    logged: Site | None


@dataclass(frozen=True, slots=True)
class ClassFact:
    """A top-level class with bases: what views, routers and models built on it inherit (`concepts.classes`)."""

    ref: str
    site: Site
    bases: tuple[str, ...]
    dependencies: tuple[str, ...] = ()  # class attributes `x = Depends(f)` (class-based views)
    init_dependencies: tuple[str, ...] = ()  # `super().__init__(dependencies=[...])` (router subclasses)
    owner_fields: tuple[str, ...] = ()  # ORM model fields naming the owning user (or relations to the user model)
    # ORM relations to another model (`project = models.ForeignKey(Project)`): (field, the model named), through which
    # a row belongs to whoever owns the row it points to.
    parent_fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class RouteFact:
    """A route handler and what it does about security."""

    name: str
    qualname: str
    site: Site  # the `def` line
    framework: str
    methods: tuple[str, ...]
    path: str | None
    owner_ref: str | None
    class_name: str | None
    decorators: tuple[str, ...]
    guard: GuardCheck = field(default_factory=GuardCheck)
    dependencies: tuple[str, ...] = ()
    rate_limits: tuple[Site, ...] = ()
    rate_limit_exempt: bool = False
    csrf_exempt: Site | None = None
    reads_form: bool = False
    reads_files: bool = False
    reads_password: bool = False
    validates_form_token: bool = False  # Flask-WTF `form.validate_on_submit()` checks the CSRF token
    # Classes whose instances the handler `.validate()`s (`form = ProjectForm(); form.validate()`, through a local
    # factory too): a Flask-WTF `FlaskForm` checks its CSRF token there (decided with the project's classes).
    validated_forms: tuple[str, ...] = ()
    verifies_signature: bool = False  # webhooks that authenticate by signature, not by cookie
    writes_state: bool = True  # the body may change state (`concepts.route_effects`); False only when proven
    # Reads a credential from a header (API key, bearer token) or finds its subject by a secret in its own URL (a
    # webhook's token): its caller is not known by the browser's cookie.
    header_authenticated: bool = False
    idor: IdorCandidate | None = None
    listing: RowListing | None = None
    failure_branches: tuple[FailureBranch, ...] = ()
    drf: bool = False  # a Django REST framework view (project-wide DRF defaults apply)
    verifies_password: bool = False  # checks a password itself (`check_password_hash(...)`): a login form
    verifies_token: bool = False  # checks a signed or issued token (`verify_token(t)`, `jwt.decode(...)`): a reset link
    # Authorization checks left in comments on the handler (`# auth=Depends(RolesChecker([...]))`,
    # `# @admin_required`, `# if not current_user.is_admin: abort(403)`).
    disabled_guards: tuple[Site, ...] = ()
    drops_data: bool = False  # wipes a database or its tables (`db.drop_all()`, `call_command("flush")`)
    captcha: Site | None = None  # a CAPTCHA the handler checks (`captcha_flow(data.captcha_code)`): anti-automation

    @property
    def changes_state(self) -> bool:
        return bool({"POST", "PUT", "PATCH", "DELETE"}.intersection(self.methods))


@dataclass(frozen=True, slots=True)
class HeaderSet:
    """A response header set in code (`response.headers["X-Frame-Options"] = "DENY"`)."""

    name: str  # lower-case
    value: str | None
    site: Site


@dataclass(frozen=True, slots=True)
class UrlEntry:
    """A Django URLconf entry: `path("login/", LoginView.as_view())`."""

    route: str | None
    view: str  # qualified name of the view (callable or class), "" when unknown
    site: Site
    wrappers: tuple[str, ...] = ()  # functions wrapping the view: login_required(...), csrf_exempt(...)
    include: str | None = None  # include("django.contrib.auth.urls")


@dataclass(frozen=True, slots=True)
class ModuleWebFacts:
    """Everything the CFG recognisers found in one module."""

    module: str
    path: str
    settings_scopes: tuple[SettingsScope, ...] = ()
    apps: tuple[AppFact, ...] = ()
    aliases: tuple[AppAlias, ...] = ()
    config_assignments: tuple[ConfigAssignment, ...] = ()
    config_loads: tuple[ConfigLoad, ...] = ()
    components: tuple[Component, ...] = ()
    init_apps: tuple[InitApp, ...] = ()
    owners: tuple[RouteOwner, ...] = ()
    registrations: tuple[Registration, ...] = ()
    mounts: tuple[Mount, ...] = ()
    hooks: tuple[Hook, ...] = ()
    routes: tuple[RouteFact, ...] = ()
    headers: tuple[HeaderSet, ...] = ()
    django_settings_refs: tuple[tuple[str, Site], ...] = ()
    url_entries: tuple[UrlEntry, ...] = ()
    login_failed_receivers: tuple[Site, ...] = ()
    password_hashing: tuple[Site, ...] = ()  # calls to slow password hashers (evidence)
    input_validation: tuple[Site, ...] = ()  # form / schema classes (evidence)
    classes: tuple[ClassFact, ...] = ()
    # The app is run behind a TLS-terminating proxy: ProxyFix, uvicorn's proxy_headers / forwarded_allow_ips.
    proxy_headers: tuple[Site, ...] = ()
    # Failed-login counters compared with a maximum: account lockout written by the project (evidence).
    account_lockouts: tuple[Site, ...] = ()
    guard_functions: tuple[GuardFunction, ...] = ()

    def is_empty(self) -> bool:
        return not any(
            (
                self.settings_scopes,
                self.apps,
                self.aliases,
                self.config_assignments,
                self.config_loads,
                self.components,
                self.init_apps,
                self.owners,
                self.registrations,
                self.mounts,
                self.hooks,
                self.routes,
                self.headers,
                self.django_settings_refs,
                self.url_entries,
                self.login_failed_receivers,
                self.password_hashing,
                self.input_validation,
                self.classes,
                self.proxy_headers,
                self.account_lockouts,
                self.guard_functions,
            )
        )
