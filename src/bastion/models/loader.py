"""Load and validate the taint models: `kinds.toml` and one TOML file per library.

A model maps library APIs (qualified names) onto sources, sinks (concept roles), sanitizers, guards and return
types. Everything is checked when loaded: an unknown kind, an unknown key or a wrongly typed value is a
`ModelError` naming the file and the entry, so a broken model cannot silently switch a check off.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import TYPE_CHECKING, Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

from bastion.models.route_models import RouteModel, parse_route
from bastion.models.toml_access import (
    ModelError,
    array,
    boolean,
    int_value,
    ints,
    mapping,
    only,
    string,
    strings,
    table,
)

if TYPE_CHECKING:
    from importlib.abc import Traversable

ALL_KINDS = "all"
GUARD_TYPES = frozenset({"validates", "path-resolution", "path-containment", "url-parse", "absolute-path-check"})
HANDLER_REQUEST = frozenset({"none", "first", "annotated"})


@dataclass(frozen=True)
class SinkKind:
    name: str
    concept: str
    role: str
    description: str
    # A URL: a constant prefix that fixes the host (`"https://api.example.com/" + path`), or a base URL the code
    # chose (`f"{settings.API}/{path}"`), makes it safe, and so does a guard on its host.
    safe_with_fixed_host: bool = False
    # A redirect: a constant prefix that is a local path (`"/users/" + name`) keeps it on the site.
    safe_with_local_path: bool = False
    # The source kinds reported at this sink kind (None: every source kind that is not opt-in).
    sources: frozenset[str] | None = None
    # A size or a count: an upper bound checked on the number (`if n > LIMIT: abort(400)`) makes it safe.
    cleared_by_upper_bound: bool = False
    # Harmful only through line breaks (log forging, header splitting): text the framework parsed into a form that
    # cannot hold one (an e-mail address, a URL) is safe.
    safe_without_line_breaks: bool = False
    # A file path: a name that starts with a constant relative part and whose input had every `.` removed
    # (`f"original.{ext.replace('.', '')}"`) can neither climb out of the directory it is joined to nor be absolute.
    safe_as_dotless_name: bool = False
    # A file path: a route's path parameter whose converter cannot match `/` (Flask `<name>`, `<string:name>`,
    # Starlette `{name}`) is one path segment: joined to a folder it names an entry of that folder (or, as `..`,
    # the folder above: never a path the client spells out).
    safe_as_one_segment: bool = False


@dataclass(frozen=True)
class Kinds:
    sources: Mapping[str, str]  # kind -> description
    sinks: Mapping[str, SinkKind]
    # Source kinds reported only at the sink kinds that name them (`random`: harmless in SQL, not in a cookie).
    opt_in_sources: frozenset[str] = frozenset()

    def reaches(self, source_kind: str, sink_kind: str) -> bool:
        """Whether a path from a source of `source_kind` to a sink of `sink_kind` is a finding."""
        sink = self.sinks.get(sink_kind)
        if sink is not None and sink.sources is not None:
            return source_kind in sink.sources
        return source_kind not in self.opt_in_sources

    def sink_kinds_of(self, concept: str, roles: Iterable[str] | None = None) -> frozenset[str]:
        wanted = None if roles is None else set(roles)
        return frozenset(
            kind.name
            for kind in self.sinks.values()
            if kind.concept == concept and (wanted is None or kind.role in wanted)
        )


@dataclass(frozen=True)
class SourceModel:
    """Values that come from outside: objects (and everything reached from them) and call results; and, wherever a
    function reads one of `attributes` of its parameter named in `parameters` (`request.GET`, `req.get_param`),
    that parameter is taken for the framework's request, whoever registered the function."""

    kind: str
    objects: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    safe_attributes: frozenset[str] = frozenset()
    parameters: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    # Attributes of the request that stay on the site when redirected to (`request.path`): request data for every
    # sink kind but redirects.
    same_origin_attributes: frozenset[str] = frozenset()
    # Header (or WSGI environ) names whose value is the page the browser came from (`Referer`): redirecting back
    # there sends the user where they already were, so it is request data for every sink kind but redirects.
    referrer_keys: frozenset[str] = frozenset()
    origin: str = ""


@dataclass(frozen=True)
class HandlerSourceModel:
    """Parameters of route handlers that carry request data, per web framework."""

    kind: str
    frameworks: tuple[str, ...]
    request: str = "none"  # none | first (the first parameter is the request) | annotated (by request-types)
    request_types: tuple[str, ...] = ()
    safe_attributes: frozenset[str] = frozenset()
    path_parameters: bool = False  # parameters named in the route path are input (typed converters are not)
    other_parameters: bool = False  # every other parameter is input too (FastAPI, Django URL kwargs)
    safe_annotations: frozenset[str] = frozenset()
    safe_defaults: frozenset[str] = frozenset()
    # Handler classes: attributes of `self` that hold request data (`self.path` of a BaseHTTPRequestHandler), the
    # one that is the whole request (`self.request`), and methods of `self` that return request data (Tornado's
    # `self.get_argument(...)`).
    self_attributes: tuple[str, ...] = ()
    self_request: str | None = None
    self_calls: tuple[str, ...] = ()
    # Parameters that are the framework's and never input (GraphQL resolvers' `info`, a parent object).
    not_input: frozenset[str] = frozenset()
    origin: str = ""


@dataclass(frozen=True)
class ArgumentRequirement:
    """A sink that is only dangerous when an argument was built a certain way (an XML parser resolving entities)."""

    position: int | None
    keyword: str | None
    built_by: frozenset[str]
    keyword_true: frozenset[str]


@dataclass(frozen=True)
class SafeArgument:
    """A sink made safe by an argument naming one of these (`yaml.load(s, Loader=yaml.SafeLoader)`), holding one
    of these constants (`tar.extractall(filter="data")`), or naming a file with one of these suffixes
    (`shutil.unpack_archive(f"{name}.zip", ...)`, `unpack_archive(str(self.zip), ...)`)."""

    position: int | None
    keyword: str | None
    names: frozenset[str]
    values: frozenset[str] = frozenset()
    suffixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class HandlerReturnModel:
    """What a route handler returns is this sink (Flask sends a returned string as HTML)."""

    kind: str
    frameworks: tuple[str, ...]
    origin: str = ""
    iterable: bool = False  # the handler returns an iterable of body chunks (WSGI), not one body


@dataclass(frozen=True)
class SinkModel:
    kind: str
    callees: tuple[str, ...] = ()
    # Method names matched on receivers of unknown type (`db.execute(...)` when `db` comes from elsewhere).
    methods: tuple[str, ...] = ()
    argument: int | None = None
    keyword: str | None = None
    all_arguments: bool = False
    receiver: bool = False
    element: int | None = None  # the sink is this element of a list argument (argv[0]); a plain string is whole
    when_keyword_true: str | None = None
    unless_keyword_true: str | None = None
    unless_keyword_present: str | None = None
    content_type_keywords: tuple[str, ...] = ()
    # Positions of arguments that may be a headers mapping declaring a non-HTML Content-Type (`make_response(body,
    # 200, {"Content-Type": "application/json"})`): the sink does not apply then.
    headers_arguments: tuple[int, ...] = ()
    # The sink applies only when this keyword is a constant naming HTML (`web.Response(text=..., content_type=
    # "text/html")`: aiohttp sends text/plain otherwise).
    html_keyword: str | None = None
    # Attribute stores that are the sink (`resp.text = html`), on an object whose `html_attribute` the same
    # function sets to a constant naming HTML (`resp.content_type = "text/html"`) when given.
    stores: tuple[str, ...] = ()
    html_attribute: str | None = None
    requires: ArgumentRequirement | None = None
    # The sink does not apply when any of these arguments says so (`unless-argument`: one table or a list of them).
    unless_arguments: tuple[SafeArgument, ...] = ()
    # The call returns its input's text (`re.sub(pattern, repl, text)`): its result stays tainted.
    returns_input: bool = False
    # Arguments that the format string (argument 0) writes with `%r`/`%a` are escaped (`repr` escapes CR/LF).
    escaped_by_repr: bool = False
    # With `element`: an argv that runs a shell (`["sh", "-c", cmd]`) makes its third element this sink kind.
    shell_argv_kind: str | None = None
    # What the call returns is built from the argument the sink reports (`tarfile.open(name)`: the archive named by
    # the input): the result carries that argument's taint on.
    passes_on: bool = False
    origin: str = ""
    # With `element`: an argv that runs tar in extract mode (`["tar", "-xf", name]`) makes its other elements this
    # sink kind (the archive whose members are written out).
    extract_argv_kind: str | None = None
    # Callees that share a name in `methods` but are not this sink: a receiver known to be of that type is not
    # matched by method name (`from_string` of a Jinja sandboxed environment).
    not_callees: tuple[str, ...] = ()


@dataclass(frozen=True)
class SanitizerModel:
    kinds: frozenset[str]  # sink kinds cleared; contains ALL_KINDS for casts
    callees: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    # Only when this argument is a constant containing one of these (`text.replace("\n", "")`).
    argument: int | None = None
    argument_contains: tuple[str, ...] = ()
    origin: str = ""


@dataclass(frozen=True)
class GuardModel:
    type: str
    kinds: frozenset[str] = frozenset({ALL_KINDS})
    callees: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    argument: int = 0
    keyword: str | None = None  # the checked argument passed by keyword
    anchored_pattern: int | None = None  # the guard holds only if this argument is a pattern anchored at both ends
    origin: str = ""
    # Project helpers recognised by their name (`is_safe_url` in any module): the checks projects write themselves
    # under the names the frameworks gave them.
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelSet:
    kinds: Kinds
    sources: tuple[SourceModel, ...] = ()
    handler_sources: tuple[HandlerSourceModel, ...] = ()
    sinks: tuple[SinkModel, ...] = ()
    sanitizers: tuple[SanitizerModel, ...] = ()
    guards: tuple[GuardModel, ...] = ()
    handler_returns: tuple[HandlerReturnModel, ...] = ()
    return_types: Mapping[str, str] = field(default_factory=dict)
    noreturn: frozenset[str] = frozenset()
    files: tuple[str, ...] = ()
    routes: tuple[RouteModel, ...] = ()


# -- loading -------------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def load_models() -> ModelSet:
    """Every model shipped with bastion, validated (cached per process)."""
    root = resources.files("bastion.models")
    kinds = parse_kinds(_read_toml(root / "kinds.toml", "kinds.toml"))
    texts: dict[str, dict[str, Any]] = {}
    for name, entry in _model_files(root):
        texts[name] = _read_toml(entry, name)
    return build_model_set(kinds, texts)


def model_return_types() -> tuple[tuple[str, str], ...]:
    """The return types every model declares, for `ModuleIndex.qualified_name` (`sqlite3.connect` -> Connection)."""
    return tuple(sorted(load_models().return_types.items()))


def _model_files(root: Traversable) -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    stack: list[tuple[str, Traversable]] = [("", root)]
    while stack:
        prefix, folder = stack.pop()
        for entry in folder.iterdir():
            name = f"{prefix}{entry.name}"
            if entry.is_dir() and not entry.name.startswith(("_", ".")):
                stack.append((f"{name}/", entry))
            elif entry.name.endswith(".toml") and name != "kinds.toml":
                found.append((name, entry))
    return sorted(found, key=lambda item: item[0])


def _read_toml(entry: Traversable, name: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(entry.read_text(encoding="utf-8"))
        return data
    except tomllib.TOMLDecodeError as error:
        raise ModelError(f"model {name}: not valid TOML: {error}") from None


def parse_kinds(data: Mapping[str, Any]) -> Kinds:
    only(data, {"sources", "sinks"}, "kinds.toml")
    sources: dict[str, str] = {}
    opt_in: set[str] = set()
    for name, entry in table(data, "sources", "kinds.toml").items():
        where = f"kinds.toml [sources.{name}]"
        only(entry, {"description", "opt-in"}, where)
        sources[name] = string(entry, "description", where, required=True) or ""
        if boolean(entry, "opt-in", where):
            opt_in.add(name)
    sinks: dict[str, SinkKind] = {}
    for name, entry in table(data, "sinks", "kinds.toml").items():
        where = f"kinds.toml [sinks.{name}]"
        keys = {"description", "concept", "role", "safe-with-fixed-host", "safe-with-local-path", "sources"}
        keys |= {"cleared-by-upper-bound", "safe-without-line-breaks", "safe-as-dotless-name", "safe-as-one-segment"}
        only(entry, keys, where)
        reported = strings(entry, "sources", where) if "sources" in entry else None
        for source in reported or ():
            if source not in sources:
                raise ModelError(f"{where}: unknown source kind {source!r}; declared: {', '.join(sorted(sources))}")
        sinks[name] = SinkKind(
            name,
            string(entry, "concept", where, required=True) or "",
            string(entry, "role", where, required=True) or "",
            string(entry, "description", where, required=True) or "",
            boolean(entry, "safe-with-fixed-host", where),
            boolean(entry, "safe-with-local-path", where),
            frozenset(reported) if reported is not None else None,
            boolean(entry, "cleared-by-upper-bound", where),
            boolean(entry, "safe-without-line-breaks", where),
            boolean(entry, "safe-as-dotless-name", where),
            boolean(entry, "safe-as-one-segment", where),
        )
    if ALL_KINDS in sinks:
        raise ModelError(f"kinds.toml: `{ALL_KINDS}` is reserved and cannot name a sink kind")
    return Kinds(sources, sinks, frozenset(opt_in))


def build_model_set(kinds: Kinds, files: Mapping[str, Mapping[str, Any]]) -> ModelSet:
    """Validate parsed model files against the kinds and merge them."""
    sources: list[SourceModel] = []
    handlers: list[HandlerSourceModel] = []
    sinks: list[SinkModel] = []
    sanitizers: list[SanitizerModel] = []
    guards: list[GuardModel] = []
    handler_returns: list[HandlerReturnModel] = []
    return_types: dict[str, str] = {}
    noreturn: set[str] = set()
    routes: list[RouteModel] = []
    sections = {"package", "return-types", "sources", "handler-sources", "handler-returns", "sinks", "sanitizers"}
    for name, data in files.items():
        parser = _ModelParser(name, kinds)
        only(data, sections | {"guards", "noreturn", "routes"}, name)
        for i, entry in enumerate(array(data, "routes", name)):
            routes.append(parse_route(entry, f"model {name} [[routes]] #{i + 1}", name))
        noreturn.update(strings(data, "noreturn", f"model {name}"))
        for callee, result in table(data, "return-types", name).items():
            if not isinstance(result, str) or not result:
                raise ModelError(f"model {name}: return type of {callee!r} must be a qualified name")
            return_types[callee] = result
        sources.extend(parser.source(entry, i) for i, entry in enumerate(array(data, "sources", name)))
        handlers.extend(parser.handler(entry, i) for i, entry in enumerate(array(data, "handler-sources", name)))
        sinks.extend(parser.sink(entry, i) for i, entry in enumerate(array(data, "sinks", name)))
        sanitizers.extend(parser.sanitizer(entry, i) for i, entry in enumerate(array(data, "sanitizers", name)))
        guards.extend(parser.guard(entry, i) for i, entry in enumerate(array(data, "guards", name)))
        handler_returns.extend(
            parser.handler_return(entry, i) for i, entry in enumerate(array(data, "handler-returns", name))
        )
    return ModelSet(
        kinds,
        tuple(sources),
        tuple(handlers),
        tuple(sinks),
        tuple(sanitizers),
        tuple(guards),
        tuple(handler_returns),
        return_types,
        frozenset(noreturn),
        tuple(files),
        tuple(routes),
    )


class _ModelParser:
    def __init__(self, name: str, kinds: Kinds) -> None:
        self.name = name
        self.kinds = kinds

    def _where(self, section: str, index: int) -> str:
        return f"model {self.name} [[{section}]] #{index + 1}"

    def _source_kind(self, entry: Mapping[str, Any], where: str) -> str:
        kind = string(entry, "kind", where, required=True) or ""
        if kind not in self.kinds.sources:
            raise ModelError(
                f"{where}: unknown source kind {kind!r}; declared: {', '.join(sorted(self.kinds.sources))}"
            )
        return kind

    def _sink_kinds(self, entry: Mapping[str, Any], where: str, *, allow_all: bool) -> frozenset[str]:
        names = strings(entry, "kinds", where, required=True)
        for kind in names:
            if kind == ALL_KINDS and allow_all:
                continue
            if kind not in self.kinds.sinks:
                raise ModelError(
                    f"{where}: unknown sink kind {kind!r}; declared: {', '.join(sorted(self.kinds.sinks))}"
                )
        return frozenset(names)

    def source(self, entry: Any, index: int) -> SourceModel:
        where = self._where("sources", index)
        entry = mapping(entry, where)
        keys = {"kind", "objects", "calls", "safe-attributes", "parameters", "attributes", "same-origin-attributes"}
        only(entry, keys | {"referrer-keys"}, where)
        model = SourceModel(
            self._source_kind(entry, where),
            strings(entry, "objects", where),
            strings(entry, "calls", where),
            frozenset(strings(entry, "safe-attributes", where)),
            strings(entry, "parameters", where),
            strings(entry, "attributes", where),
            frozenset(strings(entry, "same-origin-attributes", where)),
            frozenset(key.lower() for key in strings(entry, "referrer-keys", where)),
            self.name,
        )
        if not model.objects and not model.calls and not model.parameters:
            raise ModelError(f"{where}: a source needs `objects`, `calls` or `parameters`")
        if bool(model.parameters) != bool(model.attributes):
            raise ModelError(f"{where}: `parameters` and `attributes` go together")
        return model

    def handler(self, entry: Any, index: int) -> HandlerSourceModel:
        where = self._where("handler-sources", index)
        entry = mapping(entry, where)
        keys = {
            "kind",
            "frameworks",
            "request",
            "request-types",
            "safe-attributes",
            "path-parameters",
            "other-parameters",
            "safe-annotations",
            "safe-defaults",
            "self-attributes",
            "self-request",
            "self-calls",
            "not-input",
        }
        only(entry, keys, where)
        request = string(entry, "request", where) or "none"
        if request not in HANDLER_REQUEST:
            raise ModelError(f"{where}: `request` must be one of {', '.join(sorted(HANDLER_REQUEST))}")
        return HandlerSourceModel(
            self._source_kind(entry, where),
            strings(entry, "frameworks", where, required=True),
            request,
            strings(entry, "request-types", where),
            frozenset(strings(entry, "safe-attributes", where)),
            boolean(entry, "path-parameters", where),
            boolean(entry, "other-parameters", where),
            frozenset(strings(entry, "safe-annotations", where)),
            frozenset(strings(entry, "safe-defaults", where)),
            strings(entry, "self-attributes", where),
            string(entry, "self-request", where),
            strings(entry, "self-calls", where),
            frozenset(strings(entry, "not-input", where)),
            self.name,
        )

    def _sink_kind_of(self, entry: Mapping[str, Any], where: str, role_key: str = "role") -> str:
        concept = string(entry, "concept", where, required=True)
        role = string(entry, role_key, where, required=True)
        matching = [k.name for k in self.kinds.sinks.values() if k.concept == concept and k.role == role]
        if not matching:
            raise ModelError(f"{where}: no sink kind is declared for concept {concept!r} role {role!r} in kinds.toml")
        return matching[0]

    def handler_return(self, entry: Any, index: int) -> HandlerReturnModel:
        where = self._where("handler-returns", index)
        entry = mapping(entry, where)
        only(entry, {"concept", "role", "frameworks", "iterable"}, where)
        return HandlerReturnModel(
            self._sink_kind_of(entry, where),
            strings(entry, "frameworks", where, required=True),
            self.name,
            boolean(entry, "iterable", where),
        )

    def sink(self, entry: Any, index: int) -> SinkModel:
        where = self._where("sinks", index)
        entry = mapping(entry, where)
        keys = {
            "concept",
            "role",
            "callees",
            "methods",
            "argument",
            "keyword",
            "all-arguments",
            "receiver",
            "element",
            "when-keyword-true",
            "unless-keyword-true",
            "unless-keyword-present",
            "content-type-keywords",
            "headers-arguments",
            "html-keyword",
            "stores",
            "html-attribute",
            "requires-argument",
            "unless-argument",
            "returns-input",
            "escaped-by-repr",
            "shell-argv-role",
            "extract-argv-kind",
            "passes-on",
            "not-callees",
        }
        only(entry, keys, where)
        model = SinkModel(
            self._sink_kind_of(entry, where),
            strings(entry, "callees", where),
            strings(entry, "methods", where),
            int_value(entry, "argument", where),
            string(entry, "keyword", where),
            boolean(entry, "all-arguments", where),
            boolean(entry, "receiver", where),
            int_value(entry, "element", where),
            string(entry, "when-keyword-true", where),
            string(entry, "unless-keyword-true", where),
            string(entry, "unless-keyword-present", where),
            strings(entry, "content-type-keywords", where),
            ints(entry, "headers-arguments", where),
            string(entry, "html-keyword", where),
            strings(entry, "stores", where),
            string(entry, "html-attribute", where),
            self._requirement(entry.get("requires-argument"), where),
            self._safe_arguments(entry.get("unless-argument"), where),
            boolean(entry, "returns-input", where),
            boolean(entry, "escaped-by-repr", where),
            self._sink_kind_of(entry, where, "shell-argv-role") if "shell-argv-role" in entry else None,
            boolean(entry, "passes-on", where),
            self.name,
        )
        if "extract-argv-kind" in entry:
            extracted = string(entry, "extract-argv-kind", where, required=True) or ""
            if extracted not in self.kinds.sinks:
                declared = ", ".join(sorted(self.kinds.sinks))
                raise ModelError(f"{where}: unknown sink kind {extracted!r}; declared: {declared}")
            model = replace(model, extract_argv_kind=extracted)
        if "not-callees" in entry:
            model = replace(model, not_callees=strings(entry, "not-callees", where))
        if model.stores:
            return model
        if not model.callees and not model.methods:
            raise ModelError(f"{where}: a sink needs `callees`, `methods` or `stores`")
        if model.shell_argv_kind is not None and model.element is None:
            raise ModelError(f"{where}: `shell-argv-role` needs `element` (the argument is an argv list)")
        if model.extract_argv_kind is not None and model.element is None:
            raise ModelError(f"{where}: `extract-argv-kind` needs `element` (the argument is an argv list)")
        if model.argument is None and model.keyword is None and not model.all_arguments and not model.receiver:
            raise ModelError(
                f"{where}: say which value is the sink: `argument`, `keyword`, `all-arguments` or `receiver`"
            )
        return model

    def _requirement(self, value: Any, where: str) -> ArgumentRequirement | None:
        if value is None:
            return None
        where = f"{where} requires-argument"
        entry = mapping(value, where)
        only(entry, {"argument", "keyword", "built-by", "keyword-true"}, where)
        return ArgumentRequirement(
            int_value(entry, "argument", where),
            string(entry, "keyword", where),
            frozenset(strings(entry, "built-by", where, required=True)),
            frozenset(strings(entry, "keyword-true", where, required=True)),
        )

    def _safe_arguments(self, value: Any, where: str) -> tuple[SafeArgument, ...]:
        if value is None:
            return ()
        where = f"{where} unless-argument"
        entries = value if isinstance(value, list) else [value]
        return tuple(self._safe_argument(entry, f"{where}[{index}]") for index, entry in enumerate(entries))

    def _safe_argument(self, value: Any, where: str) -> SafeArgument:
        entry = mapping(value, where)
        only(entry, {"argument", "keyword", "names", "values", "suffixes"}, where)
        safe = SafeArgument(
            int_value(entry, "argument", where),
            string(entry, "keyword", where),
            frozenset(strings(entry, "names", where)),
            frozenset(strings(entry, "values", where)),
            strings(entry, "suffixes", where),
        )
        if not safe.names and not safe.values and not safe.suffixes:
            raise ModelError(f"{where}: list the safe `names`, `values` or `suffixes`")
        return safe

    def sanitizer(self, entry: Any, index: int) -> SanitizerModel:
        where = self._where("sanitizers", index)
        entry = mapping(entry, where)
        only(entry, {"kinds", "callees", "methods", "argument", "argument-contains", "except"}, where)
        kinds = self._sink_kinds(entry, where, allow_all=True)
        if "except" in entry:
            # `kinds = ["all"], except = ["size"]`: a cast to a number is safe everywhere but where a number does harm.
            if kinds != {ALL_KINDS}:
                raise ModelError(f'{where}: `except` goes with `kinds = ["all"]`')
            kept = self._sink_kinds({"kinds": entry["except"]}, f"{where} `except`", allow_all=False)
            kinds = frozenset(self.kinds.sinks) - kept
        model = SanitizerModel(
            kinds,
            strings(entry, "callees", where),
            strings(entry, "methods", where),
            int_value(entry, "argument", where),
            strings(entry, "argument-contains", where),
            self.name,
        )
        if not model.callees and not model.methods:
            raise ModelError(f"{where}: a sanitizer needs `callees` or `methods`")
        return model

    def guard(self, entry: Any, index: int) -> GuardModel:
        where = self._where("guards", index)
        entry = mapping(entry, where)
        keys = {"type", "kinds", "callees", "methods", "attributes", "argument", "keyword", "anchored-pattern", "names"}
        only(entry, keys, where)
        guard_type = string(entry, "type", where, required=True) or ""
        if guard_type not in GUARD_TYPES:
            raise ModelError(f"{where}: unknown guard type {guard_type!r}; known: {', '.join(sorted(GUARD_TYPES))}")
        kinds = self._sink_kinds(entry, where, allow_all=True) if "kinds" in entry else frozenset({ALL_KINDS})
        model = GuardModel(
            guard_type,
            kinds,
            strings(entry, "callees", where),
            strings(entry, "methods", where),
            strings(entry, "attributes", where),
            int_value(entry, "argument", where) or 0,
            string(entry, "keyword", where),
            int_value(entry, "anchored-pattern", where),
            self.name,
            strings(entry, "names", where),
        )
        if not model.callees and not model.methods and not model.attributes and not model.names:
            raise ModelError(f"{where}: a guard needs `callees`, `methods`, `attributes` or `names`")
        return model
