"""Facts the per-file workers hand to the project phase: one summary per function, small and picklable."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bastion.taint.declared import Declarations
from bastion.taint.values import Label

ArgKey = int | str  # a position, a keyword name, "*" (a starred argument) or "**" (a keyword splat)
STAR = "*"
DOUBLE_STAR = "**"


@dataclass(frozen=True, slots=True)
class CallSite:
    """A call whose callee may be a function of the project (decided in the project phase)."""

    index: int
    callee: str | None  # qualified name, `X().m` written `X.m`
    bound: bool  # called as a method of an instance (`obj.m(...)`, `self.m(...)`): arguments shift by one
    receiver: frozenset[Label]
    args: tuple[tuple[ArgKey, frozenset[Label]], ...]
    fallback: frozenset[Label]  # the result's taint if the callee is not a project function
    line: int
    column: int
    name: str  # the callee as written, for messages

    def __reduce__(self) -> tuple[type[CallSite], tuple[Any, ...]]:
        return (CallSite, tuple(getattr(self, name) for name in self.__slots__))


@dataclass(frozen=True, slots=True)
class SinkHit:
    kind: str
    line: int
    column: int
    end_line: int
    end_column: int
    labels: frozenset[Label]
    what: str  # "`cursor.execute(...)`"
    confident: bool  # False when the sink was matched by method name on a value of unknown type

    def __reduce__(self) -> tuple[type[SinkHit], tuple[Any, ...]]:
        return (SinkHit, tuple(getattr(self, name) for name in self.__slots__))


@dataclass(frozen=True, slots=True)
class FieldWrite:
    owner: str
    attr: str
    labels: frozenset[Label]

    def __reduce__(self) -> tuple[type[FieldWrite], tuple[Any, ...]]:
        return (FieldWrite, tuple(getattr(self, name) for name in self.__slots__))


@dataclass(slots=True)
class FunctionFacts:
    qualname: str
    path: str
    line: int
    params: tuple[str, ...]  # positional parameters in order (self included for methods)
    kwonly: tuple[str, ...] = ()
    vararg: str | None = None
    kwarg: str | None = None
    is_method: bool = False  # defined in a class and not a staticmethod: calls through an instance shift by one
    returns: frozenset[Label] = frozenset()
    # Type names of what it returns, when known (`pkg.handlers.*.do_*` for a function chosen by name, a module, a
    # class): a call of its result (`handler = pick(name); handler(data)`) is resolved through them.
    return_types: tuple[str, ...] = ()
    sinks: list[SinkHit] = field(default_factory=list)
    calls: list[CallSite] = field(default_factory=list)
    field_writes: list[FieldWrite] = field(default_factory=list)


@dataclass(slots=True)
class ModuleFacts:
    module: str
    path: str
    functions: list[FunctionFacts] = field(default_factory=list)
    # Module-level imports (`from .db import find` in a package's __init__): qualified alias -> target.
    aliases: dict[str, str] = field(default_factory=dict)
    # Classes: qualified name -> qualified names of the bases, for method lookup through inheritance.
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Functions with nothing to summarise: a call to one returns nothing tainted (rather than being taken for an
    # unknown call that passes its arguments on).
    silent: list[str] = field(default_factory=list)
    # Request-handler classes (a BaseHTTPRequestHandler, a class-based view): their fields hold request data that
    # helpers read from the handler object they are given.
    handler_classes: list[str] = field(default_factory=list)
    # Module-level names bound to a framework dependency (`DbSession = Annotated[Session, Depends(get_db)]`): a
    # handler parameter annotated so is filled by the framework, not by the client.
    dependency_aliases: list[str] = field(default_factory=list)
    # Declared types (model fields, type aliases, membership helpers): what a typed request parameter's attributes
    # can hold (`bastion.taint.declared`).
    declared: Declarations = field(default_factory=lambda: Declarations({}, {}, []))


def symbolic_labels(function: FunctionFacts) -> Iterator[Label]:
    """Every label a function's facts hold (returns, sinks, fields, call sites)."""
    yield from function.returns
    for hit in function.sinks:
        yield from hit.labels
    for write in function.field_writes:
        yield from write.labels
    for site in function.calls:
        yield from site.fallback
        yield from site.receiver
        for _, labels in site.args:
            yield from labels
