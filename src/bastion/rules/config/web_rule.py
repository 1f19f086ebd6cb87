"""The shared shape of the CFG rules that judge a whole web application from collected facts.

Each such rule holds its own check (a function of the project model, in the rule's file) that returns a `Verdict`:
what is wrong (problems), what is right (evidence), what cannot be told (unknown). The rule reports the problems as
findings; `bastion checklist` shows the evidence for the items that pass and the reasons for the ones it cannot
decide. One function for both answers means a PASS is always backed by the same reading of the code that would
have produced the FAIL. What the code does (apps, routes, settings) is recognised in `bastion.concepts`; what is
judged, with its messages and severities, lives here and in the rule files.
"""

from __future__ import annotations

import ast
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from bastion.concepts.webapp import (
    EffectiveConfig,
    ProjectModel,
    RouteContext,
    WebApp,
    build_model,
    is_development_profile,
)
from bastion.concepts.webfacts import Component, SettingValue, Site
from bastion.core.finding import Finding, Location
from bastion.core.fix import Applicability, Fix
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import ProjectContext, ProjectRule
from bastion.rules.config.collectors import WebFactsCollector
from bastion.semantic.edits import ModuleEditor

DJANGO_SECURITY_MIDDLEWARE = "django.middleware.security.SecurityMiddleware"

DJANGO_XFRAME_MIDDLEWARE = "django.middleware.clickjacking.XFrameOptionsMiddleware"


@dataclass(frozen=True)
class Problem:
    site: Site
    message: str
    severity: Severity | None = None
    confidence: Confidence | None = None
    context: str = ""
    properties: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Evidence:
    site: Site | None
    text: str


@dataclass
class Verdict:
    problems: list[Problem] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def problem(self, site: Site, message: str, **kwargs: Any) -> None:
        if not any(p.site == site and p.message == message for p in self.problems):
            self.problems.append(Problem(site, message, **kwargs))

    def good(self, site: Site | None, text: str) -> None:
        if not any(e.site == site and e.text == text for e in self.evidence):
            self.evidence.append(Evidence(site, text))


def production_configs(app: WebApp) -> list[EffectiveConfig]:
    return [config for config in app.configs if not is_development_profile(config.label)] or app.configs


def where(setting: SettingValue | None) -> str:
    if setting is None:
        return "(not set)"
    return f"{setting.site.path}:{setting.site.line}"


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def opaque_note(app: WebApp) -> str:
    loads = ", ".join(f"{load.method} at {load.site}" for load in app.opaque_loads)
    return f"part of the configuration of {app.label} ({app.path}) is loaded at run time ({loads})"


def option_site(component: Component, name: str) -> Site:
    return component.option_site(name)


def middleware_setting(config: EffectiveConfig) -> tuple[SettingValue | None, list[tuple[str, Site]] | None]:
    for name in ("MIDDLEWARE", "MIDDLEWARE_CLASSES"):
        setting = config.get(name)
        if setting is not None:
            return setting, config.items(name)
    return None, []


def middleware_site(config: EffectiveConfig, app: WebApp, item: str) -> Site | None:
    _, items = middleware_setting(config)
    return next((site for name, site in items or () if name == item), None)


def app_wide_limits(app: WebApp) -> tuple[Site | None, str | None]:
    """(site of a limit that covers every route, reason it is disabled)."""
    for config in production_configs(app):
        enabled = config.get("RATELIMIT_ENABLED")
        if enabled is not None and enabled.known and not truthy(enabled.value):
            return None, f"RATELIMIT_ENABLED = False at {where(enabled)}"
    for limiter in app.components_of("limiter"):
        if limiter.option("enabled", True) is False:
            return None, f"the limiter is disabled (enabled=False) at {limiter.site}"
        if limiter.option("default_limits") or "default_limits" in limiter.opaque_options:
            return option_site(limiter, "default_limits"), None
        if limiter.option("application_limits"):
            return option_site(limiter, "application_limits"), None
    for config in production_configs(app):
        default = config.get("RATELIMIT_DEFAULT") or config.get("RATELIMIT_APPLICATION")
        if default is not None and app.components_of("limiter"):
            return default.site, None
        if app.framework == "django":
            apps = {name for name, _ in config.items("INSTALLED_APPS") or ()}
            for guard in ("axes", "defender"):
                if guard in apps:
                    site = next(site for name, site in config.items("INSTALLED_APPS") or () if name == guard)
                    return site, None
    return None, None


def proxy_evidence(model: ProjectModel, app: WebApp) -> Site | None:
    """Where the project says the app runs behind a TLS-terminating proxy (Django's `SECURE_PROXY_SSL_HEADER`,
    Werkzeug's `ProxyFix`, uvicorn's `proxy_headers`/`forwarded_allow_ips`): there the HTTPS redirect and HSTS
    are the proxy's job, which the source does not show."""
    for config in production_configs(app):
        setting = config.get("SECURE_PROXY_SSL_HEADER")
        if setting is not None:
            return setting.site
    if app.framework == "django":
        return None
    # The evidence must sit in the app's own package (or beside it, for a one-directory project).
    app_folder = app.path.rsplit("/", 1)[0] if "/" in app.path else ""
    for site in model.evidence("proxy_headers"):
        folder = site.path.rsplit("/", 1)[0] if "/" in site.path else ""
        if folder.split("/")[0] == app_folder.split("/")[0]:
            return site
    return None


# One entry per live scan: the model is built once per scan and shared by every CFG rule. Keyed by id with a
# weak reference to check it (ProjectContext is not hashable), so that a finished scan's model is dropped.
_models: dict[int, tuple[weakref.ref[ProjectContext], ProjectModel]] = {}


def project_model(project: ProjectContext) -> ProjectModel:
    entry = _models.get(id(project))
    if entry is not None and entry[0]() is project:
        return entry[1]
    for key in [key for key, (ref, _) in _models.items() if ref() is None]:
        del _models[key]
    model = build_model(project.facts_of(WebFactsCollector))
    _models[id(project)] = (weakref.ref(project), model)
    return model


class WebAppRule(ProjectRule):
    """A rule whose decision is a verdict on the project model (its `verdict`): its problems become findings."""

    pure = True

    collectors = (WebFactsCollector,)

    def verdict(self, model: ProjectModel) -> Verdict:
        raise NotImplementedError

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        verdict = self.verdict(project_model(project))
        for problem in verdict.problems:
            site = problem.site
            yield project.finding(
                self,
                Location(site.path, site.line, site.column),
                problem.message,
                severity=problem.severity,
                confidence=problem.confidence,
                snippet=site.snippet or project.source_line(site.path, site.line),
                context=problem.context,
                fix=self.problem_fix(project, problem),
                properties=problem.properties,
            )

    def problem_fix(self, project: ProjectContext, problem: Problem) -> Fix | None:
        """The edits that solve a problem, for the rules that can write them (settings written as literals)."""
        return None


def setting_fix(project: ProjectContext, site: Site, safer: Mapping[str, str], message: str) -> Fix | None:
    """A literal setting on the problem's line given its safer value: `DEBUG = True` -> `DEBUG = False`,
    `app.config["DEBUG"] = True`, `app.debug = True`, `FastAPI(debug=True)` alike. `safer` maps a setting's name
    to the literal that replaces a weaker one (`{"DEBUG": "False"}`); None unless exactly one such literal is
    found there."""
    module = project.python_module(site.path)
    if module is None:
        return None
    found: list[tuple[ast.Constant, str]] = []
    for node in module.nodes():
        if getattr(node, "lineno", None) != site.line:
            continue
        for name, value in _named_values(node):
            replacement = safer.get(name.upper())
            if replacement is not None and isinstance(value, ast.Constant) and repr(value.value) != replacement:
                found.append((value, replacement))
    if len(found) != 1:
        return None
    ((value, replacement),) = found
    return Fix(message, Applicability.UNSAFE, (ModuleEditor(module).replace(value, replacement),))


def _named_values(node: ast.AST) -> Iterator[tuple[str, ast.expr]]:
    """(setting name, value) pairs a statement or call on a line sets: assignments and keyword arguments."""
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            name = _target_name(target)
            if name:
                yield name, node.value
    elif isinstance(node, ast.Call):
        for item in node.keywords:
            if item.arg:
                yield item.arg, item.value


def _target_name(target: ast.expr) -> str:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
        return str(target.slice.value)
    return ""


def authenticated_by_default(context: RouteContext) -> bool:
    """REST framework's default permission classes, or a Django login middleware, authenticate every view."""
    app = context.app
    if app is None:
        return False
    for config in production_configs(app):
        if context.route.drf:
            setting = config.get("REST_FRAMEWORK")
            value = setting.value if setting is not None and setting.known else None
            if setting is not None and not setting.known:
                return True  # built at run time: assume it says something
            if isinstance(value, dict):
                classes = value.get("DEFAULT_PERMISSION_CLASSES") or ()
                if isinstance(classes, (list, tuple)) and any(not str(name).endswith("AllowAny") for name in classes):
                    return True
        _, items = middleware_setting(config)
        if any("login" in name.lower() or "authrequired" in name.lower() for name, _ in items or ()):
            return True
    return False
