"""Solving the taint project in independent parts, so that a warm scan re-solves only the part an edit touched.

The solver links modules through a few things only: the names a call site resolves through (functions, classes,
their bases, module aliases, the types functions return: `TaintSolver.resolve_callee`), the fields one function
writes and another reads, the aliases a source's annotation resolves through, and two project-wide sets
(request-handler classes, dependency aliases). Modules that share none of these cannot change each other's
results: the solver's work on one such group is the same whether or not the others are beside it (its worklists
visit each group's functions in the same relative order, and every table it fills is keyed by the group's own
functions and fields). So the project splits into *parts*, the connected groups of modules, and the solve of the
whole is the union of the solves of the parts.

Each part's result (`TaintFinding`s, the calls where paths were cut short) is kept under a key made of its modules'
facts (their codec text's digest, in scan order), the project-wide sets and the options: an edit re-solves the
part of the edited module only, and an edit that leaves a module's facts as they were (a comment) re-solves
nothing. What links modules is read from a small *interface* per module (names provided, names called, fields
read and written), itself kept by the digest of the module's facts, so that a warm scan decodes the full facts of
the edited part only.

One piece of the solver's state is shared by every part: whether any function has lost paths to the depth bound
yet (`TaintSolver.truncated`), which decides when the solver starts looking for request data passed into such
functions. Parts that truncate are therefore solved once more all together, which is what the whole solve does.

Anything the solver comes to consult across modules must be added to `ModuleInterface` and `link`: the test
`tests/taint/test_incremental.py` compares the parts' union with the whole solve on every taint fixture.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol, TypeVar

from bastion.core import patterns
from bastion.core.codec import Codec, CodecError
from bastion.taint.declared import Declarations, merged
from bastion.taint.facts import FunctionFacts, ModuleFacts, symbolic_labels
from bastion.taint.solver import TaintFinding, TaintSolver
from bastion.taint.values import HANDLER_FIELD, FieldOrigin, SourceOrigin

CutShort = dict[tuple[str, int], bool]
_T = TypeVar("_T")
_PART_VERSION = "2"


class Memo(Protocol):
    """Where parts' results and modules' interfaces are kept between scans (the result cache)."""

    def key(self, *parts: str) -> str: ...

    def recall(self, keys: Sequence[str]) -> Mapping[str, str]: ...

    def keep(self, key: str, text: str) -> None: ...

    def discard(self, key: str, what: str) -> None: ...


@dataclass(frozen=True)
class ModuleInterface:
    """What of a module's facts can affect another module's solve."""

    paths: tuple[str, ...]  # the module's path and its functions' (findings are keyed by them)
    functions: tuple[tuple[str, bool], ...]  # (qualified name, is_method), then `silent` names as (name, False)
    # (qualified name, type names it returns) of the functions that return a known type: a call of a function's
    # result (`handler = pick(name); handler(data)`) resolves through them.
    return_types: tuple[tuple[str, tuple[str, ...]], ...]
    aliases: tuple[tuple[str, str], ...]
    classes: tuple[tuple[str, tuple[str, ...]], ...]
    handler_classes: tuple[str, ...]
    dependency_aliases: tuple[str, ...]
    calls: tuple[tuple[str, bool], ...]  # (callee, bound) of every call site that names one
    annotations: tuple[str, ...]  # annotations of sources (resolved through aliases)
    reads: tuple[tuple[str, str], ...]  # fields read (owner may be HANDLER_FIELD)
    writes: tuple[tuple[str, str], ...]  # fields written
    # Declared types (model fields, type aliases, class bases): consulted along attribute paths from any module, so
    # they are project-wide, like the handler classes (every part is solved with all of them).
    declared: Declarations = field(default_factory=lambda: Declarations({}, {}, []))


def interface_of(module: ModuleFacts) -> ModuleInterface:
    calls: set[tuple[str, bool]] = set()
    annotations: set[str] = set()
    reads: set[tuple[str, str]] = set()
    writes: set[tuple[str, str]] = set()
    paths = {module.path}
    for function in module.functions:
        paths.add(function.path)
        calls.update((site.callee, site.bound) for site in function.calls if site.callee is not None)
        writes.update((write.owner, write.attr) for write in function.field_writes)
        for label in symbolic_labels(function):
            origin = label.origin
            if isinstance(origin, FieldOrigin):
                reads.add((origin.owner, origin.attr))
            elif isinstance(origin, SourceOrigin) and origin.annotation is not None:
                annotations.add(origin.annotation)
    return ModuleInterface(
        paths=tuple(sorted(paths)),
        functions=(
            *((function.qualname, function.is_method) for function in module.functions),
            *((name, False) for name in module.silent),
        ),
        return_types=tuple((f.qualname, f.return_types) for f in module.functions if f.return_types),
        aliases=tuple(module.aliases.items()),
        classes=tuple(module.classes.items()),
        handler_classes=tuple(module.handler_classes),
        dependency_aliases=tuple(module.dependency_aliases),
        calls=tuple(sorted(calls)),
        annotations=tuple(sorted(annotations)),
        reads=tuple(sorted(reads)),
        writes=tuple(sorted(writes)),
        declared=module.declared,
    )


class _Consulted(dict[str, Any]):
    """A solver table that notes which of its keys a lookup found (a miss needs no link: it misses in a part too)."""

    def __init__(self, table: Mapping[str, Any], found: set[str]) -> None:
        super().__init__(table)
        self.found = found

    def get(self, key: str, default: Any = None) -> Any:
        if dict.__contains__(self, key):
            self.found.add(key)
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        present = dict.__contains__(self, key)
        if present:
            self.found.add(str(key))
        return present

    def __getitem__(self, key: str) -> Any:
        self.found.add(key)
        return dict.__getitem__(self, key)


class _Parts:
    """Union-find over module positions."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, items: Iterable[int]) -> None:
        roots = sorted({self.find(item) for item in items})
        for other in roots[1:]:
            self.parent[other] = roots[0]

    def groups(self) -> list[list[int]]:
        by_root: dict[int, list[int]] = {}
        for item in range(len(self.parent)):
            by_root.setdefault(self.find(item), []).append(item)
        return sorted(by_root.values())


def link(interfaces: Sequence[ModuleInterface]) -> list[list[int]]:
    """The parts: groups of module positions (in order) that no lookup, field or shared name connects."""
    parts = _Parts(len(interfaces))
    providers: dict[str, dict[str, list[int]]] = {"functions": {}, "classes": {}, "aliases": {}, "paths": {}}
    for position, interface in enumerate(interfaces):
        for name, _ in interface.functions:
            providers["functions"].setdefault(name, []).append(position)
        for name, _ in interface.classes:
            providers["classes"].setdefault(name, []).append(position)
        for name, _ in interface.aliases:
            providers["aliases"].setdefault(name, []).append(position)
        for path in interface.paths:
            providers["paths"].setdefault(path, []).append(position)
    # A name two modules provide is decided by their order (first function wins, last alias or class): together.
    for table in providers.values():
        for positions in table.values():
            if len(positions) > 1:
                parts.join(positions)

    handlers = sorted({name for interface in interfaces for name in interface.handler_classes})
    solver, found = _resolver(interfaces)
    resolved: dict[tuple[str, bool], set[int]] = {}
    for position, interface in enumerate(interfaces):
        for call in interface.calls:
            if call not in resolved:
                resolved[call] = _consulted(found, providers, partial(solver.resolve_callee, *call))
            parts.join([position, *resolved[call]])
        for annotation in interface.annotations:
            parts.join([position, *_consulted(found, providers, partial(solver._unalias, annotation))])

    readers: dict[tuple[str, str], list[int]] = {}
    writers: dict[tuple[str, str], list[int]] = {}
    for position, interface in enumerate(interfaces):
        for owner, attr in interface.reads:
            for name in handlers if owner == HANDLER_FIELD else (owner,):
                readers.setdefault((name, attr), []).append(position)
        for key in interface.writes:
            writers.setdefault(key, []).append(position)
    for key, positions in writers.items():
        if key in readers:
            parts.join([*positions, *readers[key]])
    return parts.groups()


def _resolver(interfaces: Sequence[ModuleInterface]) -> tuple[TaintSolver, dict[str, set[str]]]:
    """A solver over the interfaces alone (enough to resolve names), whose tables note the keys a lookup finds."""
    modules = []
    for interface in interfaces:
        returned = dict(interface.return_types)
        functions = [
            FunctionFacts(name, "", 0, (), is_method=method, return_types=returned.get(name, ()))
            for name, method in interface.functions
        ]
        modules.append(
            ModuleFacts(
                "",
                interface.paths[0] if interface.paths else "",
                functions=functions,
                aliases=dict(interface.aliases),
                classes=dict(interface.classes),
            )
        )
    solver = TaintSolver(modules)
    found: dict[str, set[str]] = {"functions": set(), "classes": set(), "aliases": set()}
    solver.functions = _Consulted(solver.functions, found["functions"])
    solver.classes = _Consulted(solver.classes, found["classes"])
    solver.aliases = _Consulted(solver.aliases, found["aliases"])
    return solver, found


def _consulted(
    found: dict[str, set[str]], providers: dict[str, dict[str, list[int]]], lookup: Callable[[], object]
) -> set[int]:
    """The modules providing what `lookup` found."""
    for keys in found.values():
        keys.clear()
    lookup()
    return {position for table, keys in found.items() for key in keys for position in providers[table].get(key, ())}


# -- solving in parts, with the memo ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartResult:
    findings: tuple[TaintFinding, ...]
    cut_short: tuple[tuple[str, int, bool], ...]
    truncated: bool


_codec: Codec | None = None


def _memo_codec() -> Codec:
    global _codec
    if _codec is None:
        _codec = Codec([ModuleInterface, PartResult, Partition, Declarations])
    return _codec


@dataclass(frozen=True)
class SolveOptions:
    environment_sources: bool
    max_depth: int
    reaches: Callable[[str, str], bool] | None
    line_kinds: frozenset[str] = frozenset()
    number_kinds: frozenset[str] = frozenset()


def solve_whole(modules: Sequence[ModuleFacts], options: SolveOptions) -> tuple[list[TaintFinding], CutShort]:
    solver = _solver(modules, options)
    return solver.solve(), dict(solver.cut_short)


def _solver(modules: Iterable[ModuleFacts], options: SolveOptions) -> TaintSolver:
    return TaintSolver(
        modules,
        environment_sources=options.environment_sources,
        max_depth=options.max_depth,
        reaches=options.reaches,
        line_kinds=options.line_kinds,
        number_kinds=options.number_kinds,
    )


def solve_in_parts(
    digests: Sequence[tuple[str, str | None]],
    load: Callable[[str], ModuleFacts | None],
    memo: Memo,
    options: SolveOptions,
) -> tuple[list[TaintFinding], CutShort]:
    """The whole solve's result, re-solving only the parts the memo does not hold. `digests`: (path, digest of
    its facts' text, or None when they have no text) of every module with facts, in scan order; `load(path)`: its
    facts."""
    codec = _memo_codec()
    loaded: dict[str, ModuleFacts | None] = {}

    def facts(rel: str) -> ModuleFacts | None:
        if rel not in loaded:
            loaded[rel] = load(rel)
        return loaded[rel]

    interfaces = _Interfaces(digests, facts, memo, codec)
    present = [(rel, digest) for rel, digest in digests if rel in interfaces.texts]
    partition = _partition(interfaces, [rel for rel, _ in present], memo, codec)
    shared = ModuleFacts(
        "",
        "",
        handler_classes=list(partition.handler_classes),
        dependency_aliases=list(partition.dependency_aliases),
        declared=partition.declared,
    )
    salt = json.dumps(
        [
            _PART_VERSION,
            options.environment_sources,
            options.max_depth,
            sorted(options.line_kinds),
            sorted(options.number_kinds),
            shared.handler_classes,
            shared.dependency_aliases,
            digest_of(codec.dumps(partition.declared)),
        ]
    )

    def key_of(group: Sequence[int]) -> str | None:
        chosen = [present[position] for position in group]
        if any(digest is None for _, digest in chosen):
            return None
        return memo.key("taint-part", salt, *(f"{rel}\0{digest}" for rel, digest in chosen))

    def solve(group: Sequence[int], key: str | None) -> PartResult:
        modules = [module for rel, _ in (present[position] for position in group) if (module := facts(rel)) is not None]
        solver = _solver([shared, *modules], options)
        result = PartResult(
            tuple(solver.solve()),
            tuple((path, line, from_source) for (path, line), from_source in sorted(solver.cut_short.items())),
            bool(solver.truncated),
        )
        if key is not None:
            memo.keep(key, codec.dumps(result))
        return result

    groups = partition.groups
    keys = [key_of(group) for group in groups]
    stored = _recall(keys, memo, codec)
    solved = [stored.get(key) or solve(group, key) for group, key in zip(groups, keys, strict=True)]
    truncating = [group for group, result in zip(groups, solved, strict=True) if result.truncated]
    if len(truncating) > 1:
        # The parts that lost paths to the depth bound share the solver's "something was truncated" state: solved
        # together, as the whole solve does.
        together = sorted(position for group in truncating for position in group)
        key = key_of(together)
        joint = _recall([key], memo, codec).get(key) or solve(together, key)
        solved = [result for result in solved if not result.truncated] + [joint]
    findings = sorted(
        (finding for result in solved for finding in result.findings),
        key=lambda f: (f.path, f.line, f.column, f.kind),
    )
    cut_short: CutShort = {}
    for result in solved:
        for path, line, from_source in result.cut_short:
            cut_short[(path, line)] = cut_short.get((path, line), False) or from_source
    return findings, cut_short


def _recall(keys: Sequence[str | None], memo: Memo, codec: Codec) -> dict[str | None, PartResult]:
    """The stored results of those keys that have one, in one read of the memo; a damaged one is dropped."""
    wanted = [key for key in keys if key is not None]
    stored = memo.recall(wanted) if wanted else {}
    results: dict[str | None, PartResult] = {}
    for key, text in stored.items():
        decoded = _decoded(text, PartResult, key, memo, codec)
        if decoded is not None:
            results[key] = decoded
    return results


def _decoded(text: str, cls: type[_T], key: str, memo: Memo, codec: Codec) -> _T | None:
    """A stored value of class `cls`, or None (and the entry dropped, with a notice) when it is anything else."""
    try:
        decoded = codec.loads(text)
    except CodecError:
        decoded = None
    if isinstance(decoded, cls):
        return decoded
    memo.discard(key, f"a stored {cls.__name__}")
    return None


class _Interfaces:
    """Every module's interface as codec text, from the memo where its facts are unchanged, else from its facts;
    decoded only when the project has to be partitioned again."""

    def __init__(
        self,
        digests: Sequence[tuple[str, str | None]],
        facts: Callable[[str], ModuleFacts | None],
        memo: Memo,
        codec: Codec,
    ) -> None:
        self.facts, self.memo, self.codec = facts, memo, codec
        self.keys = {rel: memo.key("taint-interface", digest) for rel, digest in digests if digest is not None}
        stored = memo.recall(list(self.keys.values()))
        self.texts: dict[str, str] = {}
        for rel, _ in digests:
            key = self.keys.get(rel)
            text = stored.get(key) if key is not None else None
            if text is None:
                text = self._computed(rel)
            if text is not None:
                self.texts[rel] = text

    def _computed(self, rel: str) -> str | None:
        module = self.facts(rel)
        if module is None:
            return None
        text = self.codec.dumps(interface_of(module))
        key = self.keys.get(rel)
        if key is not None:
            self.memo.keep(key, text)
        return text

    def decoded(self, rel: str) -> ModuleInterface:
        key = self.keys.get(rel)
        found = _decoded(self.texts[rel], ModuleInterface, key, self.memo, self.codec) if key is not None else None
        if found is None:  # damaged in the memo (or never kept): from the facts
            module = self.facts(rel)
            found = (
                interface_of(module)
                if module is not None
                else ModuleInterface((rel,), (), (), (), (), (), (), (), (), (), ())
            )
        return found


@dataclass(frozen=True)
class Partition:
    groups: tuple[tuple[int, ...], ...]
    handler_classes: tuple[str, ...]
    dependency_aliases: tuple[str, ...]
    declared: Declarations = field(default_factory=lambda: Declarations({}, {}, []))


def _partition(interfaces: _Interfaces, rels: Sequence[str], memo: Memo, codec: Codec) -> Partition:
    """The parts (and the project-wide sets), kept under the interfaces' text: an edit that changes no module's
    names, calls or fields (most edits inside a function) reuses the last partition without decoding any; so does
    one that only moves the line a redefined function starts at (`link_digests`)."""
    digests = link_digests([interfaces.texts[rel] for rel in rels])
    named = (f"{rel}\0{digest}" for rel, digest in zip(rels, digests, strict=True))
    key = memo.key("taint-partition", _PART_VERSION, *named)
    text = memo.recall([key]).get(key)
    if text is not None:
        stored = _decoded(text, Partition, key, memo, codec)
        if stored is not None and sorted(p for group in stored.groups for p in group) == list(range(len(rels))):
            return stored
    decoded = [interfaces.decoded(rel) for rel in rels]
    partition = Partition(
        tuple(tuple(group) for group in link(decoded)),
        tuple(sorted({name for interface in decoded for name in interface.handler_classes})),
        tuple(sorted({name for interface in decoded for name in interface.dependency_aliases})),
        merged(interface.declared for interface in decoded),
    )
    memo.keep(key, codec.dumps(partition))
    return partition


# A function defined again later in the same body is named by its line (`pkg.C.prop@313`, taint/module.py), so a line
# inserted above a property's setter changes its module's interface.
_REDEFINED_NAME = patterns.compile(r'@[0-9]+"')
_FUNCTIONS, _RETURN_TYPES, _CALLS = 1, 2, 7  # positions of those fields in a ModuleInterface's codec text


def link_digests(texts: Sequence[str]) -> list[str]:
    """A digest per module interface (codec text) for keeping the partition: the text's own, except that the line
    numbers of redefined functions' names are left out where the parts cannot depend on them. They cannot when
    (1) no name pattern a call or a returned type holds (`pkg.*.do_*`) could tell two such names apart (no `@`,
    no piece of digits alone: the piece would have to match within the line number), and (2) no two modules
    define the same name but for its line (names join the modules that provide them). A name is looked up exactly
    otherwise, and never by its `@line` form, so which modules `link` joins is the same whatever the lines."""
    digests = [digest_of(text) for text in texts]
    redefining = [position for position, text in enumerate(texts) if _REDEFINED_NAME.search(text)]
    if not redefining:
        return digests
    try:
        return _lines_left_out(texts, digests, redefining)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):  # a damaged stored interface: as it is
        return digests


def _lines_left_out(texts: Sequence[str], digests: list[str], redefining: Sequence[int]) -> list[str]:
    for text in texts:
        if "*" in text:
            data = json.loads(text)["a"]
            named = [callee for callee, _ in data[_CALLS]]
            named += [returned for _, types in data[_RETURN_TYPES] for returned in types]
            if any("*" in name and not _pattern_ignores_lines(name) for name in named):
                return digests
    masked = list(digests)
    owners: dict[str, int] = {}
    for position in redefining:
        data = json.loads(texts[position])
        fields = data["a"]
        fields[_FUNCTIONS] = [[_without_line(name), method] for name, method in fields[_FUNCTIONS]]
        fields[_RETURN_TYPES] = [[_without_line(name), types] for name, types in fields[_RETURN_TYPES]]
        for name, _ in fields[_FUNCTIONS]:
            if name.endswith("@") and owners.setdefault(name, position) != position:
                return digests
        masked[position] = "lines-left-out:" + digest_of(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return masked


def _without_line(name: str) -> str:
    head, at, line = name.rpartition("@")
    return f"{head}@" if at and line.isdigit() else name


def _pattern_ignores_lines(name: str) -> bool:
    return "@" not in name and not any(piece.isdigit() for piece in name.split("*"))


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
