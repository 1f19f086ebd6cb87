"""The per-file phase: summaries of every function of a module (run in the parallel workers)."""

from __future__ import annotations

import ast
import bisect
from pathlib import PurePosixPath

from bastion.concepts.dataflow import DataflowModel, HandlerInputs, handler_inputs
from bastion.semantic.index import BindingKind, Scope
from bastion.semantic.module import PythonModule
from bastion.taint.context import ModuleScope
from bastion.taint.declared import collect_declarations
from bastion.taint.facts import FunctionFacts, ModuleFacts, SinkHit, symbolic_labels
from bastion.taint.function import FunctionAnalysis

_MODULE_FUNCTION = "<module>"
_NAMESPACE_DEPTH = 4


def analyse_module(module: PythonModule, model: DataflowModel) -> ModuleFacts:
    """Summaries of the module's top-level code and of every function and method defined in it."""
    index = module.index
    facts = ModuleFacts(module.name, module.rel)
    handlers = handler_inputs(module, model)
    shared = ModuleScope(index, module.rel, model, set())
    top = FunctionAnalysis(shared, module.tree, index.module_scope, f"{module.name}.{_MODULE_FUNCTION}")
    _keep(facts, top.run())
    for name, bindings in index.module_scope.bindings.items():
        for binding in bindings:
            if binding.kind is BindingKind.IMPORT and binding.target:
                facts.aliases[f"{module.name}.{name}"] = binding.target
    facts.aliases.update(_namespace_aliases(module.name, module.rel))
    facts.dependency_aliases = _dependency_aliases(module, model)
    facts.declared = collect_declarations(module)
    stack: list[tuple[list[ast.stmt], Scope, str | None, HandlerInputs | None]] = [
        (module.tree.body, index.module_scope, None, None)
    ]
    while stack:
        body, scope, class_name, view = stack.pop()
        definitions = _definitions(body)
        last = {statement.name: statement for statement in definitions}
        for statement in definitions:
            if isinstance(statement, ast.ClassDef):
                class_scope = index.child_scope(statement, scope)
                bases = tuple((index.qualified_name(base, scope) or "").replace("().", ".") for base in statement.bases)
                facts.classes[class_scope.qualname] = tuple(base for base in bases if base)
                library = [base for base in bases if base and model.is_library(base)]
                if library:
                    shared.library_bases[class_scope.qualname] = (library[0], _own_members(statement, module))
                # A class-based view: its methods read the request and URL arguments from `self`.
                class_view = next((handlers[id(m)] for m in statement.body if id(m) in handlers), None)
                if class_view is not None:
                    facts.handler_classes.append(class_scope.qualname)
                stack.append((statement.body, class_scope, class_scope.qualname, class_view))
                continue
            function_scope = index.child_scope(statement, scope)
            handler: HandlerInputs | None = handlers.get(id(statement))
            qualname = function_scope.qualname
            if last[statement.name] is not statement:
                # Redefined later in the same body (test files, routes registered by decorator under one name): calls
                # reach the last definition, but this one's sinks are still reported, under a name of its own.
                qualname = f"{qualname}@{statement.lineno}"
            analysis = FunctionAnalysis(
                shared,
                statement,
                function_scope,
                qualname,
                class_name=class_name,
                handler=handler,
                view=view,
            )
            _keep(facts, analysis.run())
            stack.append((statement.body, function_scope, None, None))
    return facts


def _namespace_aliases(name: str, rel: str) -> dict[str, str]:
    """A module whose directory is no regular package (no `__init__.py`: a namespace package, or the directory an
    app is run from) is named by its file alone (`utils` for `app/apis/menu/utils.py`), while the project imports it
    by its path from the directory it runs in (`from apis.menu import utils`). Those longer names (up to
    `_NAMESPACE_DEPTH` directories more) are aliases of it, so that calls through them reach its functions."""
    parts = list(PurePosixPath(rel).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    own = name.split(".")
    if len(parts) <= len(own) or parts[len(parts) - len(own) :] != own:
        return {}
    above = parts[: len(parts) - len(own)]
    first = max(0, len(above) - _NAMESPACE_DEPTH)
    return {".".join([*above[start:], *own]): name for start in range(first, len(above))}


def _dependency_aliases(module: PythonModule, model: DataflowModel) -> list[str]:
    """`X = Annotated[T, Depends(f)]` and `X = Depends(f)` at module level: names a framework fills itself."""
    index = module.index
    dependencies = {name for spec in model.handlers.values() for name in spec.safe_defaults}
    found: list[str] = []
    for statement in module.tree.body:
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            continue
        target = statement.targets[0]
        if not isinstance(target, ast.Name):
            continue
        calls = [node for node in ast.walk(statement.value) if isinstance(node, ast.Call)]
        if any(index.qualified_name(call.func, index.module_scope) in dependencies for call in calls):
            found.append(f"{module.name}.{target.id}")
    return found


def _own_members(node: ast.ClassDef, module: PythonModule) -> frozenset[str]:
    """The names a class defines itself: its methods and attributes, and what its methods assign on `self`."""
    names: set[str] = set()
    for statement in node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names.update(target.id for target in targets if isinstance(target, ast.Name))
    positions, attrs = module.derived("taint.self_stores", _self_stores)
    # The class statement's text (decorators included) holds exactly the nodes of its subtree.
    start = min([(node.lineno, node.col_offset)] + [(item.lineno, item.col_offset) for item in node.decorator_list])
    end = (node.end_lineno or node.lineno, node.end_col_offset or 0)
    names.update(attrs[bisect.bisect_left(positions, start) : bisect.bisect_left(positions, end)])
    return frozenset(names)


def _self_stores(module: PythonModule) -> tuple[list[tuple[int, int]], list[str]]:
    """Every `self.<attr>` assigned in the module, in source order: (line, column) of each, and its attribute."""
    stores = sorted(
        ((node.lineno, node.col_offset), node.attr)
        for node in module.nodes_of(ast.Attribute)
        if isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name) and node.value.id == "self"
    )
    return [position for position, _ in stores], [attr for _, attr in stores]


def _definitions(body: list[ast.stmt]) -> list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]:
    """Definitions in a body, including those under `if`/`try`/`with` (conditional definitions, app factories)."""
    found: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = []
    pending = list(body)
    while pending:
        statement = pending.pop(0)
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append(statement)
        elif isinstance(statement, (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.While)):
            nested = [*statement.body, *getattr(statement, "orelse", []), *getattr(statement, "finalbody", [])]
            for handler in getattr(statement, "handlers", []):
                nested.extend(handler.body)
            pending[:0] = nested
    return found


def _keep(facts: ModuleFacts, function: FunctionFacts) -> None:
    """Drop what the project phase cannot use, so that facts stay small."""
    function.sinks = _unique_sinks(function.sinks)
    referenced = {label.origin.call for label in symbolic_labels(function) if hasattr(label.origin, "call")}
    function.calls = [site for site in function.calls if site.index in referenced or site.args or site.receiver]
    if function.sinks or function.calls or function.returns or function.field_writes:
        facts.functions.append(function)
    else:
        facts.silent.append(function.qualname)


def _unique_sinks(sinks: list[SinkHit]) -> list[SinkHit]:
    seen: dict[tuple[str, int, int], SinkHit] = {}
    for hit in sinks:
        key = (hit.kind, hit.line, hit.column)
        previous = seen.get(key)
        seen[key] = (
            hit
            if previous is None
            else SinkHit(
                hit.kind,
                hit.line,
                hit.column,
                hit.end_line,
                hit.end_column,
                previous.labels | hit.labels,
                hit.what,
                hit.confident or previous.confident,
            )
        )
    return list(seen.values())
