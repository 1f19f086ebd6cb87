"""The project phase: link function summaries across modules and find every source that reaches a sink.

Each function's facts hold symbolic labels: its parameters (`ParamOrigin`), the results of calls that may be
project functions (`CallOrigin`) and `self.attr`/module globals (`FieldOrigin`). The solver computes, to a
fixpoint (recursion included):

- `returns[f]`: which sources and which of f's parameters reach f's return value;
- `reaches[f]`: which of f's parameters reach a sink (or a field), directly or through the functions f calls;
- `fields[(owner, attr)]`: which sources are stored in a field or module global;

and then reports every source whose path reaches a sink with no sanitizer for that sink's kind on the way.
Paths crossing more than `max_depth` calls are dropped (bounded depth).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from bastion.concepts.dataflow import clears
from bastion.core import patterns
from bastion.taint.declared import LINE, SCALAR, Declarations, DeclaredTypes
from bastion.taint.facts import DOUBLE_STAR, STAR, CallSite, FunctionFacts, ModuleFacts, SinkHit, symbolic_labels
from bastion.taint.values import (
    HANDLER_FIELD,
    MAX_ATTRS,
    CallOrigin,
    FieldOrigin,
    Label,
    ParamOrigin,
    SourceOrigin,
    Step,
    bound_trace,
    cleared_hash,
    stable_hash,
)

_MAX_VISITS = 40  # per function and fixpoint: a guard against pathological oscillation
_MAX_ROUNDS = 4  # outer rounds, while fields learn new sources
_ALIAS_HOPS = 6
_SOURCE_RANK = {"remote": 0, "local": 1, "environment": 2}

Target = tuple[str, str, int] | tuple[str, str, str]  # ("sink", function, index) | ("field", owner, attr)


class Reach:
    """A parameter of a function reaches a target (a sink or a field). Equality ignores the trace."""

    __slots__ = ("_hash", "attrs", "cleared", "depth", "param", "target", "trace")

    def __init__(
        self,
        param: str,
        target: Target,
        cleared: frozenset[str],
        trace: tuple[Step, ...],
        depth: int,
        attrs: tuple[str, ...] = (),
    ):
        self.param = param
        self.target = target
        self.cleared = cleared
        self.trace = trace
        self.depth = depth
        self.attrs = attrs  # the attribute path read from the parameter on the way (`param.a.b`)
        self._hash = hash((stable_hash(param, *target, *attrs), cleared_hash(cleared)))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Reach)
            and self._hash == other._hash
            and (self.param, self.target, self.cleared, self.attrs)
            == (other.param, other.target, other.cleared, other.attrs)
        )

    def __hash__(self) -> int:
        return self._hash


@dataclass(frozen=True)
class TaintFinding:
    kind: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    what: str
    source: SourceOrigin
    trace: tuple[Step, ...]  # source first, up to (not including) the sink
    confident: bool
    function: str


@dataclass(frozen=True)
class _ReachInputs:
    """What a function's reaches are built from, unchanged while the reaches fixpoint runs (`_reach_inputs`)."""

    own: dict[tuple[Any, ...], Reach]  # its own reaches, by what makes two equal (`_keep_reach`)
    memo: dict[int, frozenset[Label]]  # the call results resolved on the way (copied by each visit)


@dataclass(frozen=True)
class _Callee:
    function: FunctionFacts
    bound: bool
    constructor: bool


class TaintSolver:
    def __init__(
        self,
        modules: Iterable[ModuleFacts],
        *,
        environment_sources: bool = False,
        max_depth: int = 12,
        reaches: Callable[[str, str], bool] | None = None,
        line_kinds: frozenset[str] = frozenset(),
        number_kinds: frozenset[str] = frozenset(),
    ):
        # Which source kinds are findings at which sink kinds (kinds.toml: opt-in sources, a sink's `sources`).
        self.reported_at = reaches
        self.functions: dict[str, FunctionFacts] = {}
        self.aliases: dict[str, str] = {}
        self.classes: dict[str, tuple[str, ...]] = {}
        self.handler_classes: set[str] = set()
        self.dependency_aliases: set[str] = set()
        declarations: list[Declarations] = []
        for module in modules:
            declarations.append(module.declared)
            self.handler_classes.update(module.handler_classes)
            self.dependency_aliases.update(module.dependency_aliases)
            for function in module.functions:
                self.functions.setdefault(function.qualname, function)
            for name in module.silent:
                self.functions.setdefault(name, FunctionFacts(name, module.path, 0, ()))
            self.aliases.update(module.aliases)
            self.classes.update(module.classes)
        self.environment_sources = environment_sources
        # Typed request fields: a number, date, id or enum is safe at every sink kind but `number_kinds` (sizes); text
        # with no line break (an e-mail address) at `line_kinds` (logs, headers).
        self.declared = DeclaredTypes(declarations)
        self.line_kinds = line_kinds
        self.number_kinds = number_kinds
        self.max_depth = max_depth
        # Call sites where a path (from a source, or from a parameter toward a sink) was dropped for crossing more
        # than `max_depth` calls: what the analysis did not follow, reported as such (BST104), not as "no path".
        # True when a path from a source (data known to be tainted) was among those dropped there.
        self.cut_short: dict[tuple[str, int], bool] = {}
        # Functions whose summaries lost paths (from their parameters) to the depth bound.
        self.truncated: set[str] = set()
        self.returns: dict[str, frozenset[Label]] = {}
        self.reaches: dict[str, frozenset[Reach]] = {}
        self.fields: dict[tuple[str, str], dict[Label, Label]] = {}  # each label: its best witness (`_witness`)
        self._callee_cache: dict[tuple[str, bool], tuple[_Callee, ...]] = {}
        # Indexes built on first use: each class's own member names (`_methods_matching`) and the functions that
        # are no methods, in name order (`_denoted`); both scanned every function per pattern before.
        self._members: dict[str, list[str]] | None = None
        self._plain_functions: list[str] | None = None
        self._sites: dict[str, dict[int, CallSite]] = {}
        self.callers: dict[str, set[str]] = {}
        self.field_readers: dict[tuple[str, str], set[str]] = {}
        # The order functions are visited in. Sorted, never a set's order; what is found must not depend on it at
        # all (`_witness`), which the tests check by solving in reverse.
        self.order: Callable[[Iterable[str]], list[str]] = sorted
        self._link()

    # -- linking --------------------------------------------------------------------------------------------------

    def _link(self) -> None:
        for function in self.functions.values():
            for label in symbolic_labels(function):
                origin = label.origin
                if isinstance(origin, FieldOrigin):
                    for owner in self._owners(origin):
                        self.field_readers.setdefault((owner, origin.attr), set()).add(function.qualname)
            self._sites[function.qualname] = {site.index: site for site in function.calls}
            for site in function.calls:
                for callee in self.callees(site):
                    self.callers.setdefault(callee.function.qualname, set()).add(function.qualname)

    def _is_dependency(self, annotation: str) -> bool:
        return annotation in self.dependency_aliases or self._unalias(annotation) in self.dependency_aliases

    def _owners(self, origin: FieldOrigin) -> Iterable[str]:
        return sorted(self.handler_classes) if origin.owner == HANDLER_FIELD else (origin.owner,)

    def callees(self, site: CallSite) -> tuple[_Callee, ...]:
        """The project functions a call may reach: the one it names, or every one a name chosen at run time can
        denote (`getattr(module, "do_" + action)(data)`, a call of what a project function returned)."""
        if site.callee is None:
            return ()
        key = (site.callee, site.bound)
        if key not in self._callee_cache:
            self._callee_cache[key] = self.resolve_callee(site.callee, site.bound)
        return self._callee_cache[key]

    def resolve_callee(self, name: str, bound: bool) -> tuple[_Callee, ...]:
        found = self._find_callee(name, bound)
        return (found,) if found is not None else self._denoted(name, 0)

    def _denoted(self, name: str, hops: int) -> tuple[_Callee, ...]:
        """`pkg.pick()` (the result of `pkg.pick`): what `pick` returns; `pkg.handlers.*.do_*`: every function of
        the project matching the pattern; `pkg.Handler().on_*`: the methods of the class so named."""
        if hops > _ALIAS_HOPS or ("()" not in name and "*" not in name):
            return ()
        head, call, tail = name.partition("()")
        if call:
            owner = self._class_named(head)
            if owner is not None:
                return self._methods_matching(owner, tail.removeprefix("."))
            producer = self._find_callee(head, False)
            if producer is None:
                return ()
            found: dict[str, _Callee] = {}
            for returned in producer.function.return_types:
                for callee in self._denoted_or_named(returned + tail, hops + 1):
                    found.setdefault(callee.function.qualname, callee)
            return tuple(found[key] for key in sorted(found))
        pattern = _pattern(name)
        if self._plain_functions is None:
            self._plain_functions = sorted(name for name, function in self.functions.items() if not function.is_method)
        return tuple(
            _Callee(self.functions[qualname], False, False)
            for qualname in self._plain_functions
            if pattern.fullmatch(qualname)
        )

    def _denoted_or_named(self, name: str, hops: int) -> tuple[_Callee, ...]:
        found = self._find_callee(name, False)
        return (found,) if found is not None else self._denoted(name, hops)

    def _find_callee(self, name: str, bound: bool) -> _Callee | None:
        seen: set[str] = set()
        for _ in range(_ALIAS_HOPS):
            if name in seen:
                return None
            seen.add(name)
            function = self.functions.get(name)
            if function is not None:
                return _Callee(function, bound and function.is_method, False)
            if name in self.classes:
                init = self._method(name, "__init__")
                return _Callee(init, True, True) if init is not None else None
            owner, _, attr = name.rpartition(".")
            if owner in self.classes:
                method = self._method(owner, attr)
                if method is not None:
                    return _Callee(method, bound and method.is_method, False)
            unaliased = self._unalias(name)
            if unaliased is None:
                return None
            name = unaliased
        return None

    def _class_named(self, name: str) -> str | None:
        seen: set[str] = set()
        current: str | None = name
        while current is not None and current not in seen and len(seen) < _ALIAS_HOPS:
            if current in self.classes:
                return current
            seen.add(current)
            current = self._unalias(current)
        return None

    def _methods_matching(self, owner: str, member: str) -> tuple[_Callee, ...]:
        """The methods of `owner` (its own and inherited from project classes) whose names match `member`."""
        if not member or "." in member:
            return ()
        pattern = _pattern(member)
        names: set[str] = set()
        pending = [owner]
        visited: set[str] = set()
        members = self._members_by_owner()
        while pending and len(visited) <= 32:
            cls = pending.pop()
            if cls in visited:
                continue
            visited.add(cls)
            # (A name nested deeper, `cls.method.inner`, never matches: `member` holds no dot, `*` matches none.)
            names.update(attr for attr in members.get(cls, ()) if pattern.fullmatch(attr))
            pending.extend(base for base in self.classes.get(cls, ()) if base in self.classes)
        methods = (self._method(owner, attr) for attr in sorted(names))
        return tuple(_Callee(method, method.is_method, False) for method in methods if method is not None)

    def _members_by_owner(self) -> dict[str, list[str]]:
        """Every function's last name under the name it is defined in (`pkg.C.get` -> `pkg.C`: [`get`, ...])."""
        if self._members is None:
            self._members = {}
            for qualname in self.functions:
                owner, _, attr = qualname.rpartition(".")
                if attr:
                    self._members.setdefault(owner, []).append(attr)
        return self._members

    def _method(self, owner: str, attr: str) -> FunctionFacts | None:
        pending = [owner]
        visited: set[str] = set()
        while pending:
            cls = pending.pop(0)
            if cls in visited or len(visited) > 32:
                continue
            visited.add(cls)
            function = self.functions.get(f"{cls}.{attr}")
            if function is not None:
                return function
            for base in self.classes.get(cls, ()):
                pending.append(base if base in self.classes else (self._unalias(base) or base))
        return None

    def _unalias(self, name: str) -> str | None:
        parts = name.split(".")
        for size in range(len(parts), 0, -1):
            prefix = ".".join(parts[:size])
            target = self.aliases.get(prefix)
            if target is not None and target != prefix:
                rest = parts[size:]
                return ".".join([target, *rest])
        return None

    # -- resolution -----------------------------------------------------------------------------------------------

    def resolve(
        self, function: FunctionFacts, labels: Iterable[Label], memo: dict[int, frozenset[Label]]
    ) -> set[Label]:
        """Labels in terms of sources and the function's own parameters only (one witness each: `_keep`)."""
        out: dict[Label, Label] = {}
        for label in labels:
            origin = label.origin
            if isinstance(origin, SourceOrigin):
                if origin.kind == "environment" and not self.environment_sources:
                    continue
                if origin.annotation is not None and self._is_dependency(origin.annotation):
                    continue  # a parameter the framework fills from a dependency
                _keep(out, label)
            elif isinstance(origin, ParamOrigin):
                _keep(out, label)
            elif isinstance(origin, FieldOrigin):
                for owner in self._owners(origin):
                    for stored in self.fields.get((owner, origin.attr), {}).values():
                        composed = _compose(stored, label, 0)
                        if composed is not None:
                            _keep(out, composed)
            elif isinstance(origin, CallOrigin):
                for result in self._call_result(function, origin.call, memo):
                    composed = _compose(result, label, 0)
                    if composed is not None:
                        _keep(out, composed)
        return set(out.values())

    def _call_result(self, function: FunctionFacts, index: int, memo: dict[int, frozenset[Label]]) -> frozenset[Label]:
        if index in memo:
            return memo[index]
        memo[index] = frozenset()  # a cycle through a loop-carried variable contributes nothing new
        site = self._sites[function.qualname].get(index)
        if site is None:
            return frozenset()
        callees = self.callees(site)
        result: dict[Label, Label] = {}
        if not callees or any(callee.constructor for callee in callees):
            result = {label: label for label in self.resolve(function, site.fallback, memo)}
        for callee in callees:
            if callee.constructor:
                continue
            target = callee.function
            returned_step: Step = (function.path, site.line, site.column, f"returned by `{site.name}(...)`")
            for returned in self.returns.get(target.qualname, ()):
                origin = returned.origin
                if isinstance(origin, SourceOrigin):
                    composed = _with_depth(returned, returned.depth + 1, self.max_depth)
                    if composed is not None:
                        _keep(result, composed.with_step(returned_step))
                    else:
                        self._cut(function, site.line, from_source=True)
                elif isinstance(origin, ParamOrigin):
                    passed_step: Step = (function.path, site.line, site.column, f"passed to `{site.name}(...)`")
                    for argument in self.resolve(function, self._arguments(site, callee, origin.name), memo):
                        head = argument.with_step(passed_step)
                        composed = _compose(head, returned, 1, self.max_depth)
                        if composed is not None:
                            _keep(result, composed.with_step(returned_step))
                        else:
                            self._cut(function, site.line, from_source=isinstance(head.origin, SourceOrigin))
        memo[index] = frozenset(result.values())
        return memo[index]

    def _arguments(self, site: CallSite, callee: _Callee, param: str) -> set[Label]:
        target = callee.function
        params = target.params
        offset = 1 if callee.bound else 0
        labels: set[Label] = set()
        position = params.index(param) - offset if param in params else None
        if offset and params and param == params[0]:
            labels.update(site.receiver)
        named = set(params) | set(target.kwonly)
        for key, values in site.args:
            if (
                key in (position, param, DOUBLE_STAR)
                or (key == STAR and position is not None and position >= 0)
                or (param == target.vararg and isinstance(key, int) and key >= len(params) - offset)
                or (
                    param == target.kwarg
                    and isinstance(key, str)
                    and key not in named
                    and key not in (STAR, DOUBLE_STAR)
                )
            ):
                labels.update(values)
        return labels

    # -- fixpoints ------------------------------------------------------------------------------------------------

    def _fixpoint(self, compute: str, seeds: Iterable[str]) -> set[str]:
        """Recompute one table from `seeds` until nothing changes; the names whose entry changed."""
        table: dict[str, frozenset] = self.returns if compute == "returns" else self.reaches  # type: ignore[type-arg]
        step: Callable[[FunctionFacts], frozenset[Any]]
        if compute == "returns":
            step = self._returns_of
        else:
            # While reaches are solved, returns and fields stay as they are: what a function's own sinks and field
            # writes receive is the same on every visit (only its callees' reaches change), so it is resolved once
            # per function for this fixpoint.
            invariant: dict[str, _ReachInputs] = {}

            def step(function: FunctionFacts) -> frozenset[Any]:
                inputs = invariant.get(function.qualname)
                if inputs is None:
                    inputs = invariant[function.qualname] = self._reach_inputs(function)
                return self._reaches_of(function, inputs)

        # Names in `order` (sorted), never in a set's: the paths kept do not depend on it (`_witness`), but past the
        # visit cap what is found does, so it must not depend on the hash seed.
        queue = deque(self.order(seeds))
        queued = set(queue)
        visits: dict[str, int] = {}
        changed: set[str] = set()
        while queue:
            name = queue.popleft()
            queued.discard(name)
            visits[name] = visits.get(name, 0) + 1
            if visits[name] > _MAX_VISITS:
                continue
            new = step(self.functions[name])
            if not _same_witnesses(new, table.get(name, frozenset())):
                table[name] = new
                changed.add(name)
                for caller in self.order(self.callers.get(name, ())):
                    if caller not in queued:
                        queued.add(caller)
                        queue.append(caller)
        return changed

    def _returns_of(self, function: FunctionFacts) -> frozenset[Label]:
        if not function.returns:
            return frozenset()
        return frozenset(self.resolve(function, function.returns, {}))

    def _reach_inputs(self, function: FunctionFacts) -> _ReachInputs:
        """What of `_reaches_of` does not depend on the callees' reaches: the function's own reaches (its parameters
        reaching its sinks and field writes) and the call results resolved on the way."""
        # By what makes two reaches equal (parameter, target, cleared kinds, attributes), the best witness so far.
        own: dict[tuple[Any, ...], Reach] = {}
        memo: dict[int, frozenset[Label]] = {}
        for index, hit in enumerate(function.sinks):
            target: Target = ("sink", function.qualname, index)
            for label in self.resolve(function, hit.labels, memo):
                if isinstance(label.origin, ParamOrigin) and not clears(label.cleared, hit.kind):
                    _keep_reach(own, label.origin.name, target, label.cleared, label.trace, label.depth, label.attrs)
        for write in function.field_writes:
            field_target: Target = ("field", write.owner, write.attr)
            for label in self.resolve(function, write.labels, memo):
                if isinstance(label.origin, ParamOrigin):
                    _keep_reach(
                        own, label.origin.name, field_target, label.cleared, label.trace, label.depth, label.attrs
                    )
        return _ReachInputs(own, memo)

    def _reaches_of(self, function: FunctionFacts, inputs: _ReachInputs) -> frozenset[Reach]:
        # Many paths through calls give the same reach, which is built only when its witness is better.
        found = dict(inputs.own)
        # A copy: call results first resolved below are resolved afresh on each visit, as they were before (which
        # calls a visit enters first depends on the callees' reaches; a loop-carried cycle of calls is cut where
        # it is entered).
        memo = dict(inputs.memo)
        max_depth = self.max_depth
        for site in function.calls:
            if not site.args and not site.receiver:
                continue
            for callee in self.callees(site):
                # No field is stored meanwhile: what the call passes a parameter is resolved once for all the
                # reaches of that parameter (a parameter reaches many targets).
                passed: dict[str, list[Label]] = {}
                for reach in self.reaches.get(callee.function.qualname, ()):
                    labels = passed.get(reach.param)
                    if labels is None:
                        labels = passed[reach.param] = self._passed(function, site, callee, reach.param, memo)
                    kind = self._kind(reach.target)
                    for label in labels:
                        # `_extend` then `_keep_reach`, with the trace joined only for a reach that may be better
                        # than the one kept (no deeper).
                        cleared = label.cleared | reach.cleared if reach.cleared else label.cleared
                        deepest = max(label.depth, reach.depth)
                        if deepest + 1 > max_depth or (kind is not None and clears(cleared, kind)):
                            if deepest >= max_depth:
                                self._cut(function, site.line, from_source=isinstance(label.origin, SourceOrigin))
                            continue
                        origin = label.origin
                        if not isinstance(origin, ParamOrigin):
                            continue
                        attrs = _joined(label.attrs, reach.attrs)
                        key = (origin.name, reach.target, cleared, attrs)
                        known = found.get(key)
                        if known is not None and known.depth < deepest + 1:
                            continue
                        trace = bound_trace(label.trace + reach.trace)
                        if known is None or (deepest + 1, len(trace), trace) < _witness(known):
                            found[key] = Reach(origin.name, reach.target, cleared, trace, deepest + 1, attrs)
        return frozenset(found.values())

    def _through_calls(
        self, function: FunctionFacts, memo: dict[int, frozenset[Label]]
    ) -> Iterator[tuple[Label, Reach, tuple[frozenset[str], tuple[Step, ...], int, tuple[str, ...]]]]:
        """What the function passes to callees whose parameters reach a target: (argument, reach, joined path).
        What a call passes is resolved once per reach, seeing the fields learned on the way (`_collect` stores
        fields while it iterates; `_reaches_of` has its own loop, since it does not)."""
        for site in function.calls:
            if not site.args and not site.receiver:
                continue
            for callee in self.callees(site):
                for reach in self.reaches.get(callee.function.qualname, ()):
                    labels = self._passed(function, site, callee, reach.param, memo)
                    for label in labels:
                        composed = _extend(label, reach, self.max_depth, self._kind(reach.target))
                        if composed is not None:
                            yield label, reach, composed
                        elif max(label.depth, reach.depth) >= self.max_depth:
                            self._cut(function, site.line, from_source=isinstance(label.origin, SourceOrigin))

    def _passed(
        self, function: FunctionFacts, site: CallSite, callee: _Callee, param: str, memo: dict[int, frozenset[Label]]
    ) -> list[Label]:
        step: Step = (function.path, site.line, site.column, f"passed to `{site.name}(...)`")
        return [label.with_step(step) for label in self.resolve(function, self._arguments(site, callee, param), memo)]

    def _cut(self, function: FunctionFacts, line: int, *, from_source: bool) -> None:
        key = (function.path, line)
        self.cut_short[key] = self.cut_short.get(key, False) or from_source
        if not from_source:
            self.truncated.add(function.qualname)

    def _truncated_below(self, name: str, memo: dict[str, bool]) -> bool:
        """Whether `name`, or a function it calls (transitively), lost paths to the depth bound."""
        if name in memo:
            return memo[name]
        memo[name] = False  # a cycle adds nothing
        found = name in self.truncated
        if not found:
            for site in self.functions[name].calls:
                if any(self._truncated_below(callee.function.qualname, memo) for callee in self.callees(site)):
                    found = True
                    break
        memo[name] = found
        return found

    def _source_into_truncated(
        self, function: FunctionFacts, memo: dict[int, frozenset[Label]], seen: dict[str, bool]
    ) -> None:
        """Request data passed to a call whose paths were cut below it: the likely miss is said at this call."""
        for site in function.calls:
            if not any(self._truncated_below(callee.function.qualname, seen) for callee in self.callees(site)):
                continue
            passed: set[Label] = set(site.receiver)
            for _, values in site.args:
                passed.update(values)
            if any(isinstance(label.origin, SourceOrigin) for label in self.resolve(function, passed, memo)):
                self._cut(function, site.line, from_source=True)

    def _kind(self, target: Target) -> str | None:
        if target[0] != "sink":
            return None
        return self.functions[str(target[1])].sinks[int(target[2])].kind

    def _hit(self, target: Target) -> tuple[FunctionFacts, SinkHit]:
        function = self.functions[str(target[1])]
        return function, function.sinks[int(target[2])]

    # -- findings -------------------------------------------------------------------------------------------------

    def solve(self) -> list[TaintFinding]:
        findings: dict[tuple[str, str, int, int], TaintFinding] = {}
        affected: set[str] = set(self.functions)
        for _ in range(_MAX_ROUNDS):
            changed = self._fixpoint("returns", affected) | affected
            changed |= self._fixpoint("reaches", changed)
            # Functions whose summaries or whose callees' summaries changed can have new findings.
            to_collect = set(changed)
            for name in changed:
                to_collect.update(self.callers.get(name, ()))
            learned = self._collect(findings, self.order(to_collect))
            if not learned:
                break
            # Another round, only for what reads a field that learned a source (and, through the fixpoints, callers).
            affected = {reader for key in learned for reader in self.field_readers.get(key, ())}
            if not affected:
                break
        return sorted(findings.values(), key=lambda f: (f.path, f.line, f.column, f.kind))

    def _collect(
        self, findings: dict[tuple[str, str, int, int], TaintFinding], names: Iterable[str]
    ) -> set[tuple[str, str]]:
        """Sources reaching sinks and fields; the fields that learned a source (another round is needed)."""
        learned: set[tuple[str, str]] = set()
        truncation: dict[str, bool] = {}
        for name in names:
            function = self.functions[name]
            memo: dict[int, frozenset[Label]] = {}
            if self.truncated:
                self._source_into_truncated(function, memo, truncation)
            for hit in function.sinks:
                for label in self.resolve(function, hit.labels, memo):
                    if isinstance(label.origin, SourceOrigin) and not clears(label.cleared, hit.kind):
                        self._report(findings, function, hit, label.origin, label.trace, label.attrs)
            for write in function.field_writes:
                for label in self.resolve(function, write.labels, memo):
                    if isinstance(label.origin, SourceOrigin) and self._store(write.owner, write.attr, label):
                        learned.add((write.owner, write.attr))
            for label, reach, (cleared, trace, depth, attrs) in self._through_calls(function, memo):
                if not isinstance(label.origin, SourceOrigin):
                    continue
                if reach.target[0] == "field":
                    key = (str(reach.target[1]), str(reach.target[2]))
                    if self._store(*key, Label(label.origin, cleared, trace, depth, attrs)):
                        learned.add(key)
                else:
                    owner, hit = self._hit(reach.target)
                    self._report(findings, owner, hit, label.origin, trace, attrs)
        return learned

    def _typed_safe(self, source: SourceOrigin, attrs: tuple[str, ...], kind: str) -> bool:
        """Whether the source is a typed request parameter whose value, read along `attrs`, cannot harm `kind`."""
        if source.annotation is None:
            return False
        level = self.declared.level(source.annotation, attrs)
        if level == SCALAR:
            return kind not in self.number_kinds
        return level == LINE and kind in self.line_kinds

    def _store(self, owner: str, attr: str, label: Label) -> bool:
        """Whether the field learned a source, or a better witness of one it held."""
        stored = self.fields.setdefault((owner, attr), {})
        known = stored.get(label)
        if known is not None and _witness(known) <= _witness(label):
            return False
        stored[label] = label
        return True

    def _report(
        self,
        findings: dict[tuple[str, str, int, int], TaintFinding],
        function: FunctionFacts,
        hit: SinkHit,
        source: SourceOrigin,
        trace: tuple[Step, ...],
        attrs: tuple[str, ...] = (),
    ) -> None:
        if self.reported_at is not None and not self.reported_at(source.kind, hit.kind):
            return
        if self._typed_safe(source, attrs, hit.kind):
            return
        key = (hit.kind, function.path, hit.line, hit.column)
        candidate = TaintFinding(
            hit.kind,
            function.path,
            hit.line,
            hit.column,
            hit.end_line,
            hit.end_column,
            hit.what,
            source,
            trace,
            hit.confident,
            function.qualname,
        )
        previous = findings.get(key)
        if previous is None or _better(candidate, previous):
            findings[key] = candidate


def _better(candidate: TaintFinding, previous: TaintFinding) -> bool:
    return _preference(candidate) < _preference(previous)


def _preference(finding: TaintFinding) -> tuple[Any, ...]:
    """Which path a sink reports when several sources reach it: the most remote source, then the shortest path,
    then the first source and path in file order. A total order, so the choice never depends on the order the
    candidates came in (set iteration, hash seed, worker count)."""
    source = finding.source
    return (
        _SOURCE_RANK.get(source.kind, 3),
        len(finding.trace),
        (source.path, source.line, source.column, source.description, source.kind),
        finding.trace,
    )


def _witness(item: Label | Reach) -> tuple[Any, ...]:
    """Which of two labels (or reaches) equal but for their path is kept: the one crossing fewer calls, then the
    shorter trace, then the first trace in file order. A total order, so what a summary holds, and the path a
    finding shows, never depend on the order functions were solved in (a warm re-solve of part of the project
    must give what the whole solve gives)."""
    return (item.depth, len(item.trace), item.trace)


def _keep(kept: dict[Label, Label], label: Label) -> None:
    known = kept.get(label)
    if known is None or _witness(label) < _witness(known):
        kept[label] = label


def _keep_reach(
    kept: dict[tuple[Any, ...], Reach],
    param: str,
    target: Target,
    cleared: frozenset[str],
    trace: tuple[Step, ...],
    depth: int,
    attrs: tuple[str, ...],
) -> None:
    key = (param, target, cleared, attrs)
    known = kept.get(key)
    if known is None or (depth, len(trace), trace) < _witness(known):
        kept[key] = Reach(param, target, cleared, trace, depth, attrs)


def _same_witnesses(new: frozenset[Any], old: frozenset[Any]) -> bool:
    """Equal sets whose equal items also have the same paths (equality of labels and reaches ignores paths)."""
    if new != old:
        return False
    if new is old:
        return True
    paths = {item: (item.depth, item.trace) for item in old}
    return all(paths[item] == (item.depth, item.trace) for item in new)


def _pattern(name: str) -> patterns.Pattern:
    """A qualified-name pattern (`pkg.handlers.*.do_*`) as a regular expression: `*` stands within one name."""
    return patterns.compile("[^.]*".join(patterns.escape(part) for part in name.split("*")))


def _compose(first: Label, second: Label, extra_depth: int, max_depth: int = 1_000) -> Label | None:
    """`first` (resolved) then `second`'s path: the origin of `first`, both paths, both sanitizers."""
    depth = max(first.depth, second.depth) + extra_depth
    if depth > max_depth:
        return None
    trace = bound_trace(first.trace + second.trace)
    return Label(first.origin, first.cleared | second.cleared, trace, depth, _joined(first.attrs, second.attrs))


def _with_depth(label: Label, depth: int, max_depth: int) -> Label | None:
    if depth > max_depth:
        return None
    return Label(label.origin, label.cleared, label.trace, depth, label.attrs)


def _extend(
    label: Label, reach: Reach, max_depth: int, kind: str | None
) -> tuple[frozenset[str], tuple[Step, ...], int, tuple[str, ...]] | None:
    cleared = label.cleared | reach.cleared
    if kind is not None and clears(cleared, kind):
        return None
    depth = max(label.depth, reach.depth) + 1
    if depth > max_depth:
        return None
    return cleared, bound_trace(label.trace + reach.trace), depth, _joined(label.attrs, reach.attrs)


def _joined(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    """The attribute path of a value read along `first`, then along `second` (bounded like `Label.reading`)."""
    if not second:
        return first
    return (first + second)[:MAX_ATTRS]
