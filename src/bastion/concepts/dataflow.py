"""Dataflow concepts: where untrusted data enters, where it must not arrive, and what makes it safe.

The TOML models (`bastion.models`) name library APIs; this module compiles them into lookups by qualified name
and method name, and answers the questions the taint engine asks about a module: which parameters of which
route handlers carry request data, and what a handler's return value becomes. Rules name sink kinds (concept
roles, e.g. the `sql` role of `SqlExecution`), never APIs.
"""

from __future__ import annotations

import ast
import functools
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bastion.concepts.routes import FunctionNode, RouteHandler, find_route_handlers, route_catalogue
from bastion.core import patterns
from bastion.models.loader import (
    ALL_KINDS,
    GuardModel,
    HandlerSourceModel,
    ModelSet,
    SanitizerModel,
    SinkModel,
    SourceModel,
    load_models,
)
from bastion.semantic.index import BindingKind, ModuleIndex, Scope
from bastion.semantic.module import PythonModule

# argv[0] values that make argv[2] a shell command line (`["sh", "-c", cmd]`).
SHELL_PROGRAMS = frozenset(
    {"sh", "bash", "zsh", "dash", "ksh", "/bin/sh", "/bin/bash", "/usr/bin/bash", "cmd", "cmd.exe"}
)
SHELL_COMMAND_FLAGS = frozenset({"-c", "/c", "-lc"})
# argv[0] values that extract an archive when an option asks for it (`["tar", "-xf", name]`, `tar xzf name`).
TAR_PROGRAMS = frozenset({"tar", "/bin/tar", "/usr/bin/tar", "gtar", "bsdtar"})
_FLASK_CONVERTER = patterns.compile(r"<(?P<converter>[a-zA-Z_]\w*)(?:\([^)]*\))?:(?P<name>[a-zA-Z_]\w*)>")
_TYPED_CONVERTERS = frozenset({"int", "float", "uuid", "bool"})
_ANY_FLASK_PARAM = patterns.compile(r"<(?:([a-zA-Z_]\w*)(?:\([^)]*\))?:)?([a-zA-Z_]\w*)>")
_ANY_BRACE_PARAM = patterns.compile(r"\{([a-zA-Z_]\w*)(?::([^}]*))?\}")
_VALIDATING_KEYWORDS = ("pattern", "regex")
# What a module must contain for `find_route_handlers` to find anything: a route decorator, a class-based view,
# a registration call, or a Django views module. Checked on the text first: most modules of a large tree have
# no handler, and walking their trees twice for nothing was half of the taint analysis's time.
_ROUTE_DECORATOR = patterns.compile(r"@[\w.]+\.(?:route|api_route|get|post|put|patch|delete|head|options|websocket)\b")
_CLASS_VIEW = patterns.compile(r"class[ \t]+\w+[ \t]*\([^)\n]*View")
_ROUTE_REGISTRATION = patterns.compile(r"\.add_(?:route|get|post|put|patch|delete|head|options|view)\b")


def _may_hold_routes(text: str) -> bool:
    """Whether `find_route_handlers` can find anything: a route decorator, a class-based view or a registration.
    Checked on the text first (each test behind a plain substring test, which is fast): most modules of a large
    tree have no handler, and walking their trees for nothing was a large part of the analysis's time."""
    if "Route(" in text or "api_view" in text:
        return True
    catalogue = route_catalogue()
    if "@" in text and catalogue.decorator_pattern.search(text):
        return True
    if any(marker in text for marker in catalogue.markers):
        return True
    if "@" in text and _ROUTE_DECORATOR.search(text):
        return True
    if "View" in text and _CLASS_VIEW.search(text):
        return True
    return ".add_" in text and _ROUTE_REGISTRATION.search(text) is not None


@dataclass(frozen=True)
class SourceObject:
    """A value that is input as a whole, and whose attributes are input except the safe ones."""

    kind: str
    description: str
    safe_attributes: frozenset[str] = frozenset()
    annotation: str | None = None  # the parameter's annotation, by qualified name (a possible dependency alias)
    cleared: frozenset[str] = frozenset()  # sink kinds it cannot harm (a path parameter that holds no `/`)


@dataclass(frozen=True)
class HandlerInputs:
    """What a route handler receives from the client."""

    framework: str
    parameters: Mapping[str, SourceObject]  # parameter name -> what it carries
    returns_kind: str | None  # the sink kind a returned value goes to (Flask returns HTML), or None
    returns_iterable: bool = False  # the returned value is an iterable of body chunks (WSGI)


@dataclass
class DataflowModel:
    """The models compiled into lookups. Built once per process."""

    models: ModelSet
    source_objects: dict[str, SourceModel] = field(default_factory=dict)
    source_calls: dict[str, SourceModel] = field(default_factory=dict)
    sinks_by_callee: dict[str, list[SinkModel]] = field(default_factory=dict)
    sinks_by_method: dict[str, list[SinkModel]] = field(default_factory=dict)
    sinks_by_store: dict[str, list[SinkModel]] = field(default_factory=dict)  # attribute name -> store sinks
    # Parameter name -> attribute name -> the source a parameter so named and so read is (`request.GET`).
    request_parameters: dict[str, dict[str, SourceModel]] = field(default_factory=dict)
    sanitizers_by_callee: dict[str, list[SanitizerModel]] = field(default_factory=dict)
    sanitizers_by_method: dict[str, list[SanitizerModel]] = field(default_factory=dict)
    guards_by_callee: dict[str, list[GuardModel]] = field(default_factory=dict)
    guards_by_method: dict[str, list[GuardModel]] = field(default_factory=dict)
    guards_by_name: dict[str, list[GuardModel]] = field(default_factory=dict)  # the callee's last name
    same_origin_attributes: frozenset[str] = frozenset()  # request attributes safe to redirect to (`path`)
    referrer_keys: frozenset[str] = frozenset()  # header names holding the page the browser came from (lower case)
    handlers: dict[str, HandlerSourceModel] = field(default_factory=dict)
    handler_returns: dict[str, str] = field(default_factory=dict)
    iterable_returns: frozenset[str] = frozenset()  # frameworks whose handlers return an iterable of chunks
    library_roots: frozenset[str] = frozenset()
    source_roots: frozenset[str] = frozenset()
    # Sink kinds made safe by a fixed host (URLs), or by a constant local path (redirects): see kinds.toml.
    url_kinds: frozenset[str] = frozenset()
    local_path_kinds: frozenset[str] = frozenset()
    # Sizes and counts: an upper bound checked on the number clears them.
    bounded_kinds: frozenset[str] = frozenset()
    # Harmful only through line breaks (logs, headers).
    line_kinds: frozenset[str] = frozenset()
    # File paths: a name with a constant relative start and no `.` from the input stays where it is joined.
    dotless_name_kinds: frozenset[str] = frozenset()
    # File paths: a route path parameter that cannot hold `/` is one segment of a path.
    one_segment_kinds: frozenset[str] = frozenset()

    @property
    def noreturn(self) -> frozenset[str]:
        return self.models.noreturn

    @property
    def return_types(self) -> Mapping[str, str]:
        return self.models.return_types

    def sink_kinds(self, concept: str, roles: Iterable[str] | None = None) -> frozenset[str]:
        """The sink kinds of a concept (all its roles, or the roles named)."""
        return self.models.kinds.sink_kinds_of(concept, roles)

    def source_object(self, qualified: str) -> SourceObject | None:
        """`flask.request.args` -> the request source (None when a safe attribute such as `.method` is read)."""
        if qualified.split(".", 1)[0] not in self.source_roots:
            return None
        probe = qualified
        while True:
            model = self.source_objects.get(probe)
            if model is not None:
                rest = qualified[len(probe) + 1 :] if len(qualified) > len(probe) else ""
                first = rest.split(".", 1)[0].replace("()", "")
                if first and first in model.safe_attributes:
                    return None
                return SourceObject(model.kind, probe, model.safe_attributes if not rest else frozenset())
            if "." not in probe:
                return None
            probe = probe.rsplit(".", 1)[0]

    def is_library(self, qualified: str) -> bool:
        """Whether a name belongs to the standard library or a modelled package (not to the scanned project)."""
        return qualified.split(".", 1)[0] in self.library_roots


@functools.lru_cache(maxsize=1)
def dataflow_model() -> DataflowModel:
    return compile_models(load_models())


def _normal(name: str) -> str:
    """Names are matched with call results written as types: `requests.Session().get` is `requests.Session.get`."""
    return name.replace("().", ".")


def compile_models(models: ModelSet) -> DataflowModel:
    compiled = DataflowModel(models)
    for source in models.sources:
        for name in source.objects:
            compiled.source_objects[name] = source
        for name in source.calls:
            compiled.source_calls[_normal(name)] = source
        compiled.same_origin_attributes |= source.same_origin_attributes
        compiled.referrer_keys |= source.referrer_keys
        for parameter in source.parameters:
            attributes = compiled.request_parameters.setdefault(parameter, {})
            for attribute in source.attributes:
                attributes[attribute] = source
    for sink in models.sinks:
        for name in sink.callees:
            compiled.sinks_by_callee.setdefault(_normal(name), []).append(sink)
        for name in sink.methods:
            compiled.sinks_by_method.setdefault(name, []).append(sink)
        for name in sink.stores:
            compiled.sinks_by_store.setdefault(name, []).append(sink)
    for sanitizer in models.sanitizers:
        for name in sanitizer.callees:
            compiled.sanitizers_by_callee.setdefault(_normal(name), []).append(sanitizer)
        for name in sanitizer.methods:
            compiled.sanitizers_by_method.setdefault(name, []).append(sanitizer)
    for guard in models.guards:
        for name in guard.callees:
            compiled.guards_by_callee.setdefault(_normal(name), []).append(guard)
        for name in guard.methods:
            compiled.guards_by_method.setdefault(name, []).append(guard)
        for name in guard.names:
            compiled.guards_by_name.setdefault(name, []).append(guard)
    for handler in models.handler_sources:
        for framework in handler.frameworks:
            compiled.handlers[framework] = handler
    for returned in models.handler_returns:
        for framework in returned.frameworks:
            compiled.handler_returns[framework] = returned.kind
            if returned.iterable:
                compiled.iterable_returns |= {framework}
    named = [
        *compiled.source_objects,
        *compiled.source_calls,
        *compiled.sinks_by_callee,
        *compiled.sanitizers_by_callee,
        *compiled.guards_by_callee,
        *models.return_types,
    ]
    roots = {name.split(".", 1)[0] for name in named}
    compiled.library_roots = frozenset(roots | set(sys.stdlib_module_names) | {"builtins"})
    compiled.source_roots = frozenset(
        name.split(".", 1)[0] for name in (*compiled.source_objects, *compiled.source_calls)
    )
    compiled.url_kinds = frozenset(kind.name for kind in models.kinds.sinks.values() if kind.safe_with_fixed_host)
    compiled.bounded_kinds = frozenset(kind.name for kind in models.kinds.sinks.values() if kind.cleared_by_upper_bound)
    compiled.line_kinds = frozenset(kind.name for kind in models.kinds.sinks.values() if kind.safe_without_line_breaks)
    compiled.dotless_name_kinds = frozenset(
        kind.name for kind in models.kinds.sinks.values() if kind.safe_as_dotless_name
    )
    compiled.local_path_kinds = frozenset(
        kind.name for kind in models.kinds.sinks.values() if kind.safe_with_local_path
    )
    compiled.one_segment_kinds = frozenset(
        kind.name for kind in models.kinds.sinks.values() if kind.safe_as_one_segment
    )
    return compiled


def clears(cleared: frozenset[str], kind: str) -> bool:
    return kind in cleared or ALL_KINDS in cleared


# -- route handlers ------------------------------------------------------------------------------------------------


def handler_inputs(module: PythonModule, model: DataflowModel) -> dict[int, HandlerInputs]:
    """For every route handler in `module` (keyed by `id` of its function node): the parameters that carry input."""
    found: dict[int, HandlerInputs] = {}
    rel = module.rel
    views_module = rel.endswith(("views.py", "api.py")) or "/views/" in rel
    if not views_module and not module.declared_routes and not _may_hold_routes(module.document.text):
        return found
    try:
        handlers = find_route_handlers(module)
    except RecursionError:
        return found
    for handler in handlers:
        framework = _effective_framework(handler, module.index)
        spec = model.handlers.get(framework)
        if spec is None:
            continue
        found[id(handler.function)] = HandlerInputs(
            framework,
            _parameter_sources(handler, spec, module.index, module, model.one_segment_kinds),
            model.handler_returns.get(framework) if _returns_markup(handler, framework) else None,
            framework in model.iterable_returns,
        )
    return found


def _effective_framework(handler: RouteHandler, index: ModuleIndex) -> str:
    # A router object imported from elsewhere (a project's `UserAPIRouter(APIRouter)`): FastAPI's when the module
    # imports FastAPI and the route is not `.route("/p")` (FastAPI has no `.route`), else Flask's shape.
    if handler.framework == "unknown":
        uses_route = any(name.endswith(".route") for name in handler.decorators)
        return "fastapi" if not uses_route and _imports_fastapi(index) else "flask"
    return handler.framework


def _imports_fastapi(index: ModuleIndex) -> bool:
    return any(
        binding.kind is BindingKind.IMPORT and (binding.target or "").split(".")[0] == "fastapi"
        for bindings in index.module_scope.bindings.values()
        for binding in bindings
    )


def _returns_markup(handler: RouteHandler, framework: str) -> bool:
    if handler.framework != "unknown":
        return True
    return any(name.endswith(".route") for name in handler.decorators)


def _parameter_sources(
    handler: RouteHandler,
    spec: HandlerSourceModel,
    index: ModuleIndex,
    module: PythonModule,
    one_segment_kinds: frozenset[str] = frozenset(),
) -> dict[str, SourceObject]:
    function = handler.function
    names = handler.parameters
    sources: dict[str, SourceObject] = {}
    if not names:
        return sources
    scope = _function_scope(function, index)
    request_param: str | None = None
    if spec.request == "first":
        request_param = names[0]
    elif spec.request == "annotated":
        for arg in _arguments(function):
            annotation = arg.annotation
            if annotation is not None and index.qualified_name(annotation, scope) in spec.request_types:
                request_param = arg.arg
    if request_param is not None:
        sources[request_param] = SourceObject(spec.kind, f"request parameter `{request_param}`", spec.safe_attributes)
    typed_path = _typed_flask_params(handler.path or "")
    segments = _one_segment_params(handler.path or "")
    defaults = _defaults(function)
    for arg in _arguments(function):
        name = arg.arg
        if name == request_param or name not in names or name in spec.not_input:
            continue
        in_path = name in handler.path_params
        if not (spec.other_parameters or (spec.path_parameters and in_path)):
            continue
        if not in_path and name in defaults and spec.request == "first":
            # Django: URL keyword arguments have no default; one with a default comes from the URLconf's extra
            # options (`serve(request, path, document_root=None)`) or from another view calling this one.
            continue
        if name in typed_path:
            continue
        if _is_validated(arg.annotation, defaults.get(name), spec, index, scope):
            continue
        where = "path parameter" if in_path else "parameter"
        typed = _annotation_name(arg.annotation, index, scope)
        cleared = one_segment_kinds if in_path and name in segments else frozenset()
        description = f"{where} `{name}` of route `{handler.name}`"
        sources[name] = SourceObject(spec.kind, description, annotation=typed, cleared=cleared)
    return sources


def _annotation_name(annotation: ast.expr | None, index: ModuleIndex, scope: Scope) -> str | None:
    """The type a parameter is declared as, by qualified name: `TaskCreate`, `TaskCreate | None`,
    `Optional[TaskCreate]` (the taint solver looks its fields up in the project's declarations)."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        parts = [part for part in (annotation.left, annotation.right) if not _is_none(part)]
        return _annotation_name(parts[0], index, scope) if len(parts) == 1 else None
    if isinstance(annotation, ast.Subscript):
        outer = index.qualified_name(annotation.value, scope)
        if outer in ("typing.Optional", "typing.Annotated", "typing_extensions.Annotated"):
            inner = annotation.slice
            first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
            return _annotation_name(first, index, scope)
        return None
    if isinstance(annotation, (ast.Name, ast.Attribute)):
        return index.qualified_name(annotation, scope)
    return None


def _function_scope(function: FunctionNode, index: ModuleIndex) -> Scope:
    return index.scope_chain(function)


def _arguments(function: FunctionNode) -> list[ast.arg]:
    args = function.args
    return [*args.posonlyargs, *args.args, *args.kwonlyargs]


def _defaults(function: FunctionNode) -> dict[str, ast.expr]:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    found: dict[str, ast.expr] = {}
    for arg, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True):
        found[arg.arg] = default
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if kw_default is not None:
            found[arg.arg] = kw_default
    return found


def _one_segment_params(path: str) -> frozenset[str]:
    """Path parameters whose converter cannot match `/`: Werkzeug's default and `string` converters (`<name>`,
    `<string(length=8):name>`), Starlette's default and `str` (`{name}`). Both routers match the decoded path, so
    `%2F` gets no `/` past them either. `path` converters (and any other) can."""
    found = {name for converter, name in _ANY_FLASK_PARAM.findall(path) if converter in ("", "string")}
    found.update(name for name, converter in _ANY_BRACE_PARAM.findall(path) if converter in ("", "str"))
    return frozenset(found)


def _typed_flask_params(path: str) -> frozenset[str]:
    return frozenset(
        match.group("name")
        for match in _FLASK_CONVERTER.finditer(path)
        if match.group("converter") in _TYPED_CONVERTERS
    )


def _is_validated(
    annotation: ast.expr | None,
    default: ast.expr | None,
    spec: HandlerSourceModel,
    index: ModuleIndex,
    scope: Scope,
) -> bool:
    """A parameter the framework parses or validates before the handler runs: typed, constrained, or injected."""
    if default is not None and isinstance(default, ast.Call):
        callee = index.qualified_name(default.func, scope)
        if callee in spec.safe_defaults or _has_pattern(default):
            return True
    if annotation is None:
        return False
    return _annotation_is_safe(annotation, spec, index, scope, 0)


def _annotation_is_safe(
    annotation: ast.expr, spec: HandlerSourceModel, index: ModuleIndex, scope: Scope, depth: int
) -> bool:
    if depth > 4:
        return False
    if isinstance(annotation, ast.Call):
        callee = index.qualified_name(annotation.func, scope)
        return callee in spec.safe_annotations or _has_pattern(annotation)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):  # int | None
        parts = [annotation.left, annotation.right]
        return all(
            _is_none(part) or _annotation_is_safe(part, spec, index, scope, depth + 1) for part in parts
        ) and not all(_is_none(part) for part in parts)
    if isinstance(annotation, ast.Subscript):
        outer = index.qualified_name(annotation.value, scope) or ""
        inner = annotation.slice
        elements = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        if outer in ("typing.Literal", "typing_extensions.Literal"):
            return True
        if outer in ("typing.Annotated", "typing_extensions.Annotated") and elements:
            if any(isinstance(extra, ast.Call) and _validates(extra, spec, index, scope) for extra in elements[1:]):
                return True
            return _annotation_is_safe(elements[0], spec, index, scope, depth + 1)
        if outer in ("typing.Optional", "typing.Union", "builtins.list", "typing.List", "builtins.set", "typing.Set"):
            candidates = [e for e in elements if not _is_none(e)]
            return bool(candidates) and all(_annotation_is_safe(e, spec, index, scope, depth + 1) for e in candidates)
        return False
    name = index.qualified_name(annotation, scope)
    if name in spec.safe_annotations:
        return True
    if isinstance(annotation, ast.Name):
        # A module-level alias (`CurrentIncident = Annotated[Incident, Depends(get_incident)]`): what it stands for.
        binding = index.resolve_binding(annotation.id, scope)
        if binding is not None and binding.kind is BindingKind.ASSIGNMENT and isinstance(binding.value, ast.expr):
            return _annotation_is_safe(binding.value, spec, index, index.module_scope, depth + 1)
    return False


def _validates(extra: ast.Call, spec: HandlerSourceModel, index: ModuleIndex, scope: Scope) -> bool:
    """`Annotated[T, Depends(f)]` (the framework fills it from a dependency) or `Annotated[str, Query(pattern=...)]`."""
    return _has_pattern(extra) or index.qualified_name(extra.func, scope) in spec.safe_defaults


def _has_pattern(call: ast.Call) -> bool:
    """`Query(pattern="^[a-z]+$")`, `constr(pattern=...)`: the framework rejects values that do not match."""
    return any(
        item.arg in _VALIDATING_KEYWORDS and isinstance(item.value, ast.Constant) and isinstance(item.value.value, str)
        for item in call.keywords
    )


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
