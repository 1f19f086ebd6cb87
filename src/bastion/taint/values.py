"""The abstract values of the taint analysis: labels (where taint came from, what cleared it, how it got here)
and values (labels plus what is known of constants, containers, string prefixes and types).

Everything here pickles: function summaries built in the per-file workers carry labels to the project phase.
"""

from __future__ import annotations

import zlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from bastion.semantic.constants import UNKNOWN

# One step of a path: (file, line, column, message). Snippets are added when a finding is made.
Step = tuple[str, int, int, str]
MAX_TRACE = 24


def stable_hash(*parts: object) -> int:
    """A hash that is the same in every process, whatever PYTHONHASHSEED: sets of labels then iterate in the same
    order in every run, so the path a finding shows never depends on the hash seed or the worker count. (Python's
    own string hash stays randomised everywhere else, which keeps hostile inputs from flooding dictionaries.)"""
    return zlib.crc32("\0".join(map(str, parts)).encode("utf-8", "surrogatepass"))


_CLEARED_HASHES: dict[frozenset[str], int] = {}


def cleared_hash(cleared: frozenset[str]) -> int:
    known = _CLEARED_HASHES.get(cleared)
    if known is None:
        known = _CLEARED_HASHES[cleared] = stable_hash(*sorted(cleared))
    return known


@dataclass(frozen=True, slots=True)
class SourceOrigin:
    kind: str  # a source kind of kinds.toml
    description: str  # "flask.request.args", "path parameter `name` of route `show`"
    path: str
    line: int
    column: int
    # False when the source was recognised by a heuristic (a parameter named and read like a request): its findings
    # are reported at medium confidence at most.
    certain: bool = True
    # A handler parameter's annotation (qualified name): dropped in the project phase when the project defines that
    # name as a dependency (`DbSession = Annotated[Session, Depends(get_db)]`), which the framework fills, not the
    # client.
    annotation: str | None = None

    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = stable_hash("SourceOrigin", self.kind, self.description, self.path, self.line, self.column)
        object.__setattr__(self, "_hash", key)

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[SourceOrigin], tuple[Any, ...]]:
        fields = (self.kind, self.description, self.path, self.line, self.column, self.certain, self.annotation)
        return (SourceOrigin, fields)


@dataclass(frozen=True, slots=True)
class ParamOrigin:
    name: str

    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", stable_hash("ParamOrigin", self.name))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[ParamOrigin], tuple[Any, ...]]:
        return (ParamOrigin, (self.name,))


@dataclass(frozen=True, slots=True)
class CallOrigin:
    call: int  # index of the call site in its function's facts

    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", stable_hash("CallOrigin", self.call))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[CallOrigin], tuple[Any, ...]]:
        return (CallOrigin, (self.call,))


@dataclass(frozen=True, slots=True)
class FieldOrigin:
    """`self.attr` of a class (owner = the class's qualified name), or a module global (owner = the module); with
    owner `HANDLER_FIELD`, `attr` of an object of unknown type that may be a request handler (`handler.params` in a
    helper given the handler): the field of that name of any request-handler class of the project."""

    owner: str
    attr: str

    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", stable_hash("FieldOrigin", self.owner, self.attr))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[FieldOrigin], tuple[Any, ...]]:
        return (FieldOrigin, (self.owner, self.attr))


Origin = SourceOrigin | ParamOrigin | CallOrigin | FieldOrigin
HANDLER_FIELD = "<request handler>"


class Label:
    """One reason a value is tainted. Equality ignores the trace: one witness path per (origin, cleared, attributes)
    is kept.

    `attrs` is the attribute path read from the origin's value on the way (`task_in.assignees` then `.email`): the
    project phase looks it up in the declared types of the origin (a pydantic model's field typed `int` or
    `EmailStr` cannot carry a line break)."""

    __slots__ = ("_hash", "attrs", "cleared", "depth", "origin", "trace")
    # The hash is the same in every process (below): the codec writes a set of labels in the set's own order.
    codec_stable_hash = True

    def __init__(
        self,
        origin: Origin,
        cleared: frozenset[str] = frozenset(),
        trace: tuple[Step, ...] = (),
        depth: int = 0,
        attrs: tuple[str, ...] = (),
    ):
        self.origin = origin
        self.cleared = cleared
        self.trace = trace
        self.depth = depth
        self.attrs = attrs
        # stable_hash, not hash(): str hashes change with the hash seed, and sets of labels must iterate alike in
        # every process.
        self._hash = hash((origin._hash, cleared_hash(cleared), stable_hash(*attrs) if attrs else 0))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Label)
            and self._hash == other._hash
            and self.origin == other.origin
            and self.cleared == other.cleared
            and self.attrs == other.attrs
        )

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        path = "".join(f".{attr}" for attr in self.attrs)
        return f"Label({self.origin}{path}, cleared={sorted(self.cleared)})"

    def __reduce__(
        self,
    ) -> tuple[type[Label], tuple[Origin, frozenset[str], tuple[Step, ...], int, tuple[str, ...]]]:
        # Rebuilt by the constructor: much faster to unpickle than slot-by-slot state.
        return (Label, (self.origin, self.cleared, self.trace, self.depth, self.attrs))

    def with_step(self, step: Step) -> Label:
        if self.trace and self.trace[-1][:3] == step[:3]:
            return self
        return Label(self.origin, self.cleared, bound_trace((*self.trace, step)), self.depth, self.attrs)

    def clearing(self, kinds: frozenset[str]) -> Label:
        if kinds <= self.cleared:
            return self
        return Label(self.origin, self.cleared | kinds, self.trace, self.depth, self.attrs)

    def reading(self, attr: str, typed_params: frozenset[str] = frozenset()) -> Label:
        """The label of `value.attr`: with `attr` added to its path when its origin may have a declared type
        (`typed_origin`; `typed_params` are the reading function's parameters annotated with a class)."""
        if len(self.attrs) >= MAX_ATTRS or not typed_origin(self.origin, typed_params):
            # Past the bound the path stays shorter: the project phase then judges the whole object, which is never
            # safer than one of its fields.
            return self
        return Label(self.origin, self.cleared, self.trace, self.depth, (*self.attrs, attr))


# Attribute paths kept on a label: `a.b.c.d`. Deeper reads keep the first ones.
MAX_ATTRS = 4


def typed_origin(origin: Origin, typed_params: frozenset[str]) -> bool:
    """Whether the value an origin stands for may have a declared type to look attributes up in, so that reading
    its attributes keeps their path: a handler parameter annotated with a class, or a parameter of the reading
    function that is annotated with a class (one of `typed_params`; a caller may pass it a pydantic model). This is
    the one place that decides it. Request objects read by name (`request.args`), call results, fields and
    unannotated parameters are not followed and their labels stay as they are: following every parameter's
    attributes multiplied the labels of untyped code (Django's taint phase took 5x as long) with no declared type
    to look them up in."""
    if isinstance(origin, SourceOrigin):
        return origin.annotation is not None
    return isinstance(origin, ParamOrigin) and origin.name in typed_params


def read_attribute(labels: frozenset[Label], attr: str, typed_params: frozenset[str]) -> frozenset[Label]:
    """The labels of `value.attr` given those of `value` (see `typed_origin`)."""
    return frozenset(label.reading(attr, typed_params) for label in labels)


def bound_trace(trace: tuple[Step, ...]) -> tuple[Step, ...]:
    """Keep long paths readable and facts small: the first steps and the last ones."""
    if len(trace) <= MAX_TRACE:
        return trace
    head = MAX_TRACE // 3
    return trace[:head] + trace[len(trace) - (MAX_TRACE - head) :]


EMPTY_LABELS: frozenset[Label] = frozenset()
# Labels one variable keeps. Each source read and each call adds a label, so a variable combined again and again
# with new input (`v2 = v1 + request.args[...]`, line after line) would carry one label per line, and every
# later step would copy them all: quadratic time on a long function. Past this many, the ones kept are chosen
# by `_label_rank` (sources first, the most remote first), which is what a finding reports.
MAX_LABELS = 48


def _label_rank(label: Label) -> tuple[Any, ...]:
    return (*_origin_rank(label), label.attrs)


def _origin_rank(label: Label) -> tuple[Any, ...]:
    origin = label.origin
    cleared = tuple(sorted(label.cleared))
    if isinstance(origin, SourceOrigin):
        rank = _SOURCE_RANK.get(origin.kind, 3)
        return (
            0,
            rank,
            len(cleared),
            origin.path,
            origin.line,
            origin.column,
            origin.kind,
            origin.description,
            cleared,
        )
    if isinstance(origin, ParamOrigin):
        return (1, 0, len(cleared), origin.name, 0, 0, "", "", cleared)
    if isinstance(origin, FieldOrigin):
        return (2, 0, len(cleared), origin.owner, 0, 0, origin.attr, "", cleared)
    return (3, 0, len(cleared), "", origin.call, 0, "", "", cleared)


_SOURCE_RANK = {"remote": 0, "local": 1, "environment": 2}


def bound_labels(labels: frozenset[Label]) -> frozenset[Label]:
    """At most `MAX_LABELS` labels, the same ones whatever the set's iteration order."""
    if len(labels) <= MAX_LABELS:
        return labels
    return frozenset(sorted(labels, key=_label_rank)[:MAX_LABELS])


@dataclass(frozen=True, slots=True)
class RequestObject:
    """A value that is a whole request: its attributes are input, except the framework's safe ones."""

    kind: str
    description: str
    safe_attributes: frozenset[str]
    path: str
    line: int
    column: int


@dataclass(slots=True, eq=False)
class Value:
    """What the analysis knows of one value at one point of a function.

    Treated as immutable (changes go through `dataclasses.replace`); not declared frozen because frozen
    dataclasses are several times slower to build, and the analysis builds a great many values."""

    labels: frozenset[Label] = EMPTY_LABELS  # taint of the value (for containers: of the elements not tracked)
    const: Any = UNKNOWN
    items: tuple[Value, ...] | None = None  # a sequence whose first elements are known
    keys: tuple[tuple[Hashable, Value], ...] | None = None  # a mapping with constant keys
    prefix: str = ""  # a constant prefix of a string value (`"https://api.example.com/" + path`)
    resolved: bool = False  # a path made absolute and normalised (realpath, resolve)
    type_name: str | None = None  # qualified name of what this value is (for method calls on it)
    built_by: str | None = None  # the callee that built it
    true_keywords: frozenset[str] = frozenset()  # keywords passed a true constant when it was built
    parsed_from: str | None = None  # urlparse(<name>): the variable whose URL this parses
    host_of: str | None = None  # the host part (netloc/hostname) of the URL held by this variable
    request: RequestObject | None = None
    # A string that starts with something not from the input and not constant (`f"{settings.API}/{path}"`):
    # a base URL or host the code chose, which the input that follows cannot change.
    fixed_host: bool = False
    # A URL whose host ends at a constant `/`, `?` or `#` (`f"https://keys.{region}.example.com/{kid}"`): the labels
    # of what comes before (scheme and host). What follows cannot change the server requested.
    host_labels: frozenset[Label] | None = None
    # Text with every `.` removed (`extension.replace(".", "")`): it cannot spell `..`.
    dotless: bool = False

    def all_labels(self) -> frozenset[Label]:
        if self.items is None and self.keys is None:
            return self.labels
        collected = set(self.labels)
        for item in self.items or ():
            collected.update(item.all_labels())
        for _, item in self.keys or ():
            collected.update(item.all_labels())
        return frozenset(collected)

    @property
    def tainted(self) -> bool:
        return bool(self.all_labels())

    def with_labels(self, labels: frozenset[Label]) -> Value:
        return replace(self, labels=labels)


EMPTY = Value()


def union_labels(values: Iterable[Value]) -> frozenset[Label]:
    collected: set[Label] = set()
    for value in values:
        collected.update(value.all_labels())
    return frozenset(collected)


def tainted(labels: frozenset[Label]) -> Value:
    return Value(labels=labels) if labels else EMPTY


def join(left: Value, right: Value) -> Value:
    """The value at a merge point: either one may be there."""
    if left is right:
        return left
    const = left.const if _same_const(left.const, right.const) else UNKNOWN
    items = None
    if left.items is not None and right.items is not None and len(left.items) == len(right.items):
        items = tuple(join(a, b) for a, b in zip(left.items, right.items, strict=True))
        labels = left.labels | right.labels
    elif left.items is None and right.items is None:
        labels = left.labels | right.labels
    else:
        labels = left.all_labels() | right.all_labels()
    keys = None
    if left.keys is not None and right.keys is not None:
        right_keys = dict(right.keys)
        left_keys = dict(left.keys)
        merged = {}
        # In the mappings' own order, never a set's: the first of two labels equal but for their trace is the one
        # kept, so the order must not depend on the hash seed (nor, then, the facts' text).
        for key in {**left_keys, **right_keys}:
            a = left_keys.get(key)
            b = right_keys.get(key)
            if a is not None and b is not None:
                merged[key] = join(a, b)
            else:
                labels = labels | (a or b or EMPTY).all_labels()
        keys = tuple(merged.items())
    elif left.keys is not None or right.keys is not None:
        labels = labels | left.all_labels() | right.all_labels()
    prefix = _common_prefix(left.prefix, right.prefix)
    return Value(
        labels=labels,
        const=const,
        items=items,
        keys=keys,
        prefix=prefix,
        resolved=left.resolved and right.resolved,
        type_name=left.type_name if left.type_name == right.type_name else None,
        built_by=left.built_by if left.built_by == right.built_by else None,
        true_keywords=left.true_keywords & right.true_keywords,
        parsed_from=left.parsed_from if left.parsed_from == right.parsed_from else None,
        host_of=left.host_of if left.host_of == right.host_of else None,
        request=left.request or right.request,
        fixed_host=left.fixed_host and right.fixed_host,
        host_labels=(
            left.host_labels | right.host_labels
            if left.host_labels is not None and right.host_labels is not None
            else None
        ),
        dotless=left.dotless and right.dotless,
    )


def _same_const(a: Any, b: Any) -> bool:
    if a is UNKNOWN or b is UNKNOWN:
        return False
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return False


def _common_prefix(a: str, b: str) -> str:
    if a == b:
        return a
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return a[:size]


def clear_value(value: Value, kinds: frozenset[str]) -> Value:
    """The same value with every label cleared for `kinds` (a guard held)."""
    if not value.tainted:
        return value
    items = tuple(clear_value(item, kinds) for item in value.items) if value.items is not None else None
    keys = tuple((k, clear_value(v, kinds)) for k, v in value.keys) if value.keys is not None else None
    labels = frozenset(label.clearing(kinds) for label in value.labels)
    host = frozenset(label.clearing(kinds) for label in value.host_labels) if value.host_labels is not None else None
    return replace(value, labels=labels, items=items, keys=keys, host_labels=host)


def element_of(iterable: Value) -> Value:
    if iterable.items is not None and not iterable.labels:
        merged = EMPTY
        for item in iterable.items:
            merged = join(merged, item) if merged is not EMPTY else item
        return tainted(merged.all_labels()) if merged.tainted else EMPTY
    return tainted(iterable.all_labels())


def get_item(container: Value, key: Any) -> Value | None:
    if container.items is not None and isinstance(key, int) and not isinstance(key, bool):
        if -len(container.items) <= key < len(container.items):
            return container.items[key]
        return None
    if container.keys is not None:
        try:
            entries = dict(container.keys)
            if key in entries:
                return entries[key]
        except TypeError:
            return None
        return tainted(container.labels)
    return None


def set_item(container: Value, key: Any, value: Value) -> Value:
    if key is UNKNOWN:
        return replace(container, labels=container.labels | value.all_labels(), const=UNKNOWN)
    if container.items is not None and isinstance(key, int) and -len(container.items) <= key < len(container.items):
        items = list(container.items)
        items[key] = value
        return Value(items=tuple(items), labels=container.labels)
    try:
        hash(key)
    except TypeError:
        return replace(container, labels=container.labels | value.all_labels())
    entries = dict(container.keys or ())
    entries[key] = value
    labels = container.labels if container.items is None else container.all_labels()
    return Value(labels=labels, keys=tuple(entries.items()), type_name=container.type_name)


def with_step(value: Value, step: Step) -> Value:
    labels = frozenset(label.with_step(step) for label in bound_labels(value.labels))
    items = tuple(with_step(item, step) for item in value.items) if value.items is not None else None
    keys = tuple((k, with_step(v, step)) for k, v in value.keys) if value.keys is not None else None
    host = value.host_labels
    if host is not None:
        host = frozenset(label.with_step(step) for label in bound_labels(host))
    return replace(value, labels=labels, items=items, keys=keys, host_labels=host)
