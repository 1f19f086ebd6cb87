"""The project's web applications, assembled from the facts of every module.

One `WebApp` per Flask/FastAPI/Starlette application object and per Django production settings module, with:
- its effective configuration (settings modules and config classes followed through star imports and class
  bases; Flask's `from_object` targets; direct `app.config[...]` writes on top), one per production profile;
- the extensions and middleware attached to it (directly, or by `init_app`);
- its routes (by the decorator's owner: the app, a blueprint or router registered on it), with the guards its
  owners add (`before_request` hooks, router dependencies);
- the headers set in code near it.

Facts that cannot be tied to an app by identity (a blueprint never registered in the scanned code, a header set
in a helper module) go to the nearest app in the directory tree, which is right for the usual one-app project
and keeps several apps in one repository apart.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from bastion.concepts.classes import ClassIndex
from bastion.concepts.dependencies import DependencyIndex
from bastion.concepts.guards import classify_decorator, classify_dependency
from bastion.concepts.webfacts import (
    AppFact,
    Component,
    ConfigLoad,
    GuardCheck,
    HeaderSet,
    Hook,
    ModuleWebFacts,
    RouteFact,
    ScopeKind,
    SettingOperation,
    SettingsScope,
    SettingValue,
    Site,
    UrlEntry,
    ValueSource,
)
from bastion.core import patterns

T = TypeVar("T")


def _module_path(path: str) -> str:
    """`src/app/views.py` -> `.src.app.views` (a leading dot, so that a suffix test matches whole names)."""
    stem = path[: -len(".py")] if path.endswith(".py") else path
    if stem.endswith("/__init__"):
        stem = stem[: -len("/__init__")]
    return "." + stem.replace("/", ".")


_DEV_WORDS = frozenset(
    {"dev", "devel", "develop", "development", "local", "test", "tests", "testing", "ci", "debug", "example", "sample"}
)
# Words of a camelCase or snake_case name; `HTTPServer` is matched whole and split by `_name_words`.
_WORDS = patterns.compile(r"[A-Z]+[a-z][a-z0-9]*|[A-Z]?[0-9][a-z0-9]*|[a-z][a-z0-9]*|[A-Z]+")
_FRAMEWORK_FAMILY = {"flask": "flask", "fastapi": "asgi", "starlette": "asgi", "django": "django"}


def _name_words(name: str) -> Iterator[str]:
    """`HTTPServerConfig` -> HTTP, Server, Config: a run of capitals gives its last one to a following lower-case
    word."""
    for word in _WORDS.findall(name):
        capitals = len(word) - len(word.lstrip(string.ascii_uppercase))
        if 1 < capitals < len(word):
            yield word[: capitals - 1]
            yield word[capitals - 1 :]
        else:
            yield word


def is_development_profile(name: str, path: str = "") -> bool:
    """`settings/dev.py`, `local_settings.py`, `class TestingConfig` ...: settings not meant for production."""
    words = {word.lower() for word in _name_words(name.replace("-", "_").replace(".", "_"))}
    if words & _DEV_WORDS:
        return True
    directories = path.split("/")[:-1]
    return any(part in ("tests", "test", "testing") for part in directories)


def common_prefix(a: str, b: str) -> int:
    parts_a, parts_b = a.split("/")[:-1], b.split("/")[:-1]
    count = 0
    for x, y in zip(parts_a, parts_b, strict=False):
        if x != y:
            break
        count += 1
    return count


def nearest(candidates: Sequence[tuple[str, T]], near: str) -> T | None:
    """The candidate whose path shares the most leading directories with `near` (the first on a tie)."""
    best: T | None = None
    best_score = -1
    for path, value in candidates:
        score = common_prefix(path, near)
        if score > best_score:
            best, best_score = value, score
    return best


# -- configuration -----------------------------------------------------------------------------------------------


@dataclass
class EffectiveConfig:
    """The settings a running app sees under one configuration profile."""

    label: str
    values: dict[str, SettingValue] = field(default_factory=dict)
    # List settings after `+=`, `.append`, `.remove`: each item and where it was written; None when not known.
    lists: dict[str, list[tuple[str, Site]] | None] = field(default_factory=dict)
    scopes: list[SettingsScope] = field(default_factory=list)

    def get(self, name: str) -> SettingValue | None:
        return self.values.get(name)

    def known_value(self, name: str, default: Any = None) -> tuple[bool, Any]:
        """(known, value): the value without the environment's help, the framework default when unset."""
        setting = self.values.get(name)
        if setting is None:
            return True, default
        return setting.effective_default()

    def items(self, name: str) -> list[tuple[str, Site]] | None:
        return self.lists.get(name)

    def copy(self, label: str | None = None) -> EffectiveConfig:
        return EffectiveConfig(
            label or self.label,
            dict(self.values),
            {key: (list(value) if value is not None else None) for key, value in self.lists.items()},
            list(self.scopes),
        )

    def apply(self, setting: SettingValue) -> None:
        name = setting.name
        site = setting.site
        if setting.operation is SettingOperation.SET:
            self.values[name] = setting
            if setting.items or isinstance(setting.value, (list, tuple)):
                self.lists[name] = [(item, _item_site(site, line)) for item, line in setting.items]
            elif setting.source is not ValueSource.LITERAL:
                self.lists[name] = None
            else:
                self.lists.pop(name, None)
            return
        if setting.operation is SettingOperation.UPDATE:
            self._update(setting)
            return
        current = self.lists.get(name, [] if name not in self.values else None)
        if current is None:
            return  # the list itself is not known: an extension cannot make it known
        if not setting.items and not (setting.known and setting.value == []):
            self.lists[name] = None  # extended by something we cannot read
            return
        added = [(item, _item_site(site, line)) for item, line in setting.items]
        if setting.operation is SettingOperation.EXTEND:
            self.lists[name] = [*current, *added]
        else:
            removed = {item for item, _ in added}
            self.lists[name] = [(item, where) for item, where in current if item not in removed]
        self.values.setdefault(name, setting)

    def _update(self, setting: SettingValue) -> None:
        """`NAME["key"] = value` on a dictionary setting: merged when both are known, else the whole setting is
        no longer known (a key set to something we cannot read)."""
        current = self.values.get(setting.name)
        if current is None or not current.known or not isinstance(current.value, dict):
            return
        if setting.known and isinstance(setting.value, dict):
            self.values[setting.name] = replace(current, value={**current.value, **setting.value})
        else:
            self.values[setting.name] = replace(current, source=ValueSource.COMPUTED, value=None)


def _item_site(site: Site, line: int) -> Site:
    return Site(site.path, line, 1, site.snippet if line == site.line else "")


class SettingsIndex:
    """Settings scopes by key (several files may share a dotted name: the nearest wins)."""

    def __init__(self, scopes: Iterable[SettingsScope]) -> None:
        self.by_key: dict[str, list[tuple[str, SettingsScope]]] = {}
        self.by_path: dict[str, SettingsScope] = {}
        for scope in scopes:
            self.by_key.setdefault(scope.key, []).append((scope.site.path, scope))
            if scope.kind is ScopeKind.MODULE:
                self.by_path[scope.site.path] = scope
        self._cache: dict[tuple[str, str], EffectiveConfig] = {}

    def resolve(self, key: str, near: str) -> SettingsScope | None:
        candidates = self.by_key.get(key)
        if not candidates:
            # `from_object("settings")` from a package: try the key's last parts.
            suffix = f".{key}"
            candidates = [item for k, items in self.by_key.items() if k.endswith(suffix) for item in items]
        return nearest(candidates, near) if candidates else None

    def resolve_file(self, name: str, near: str) -> SettingsScope | None:
        candidates = [(path, scope) for path, scope in self.by_path.items() if path.endswith(name)]
        return nearest(candidates, near)

    def effective(self, scope: SettingsScope) -> EffectiveConfig:
        key = (scope.key, scope.site.path)
        if key not in self._cache:
            self._cache[key] = self._build(scope, set())
        return self._cache[key].copy()

    def _build(self, scope: SettingsScope, seen: set[tuple[str, str]]) -> EffectiveConfig:
        marker = (scope.key, scope.site.path)
        config = EffectiveConfig(scope.name)
        if marker in seen:
            return config
        seen = {*seen, marker}
        bases = list(scope.bases)
        if scope.kind is ScopeKind.CLASS:
            bases.reverse()  # the first base wins attribute lookup
        for base_key in bases:
            base = self.resolve(base_key, scope.site.path)
            if base is None or (base.key, base.site.path) in seen:
                continue
            inherited = self._build(base, seen)
            config.scopes.extend(inherited.scopes)
            config.values.update(inherited.values)
            config.lists.update(inherited.lists)
        config.scopes.append(scope)
        for setting in scope.settings:
            config.apply(setting)
        return config

    def chain_is_django(self, scope: SettingsScope) -> bool:
        return any(s.django for s in self.effective(scope).scopes)


# -- applications ------------------------------------------------------------------------------------------------


@dataclass
class WebApp:
    framework: str  # flask | fastapi | starlette | django
    site: Site  # where findings about missing protections are reported
    label: str
    ref: str | None = None
    configs: list[EffectiveConfig] = field(default_factory=list)
    opaque_loads: list[ConfigLoad] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    routes: list[RouteContext] = field(default_factory=list)
    headers: list[HeaderSet] = field(default_factory=list)
    url_entries: list[UrlEntry] = field(default_factory=list)
    dependencies: tuple[str, ...] = ()
    hooks: list[Hook] = field(default_factory=list)
    # The app this one is mounted under (`parent.mount("/api", app=self)`): its middleware and headers cover it.
    mounted_in: WebApp | None = None
    # Hand-written CSRF checks run before every request (a hook that compares a request token with the session's).
    csrf_checks: list[Site] = field(default_factory=list)
    settings_scope: SettingsScope | None = None

    @property
    def family(self) -> str:
        return _FRAMEWORK_FAMILY.get(self.framework, self.framework)

    @property
    def path(self) -> str:
        return self.site.path

    @property
    def config_is_opaque(self) -> bool:
        """Part of the configuration comes from the environment or files we cannot read."""
        return bool(self.opaque_loads)

    def components_of(self, *kinds: str) -> list[Component]:
        return [component for component in self.components if component.kind in kinds]


@dataclass
class RouteContext:
    route: RouteFact
    app: WebApp | None
    # Guards the route inherits: before_request hooks of its blueprint and app, router and app dependencies.
    inherited: GuardCheck = field(default_factory=GuardCheck)

    @property
    def authn(self) -> tuple[Site, ...]:
        return (*self.route.guard.authn, *self.inherited.authn)

    @property
    def authz(self) -> tuple[Site, ...]:
        return (*self.route.guard.authz, *self.inherited.authz)


@dataclass
class ProjectModel:
    apps: list[WebApp]
    routes: list[RouteContext]
    facts: list[ModuleWebFacts]
    settings: SettingsIndex
    classes: ClassIndex = field(default_factory=lambda: ClassIndex(()))
    dependencies: DependencyIndex = field(default_factory=lambda: DependencyIndex(()))

    def apps_of(self, *frameworks: str) -> list[WebApp]:
        return [app for app in self.apps if app.framework in frameworks]

    def evidence(self, attribute: str) -> list[Site]:
        return [site for facts in self.facts for site in getattr(facts, attribute)]


def _hook_applies(hook: Hook, route: RouteFact) -> bool:
    """A `url_value_preprocessor` that reads `values.pop("project_id")` guards the routes with `<project_id>`."""
    if not hook.url_values:
        return True
    path = route.path or ""
    return any(f"<{value}>" in path or f":{value}>" in path for value in hook.url_values)


def build_model(facts_by_path: Mapping[str, Any]) -> ProjectModel:
    facts = [value for _, value in sorted(facts_by_path.items()) if isinstance(value, ModuleWebFacts)]
    settings = SettingsIndex(scope for module in facts for scope in module.settings_scopes)
    builder = _Builder(facts, settings)
    return builder.build()


@dataclass
class _Guards:
    """Guard evidence gathered for a route from several places."""

    authn: list[Site] = field(default_factory=list)
    authz: list[Site] = field(default_factory=list)

    def add(self, guard: GuardCheck) -> None:
        self.authn.extend(guard.authn)
        self.authz.extend(guard.authz)

    def classify(
        self,
        names: Iterable[str],
        site: Site,
        classify: Callable[[str], tuple[bool, bool]] = classify_dependency,
    ) -> None:
        for name in names:
            authenticates, authorizes = classify(name)
            if authenticates:
                self.authn.append(site)
            if authorizes:
                self.authz.append(site)

    def check(self) -> GuardCheck:
        return GuardCheck(tuple(self.authn), tuple(self.authz))


class _Builder:
    def __init__(self, facts: list[ModuleWebFacts], settings: SettingsIndex) -> None:
        self.facts = facts
        self.settings = settings
        self.apps: list[WebApp] = []
        self.app_by_ref: dict[str, list[tuple[str, WebApp]]] = {}
        self.app_by_factory: dict[str, list[tuple[str, WebApp]]] = {}
        self.alias: dict[str, list[tuple[str, str]]] = {}
        self.owner_parent: dict[str, list[tuple[str, str | None]]] = {}
        self.owner_dependencies: dict[str, tuple[str, ...]] = {}
        self.owner_sites: dict[str, Site] = {}

    def _all(self, attribute: str) -> list[Any]:
        return [item for module in self.facts for item in getattr(module, attribute)]

    def build(self) -> ProjectModel:
        for app_fact in self._all("apps"):
            self._add_app(app_fact)
        for alias in self._all("aliases"):
            self.alias.setdefault(alias.ref, []).append((alias.site.path, alias.factory))
        self.classes = ClassIndex(self._all("classes"))
        self.dependencies = DependencyIndex(self._all("guard_functions"))
        for owner in self._all("owners"):
            inherited = self.classes.init_dependencies(owner.factory) if owner.factory else ()
            self.owner_dependencies[owner.ref] = (*owner.dependencies, *inherited)
            self.owner_sites[owner.ref] = owner.site
        for registration in self._all("registrations"):
            self.owner_parent.setdefault(registration.child_ref, []).append(
                (registration.site.path, registration.parent_ref)
            )
            if registration.dependencies:
                existing = self.owner_dependencies.get(registration.child_ref, ())
                self.owner_dependencies[registration.child_ref] = (*existing, *registration.dependencies)
                self.owner_sites.setdefault(registration.child_ref, registration.site)
        self._alias_namespace_owners()
        for mount in self._all("mounts"):
            parent = self.resolve_app(mount.parent_ref, mount.site.path)
            child = self.resolve_app(mount.child_ref, mount.site.path)
            if parent is not None and child is not None and child is not parent:
                child.mounted_in = parent
        self._add_django_projects()
        self._attach_config()
        self._attach_components()
        hooks_by_owner = self._hooks()
        routes = self._routes(hooks_by_owner)
        self._attach_by_nearness()
        self._url_wrappers(routes)
        return ProjectModel(self.apps, routes, self.facts, self.settings, self.classes, self.dependencies)

    # apps

    def _add_app(self, fact: AppFact) -> None:
        title = {"flask": "Flask", "fastapi": "FastAPI", "starlette": "Starlette"}.get(fact.framework, fact.framework)
        label = f"the {title} app `{fact.ref.rsplit('.', 1)[-1]}`"
        app = WebApp(fact.framework, fact.site, label, ref=fact.ref)
        app.dependencies = fact.dependencies
        app.configs = [EffectiveConfig("app")]
        for setting in fact.settings:
            app.configs[0].apply(setting)
        self.apps.append(app)
        self.app_by_ref.setdefault(fact.ref, []).append((fact.site.path, app))
        if fact.factory:
            self.app_by_factory.setdefault(fact.factory, []).append((fact.site.path, app))

    def resolve_app(self, ref: str | None, near: str) -> WebApp | None:
        if ref is None:
            return None
        direct = self.app_by_ref.get(ref)
        if direct:
            return nearest(direct, near)
        factory = nearest(self.alias.get(ref, []), near)
        if factory is not None and factory in self.app_by_factory:
            return nearest(self.app_by_factory[factory], near)
        return None

    def _nearest_app(self, near: str, family: str | None = None) -> WebApp | None:
        candidates = [(app.path, app) for app in self.apps if family is None or app.family == family]
        return nearest(candidates, near)

    def _add_django_projects(self) -> None:
        module_scopes = [scope for module in self.facts for scope in module.settings_scopes]
        module_scopes = [scope for scope in module_scopes if scope.kind is ScopeKind.MODULE]
        referenced: list[SettingsScope] = []
        for module in self.facts:
            for name, site in module.django_settings_refs:
                scope = self.settings.resolve(name, site.path)
                if scope is not None:
                    referenced.append(scope)
        imported: set[tuple[str, str]] = set()
        for scope in module_scopes:
            for base in scope.bases:
                resolved = self.settings.resolve(base, scope.site.path)
                if resolved is not None:
                    imported.add((resolved.key, resolved.site.path))
        leaves: dict[tuple[str, str], SettingsScope] = {}
        for scope in module_scopes:
            key = (scope.key, scope.site.path)
            if key in imported or not self.settings.chain_is_django(scope):
                continue
            leaves[key] = scope
        for scope in referenced:
            leaves.setdefault((scope.key, scope.site.path), scope)
        for scope in sorted(leaves.values(), key=lambda s: s.site.path):
            if is_development_profile(scope.name, scope.site.path):
                continue
            config = self.settings.effective(scope)
            config.label = scope.site.path
            label = f"the Django settings {scope.site.path}"
            app = WebApp("django", scope.site, label, configs=[config], settings_scope=scope)
            self.apps.append(app)

    # configuration

    def _attach_config(self) -> None:
        loads: dict[int, list[ConfigLoad]] = {}
        for load in sorted(self._all("config_loads"), key=lambda item: (item.site.path, item.site.line)):
            app = self.resolve_app(load.app_ref, load.site.path) or self._guess_app(load.app_ref, load.site.path)
            if app is not None:
                loads.setdefault(id(app), []).append(load)
        for app in self.apps:
            if app.framework == "django":
                continue
            for load in loads.get(id(app), []):
                self._apply_load(app, load)
        assignments = sorted(self._all("config_assignments"), key=lambda a: (a.setting.site.path, a.setting.site.line))
        for assignment in assignments:
            app = self.resolve_app(assignment.app_ref, assignment.setting.site.path) or self._guess_app(
                assignment.app_ref, assignment.setting.site.path
            )
            if app is None or app.framework == "django":
                continue
            for config in app.configs:
                config.apply(assignment.setting)

    def _guess_app(self, ref: str | None, near: str) -> WebApp | None:
        """An app passed around under a name (`def configure(app): app.config[...]`): the nearest Flask app."""
        if ref is None or "app" not in ref.rsplit(".", 1)[-1].lower():
            return None
        return self._nearest_app(near, "flask")

    def _apply_load(self, app: WebApp, load: ConfigLoad) -> None:
        scopes: list[SettingsScope] = []
        if load.method == "from_object":
            scopes = [s for target in load.targets if (s := self.settings.resolve(target, load.site.path))]
        elif load.method == "from_pyfile":
            scopes = [s for target in load.targets if (s := self.settings.resolve_file(target, load.site.path))]
        if not scopes:
            app.opaque_loads.append(load)
            return
        production = [s for s in scopes if not is_development_profile(s.name, s.site.path)] or scopes
        configs: list[EffectiveConfig] = []
        for config in app.configs:
            for scope in production:
                loaded = self.settings.effective(scope)
                name = scope.site.path if scope.kind is ScopeKind.MODULE else scope.name
                merged = config.copy(name if len(production) > 1 or config.label == "app" else config.label)
                merged.values.update(loaded.values)
                merged.lists.update(loaded.lists)
                merged.scopes.extend(loaded.scopes)
                configs.append(merged)
        app.configs = configs

    # components

    def _attach_components(self) -> None:
        init_by_object: dict[str, list[Any]] = {}
        for init in self._all("init_apps"):
            init_by_object.setdefault(init.object_ref, []).append(init)
        for component in self._all("components"):
            targets: list[tuple[WebApp | None, Component]] = []
            app = self.resolve_app(component.app_ref, component.site.path)
            if app is not None:
                targets.append((app, component))
            for init in init_by_object.get(component.object_ref or "", []):
                init_app = self.resolve_app(init.app_ref, init.site.path) or self._nearest_app(init.site.path)
                merged = Component(
                    component.kind,
                    component.library,
                    component.site,
                    init.app_ref,
                    component.object_ref,
                    (*component.options, *init.options),
                    (*component.option_sites, *init.option_sites),
                    (*component.opaque_options, *init.opaque_options),
                    component.splat,
                )
                targets.append((init_app, merged))
            if not targets:
                family = "asgi" if component.library.startswith(("starlette", "fastapi", "slowapi")) else None
                targets.append((self._nearest_app(component.site.path, family), component))
            for target, attached in targets:
                if target is not None:
                    target.components.append(attached)

    # routes

    def _hooks(self) -> dict[int, dict[str, list[Hook]]]:
        by_app: dict[int, dict[str, list[Hook]]] = {}
        for hook in self._all("hooks"):
            app = self.resolve_app(hook.owner_ref, hook.site.path)
            if app is not None:
                app.hooks.append(hook)
            elif hook.owner_ref is not None:
                by_app.setdefault(0, {}).setdefault(hook.owner_ref, []).append(hook)
            if hook.checks_csrf_token:
                # A factory's hook registers on the app it is given (`def init(app): @app.before_request`).
                target = app or self._nearest_app(hook.site.path, "flask")
                if target is not None:
                    target.csrf_checks.append(hook.site)
        return by_app

    def _alias_namespace_owners(self) -> None:
        """A module in a namespace package (a folder with no `__init__.py`) is named from the nearest package down
        (`views`), while the module that registers its router imports it by its full name
        (`dispatch.data.alert.views.router`): a route owner known by no registration takes the parent of the one
        registered child whose module name ends the owner's file path (`src/dispatch/data/alert/views.py`)."""
        children = set(self.owner_parent)
        paths: dict[str, set[str]] = {}
        for route in self._all("routes"):
            if route.owner_ref:
                paths.setdefault(route.owner_ref, set()).add(route.site.path)
        for owner_ref, site in self.owner_sites.items():
            paths.setdefault(owner_ref, set()).add(site.path)
        for owner, owner_paths in sorted(paths.items()):
            if owner in children or "." not in owner:
                continue
            attribute = owner.rsplit(".", 1)[1]
            for path in sorted(owner_paths):
                module = _module_path(path)
                matches = [
                    child
                    for child in children
                    if child.endswith("." + attribute)
                    and child not in paths
                    and module.endswith("." + child.rsplit(".", 1)[0])
                ]
                if len(matches) != 1:
                    continue
                # Keyed by the owner's own file, so that `nearest` picks it for the routes of that file even when
                # two namespace modules share a short name.
                parents = self.owner_parent.get(matches[0], [])
                self.owner_parent.setdefault(owner, []).extend((path, parent) for _, parent in parents)
                if len(owner_paths) == 1 and matches[0] in self.owner_dependencies:
                    existing = self.owner_dependencies.get(owner, ())
                    self.owner_dependencies[owner] = (*existing, *self.owner_dependencies[matches[0]])

    def _owner_chain(self, ref: str | None, near: str) -> tuple[WebApp | None, list[str]]:
        """The app a route owner belongs to, and the owners (blueprints, routers) on the way."""
        chain: list[str] = []
        current = ref
        for _ in range(8):
            if current is None:
                return None, chain
            app = self.resolve_app(current, near)
            if app is not None:
                return app, chain
            chain.append(current)
            parent = nearest(self.owner_parent.get(current, []), near)
            if parent is None:
                return None, chain
            current = parent
        return None, chain

    def _routes(self, hooks_by_owner: dict[int, dict[str, list[Hook]]]) -> list[RouteContext]:
        owner_hooks = hooks_by_owner.get(0, {})
        contexts: list[RouteContext] = []
        for route in self._all("routes"):
            app, chain = self._owner_chain(route.owner_ref, route.site.path)
            if app is None:
                app = self._nearest_app(route.site.path, _FRAMEWORK_FAMILY.get(route.framework))
            guard = _Guards()
            judge = self.dependencies.classify
            for owner in chain:
                for hook in owner_hooks.get(owner, []):
                    if _hook_applies(hook, route):
                        guard.add(hook.guard)
                guard.classify(self.owner_dependencies.get(owner, ()), self.owner_sites.get(owner, route.site), judge)
            if app is not None:
                for hook in app.hooks:
                    if _hook_applies(hook, route):
                        guard.add(hook.guard)
                guard.classify(app.dependencies, app.site, judge)
            # The route's own dependencies, judged by what the project's functions do (names were judged already).
            guard.classify(route.dependencies, route.site, judge)
            # A method of a class-based view (Django, DRF, fastapi-utils `cbv`, a project's controller classes).
            view_class = route.qualname.rsplit(".", 1)[0]
            if self.classes.defines(view_class):
                guard.classify(
                    self.classes.dependencies(view_class), self.classes.site(view_class) or route.site, judge
                )
            context = RouteContext(route, app, guard.check())
            contexts.append(context)
            if app is not None:
                app.routes.append(context)
        return contexts

    def _url_wrappers(self, routes: list[RouteContext]) -> None:
        """`path("x/", login_required(views.x))`: the wrappers in a URLconf guard the view like decorators."""
        by_view: dict[str, list[RouteContext]] = {}
        for context in routes:
            by_view.setdefault(context.route.qualname, []).append(context)
        for entry in self._all("url_entries"):
            if not entry.wrappers:
                continue
            guard = _Guards()
            guard.classify(entry.wrappers, entry.site, classify_decorator)
            for context in by_view.get(entry.view, []):
                guard.add(context.inherited)
                context.inherited = guard.check()

    def _attach_by_nearness(self) -> None:
        for header in self._all("headers"):
            app = self._nearest_app(header.site.path)
            if app is not None:
                app.headers.append(header)
        for entry in self._all("url_entries"):
            app = self._nearest_app(entry.site.path, "django")
            if app is not None:
                app.url_entries.append(entry)
