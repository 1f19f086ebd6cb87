"""Scopes and bindings of one module, and the qualified names they give to expressions.

`ModuleIndex.qualified_name(expr, scope)` answers "what does this expression name?":
`from subprocess import run as r; r(...)` -> `subprocess.run`; `import yaml as y; y.load` -> `yaml.load`;
a function defined in the module shadows an import and resolves to `<module>.<function>`;
`requests.Session().get` -> `requests.Session().get` (or the model's return type, when one is declared).

Bindings are collected lazily per scope: most functions in a module are never asked about.
Resolution is flow-insensitive; when a name is bound in several ways, imports win (the
`try: import x / except ImportError: x = None` idiom), and a definition in the module wins over everything.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from bastion.semantic.constants import UNKNOWN, fold

BUILTIN_NAMES = frozenset(dir(builtins))
_ALIAS_DEPTH = 6
_IMPORTER_CALLS = frozenset({"importlib.import_module", "builtins.__import__"})


class ScopeKind(str, Enum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"


class BindingKind(str, Enum):
    IMPORT = "import"
    DEFINITION = "definition"
    ASSIGNMENT = "assignment"
    PARAMETER = "parameter"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Binding:
    """One place a name is bound. `target` is the qualified name for imports and definitions; `value` the
    expression assigned, for plain `name = value` assignments."""

    name: str
    kind: BindingKind
    node: ast.AST
    target: str | None = None
    value: ast.expr | None = None


ScopeNode = ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


@dataclass(eq=False)
class Scope:
    kind: ScopeKind
    node: ScopeNode
    parent: Scope | None
    qualname: str  # dotted, including the module name: "app.views.login"
    index: ModuleIndex = field(repr=False)
    _bindings: dict[str, list[Binding]] | None = field(default=None, repr=False)
    _globals: set[str] = field(default_factory=set, repr=False)
    _nonlocals: set[str] = field(default_factory=set, repr=False)

    @property
    def bindings(self) -> dict[str, list[Binding]]:
        if self._bindings is None:
            collector = _BindingCollector(self)
            collector.collect()
            self._bindings = collector.bindings
        return self._bindings

    @property
    def function_name(self) -> str:
        """The innermost function's name ('' at module level), for rules that look at naming."""
        scope: Scope | None = self
        while scope is not None:
            if scope.kind is ScopeKind.FUNCTION:
                return scope.node.name  # type: ignore[union-attr]
            scope = scope.parent
        return ""

    def is_global(self, name: str) -> bool:
        _ = self.bindings
        return name in self._globals


class ModuleIndex:
    """Names and scopes of one module."""

    def __init__(
        self,
        tree: ast.Module,
        module_name: str,
        *,
        is_package: bool = False,
        return_types: Mapping[str, str] | None = None,
    ) -> None:
        self.tree = tree
        self.module_name = module_name
        self.is_package = is_package
        # (`is not None`, not `or`: the engine passes a mapping that reads the models only when first asked)
        self.return_types: Mapping[str, str] = return_types if return_types is not None else {}
        self.module_scope = Scope(ScopeKind.MODULE, tree, None, module_name, self)
        self._scopes: dict[int, Scope] = {id(tree): self.module_scope}
        # id of a bindings list -> (its length then, the binding that decides the name)
        self._decisive: dict[int, tuple[int, Binding | None]] = {}

    def release(self) -> None:
        """Forget the scopes, once nothing will read this index again. Each scope points back at its index, so
        the index, its scopes and the whole tree they hold form a cycle that only the cyclic collector frees (the
        engine analyses a file with it off: the first collection after the file then walked every node, ~0.6 s of
        Django's taint scan). Without the index's references to its scopes, reference counting frees them all."""
        self._scopes.clear()
        self._decisive.clear()
        del self.module_scope

    # -- scopes --------------------------------------------------------------------------------------------

    def child_scope(self, node: ScopeNode, parent: Scope) -> Scope:
        """The scope `node` opens inside `parent` (cached: the same node always gets the same scope)."""
        scope = self._scopes.get(id(node))
        if scope is None:
            if isinstance(node, ast.ClassDef):
                kind, name = ScopeKind.CLASS, node.name
            elif isinstance(node, ast.Lambda):
                kind, name = ScopeKind.LAMBDA, "<lambda>"
            else:
                kind, name = ScopeKind.FUNCTION, node.name  # type: ignore[union-attr]
            scope = Scope(kind, node, parent, f"{parent.qualname}.{name}", self)
            self._scopes[id(node)] = scope
        return scope

    def scope_chain(self, node: ast.AST) -> Scope:
        """The scope a definition node opens, building the chain from the module down (for callers without a walker)."""
        cached = self._scopes.get(id(node))
        if cached is not None:
            return cached
        for path in _paths_to(self.tree, node):
            scope = self.module_scope
            for step in path:
                scope = self.child_scope(step, scope)
            return scope
        return self.module_scope

    # -- names ---------------------------------------------------------------------------------------------

    def lookup(self, name: str, scope: Scope) -> list[Binding]:
        """Bindings that `name` refers to from `scope`, by Python's rules (class scopes don't enclose methods)."""
        current: Scope | None = scope
        first = True
        while current is not None:
            if current.kind is ScopeKind.CLASS and not first:
                current = current.parent
                continue
            if current.kind is not ScopeKind.MODULE and current.is_global(name):
                return self.module_scope.bindings.get(name, [])
            found = current.bindings.get(name)
            if found:
                return found
            current = current.parent
            first = False
        return []

    def resolve_binding(self, name: str, scope: Scope) -> Binding | None:
        """The binding that decides what `name` means, or None when it is unbound or ambiguous."""
        bindings = self.lookup(name, scope)
        if not bindings:
            return None
        if len(bindings) == 1:
            return bindings[0]
        # A name bound many times (a hundred thousand `f = ...` in a hostile file) is decided once per list.
        cached = self._decisive.get(id(bindings))
        if cached is not None and cached[0] == len(bindings):
            return cached[1]
        decisive = next((b for b in bindings if b.kind is BindingKind.DEFINITION), None)
        if decisive is None:
            decisive = next((b for b in bindings if b.kind is BindingKind.IMPORT), None)
        self._decisive[id(bindings)] = (len(bindings), decisive)
        return decisive

    def qualified_name(self, expr: ast.AST, scope: Scope, _depth: int = 0) -> str | None:
        """The dotted name `expr` stands for, or None when it cannot be known statically."""
        if _depth > _ALIAS_DEPTH:
            return None
        if isinstance(expr, ast.Name):
            return self._qualify_name(expr.id, scope, _depth)
        if isinstance(expr, ast.Attribute):
            base = self.qualified_name(expr.value, scope, _depth)
            return None if base is None else f"{base}.{expr.attr}"
        if isinstance(expr, ast.Call):
            callee = self.qualified_name(expr.func, scope, _depth)
            return None if callee is None else self.result_name(callee)
        return None

    def result_name(self, callee: str) -> str:
        """The name given to the value a call returns: a declared return type, else `callee()`."""
        return self.return_types.get(callee, f"{callee}()")

    def _qualify_name(self, name: str, scope: Scope, depth: int) -> str | None:
        binding = self.resolve_binding(name, scope)
        if binding is None:
            if not self.lookup(name, scope) and name in BUILTIN_NAMES:
                return f"builtins.{name}"
            return None
        if binding.kind in (BindingKind.IMPORT, BindingKind.DEFINITION):
            return binding.target
        if binding.kind is BindingKind.ASSIGNMENT and isinstance(binding.value, (ast.Name, ast.Attribute, ast.Call)):
            owner = self._owning_scope(name, scope)
            return self.qualified_name(binding.value, owner, depth + 1)
        return None

    def _owning_scope(self, name: str, scope: Scope) -> Scope:
        current: Scope | None = scope
        while current is not None:
            if name in current.bindings:
                return current
            current = current.parent
        return self.module_scope

    def constant_value(self, expr: ast.AST, scope: Scope) -> Any:
        """The value `expr` surely has (following names bound once to a constant), or UNKNOWN."""
        return fold(expr, self.name_resolver(scope))

    def name_resolver(self, scope: Scope) -> Callable[[str], ast.expr | None]:
        def resolve(name: str) -> ast.expr | None:
            bindings = self.lookup(name, scope)
            values = [b.value for b in bindings]
            if not values or any(v is None for v in values):
                return None
            if len(values) == 1:
                return values[0]
            # Bound several times: only known when every assignment folds to the same constant.
            folded = {repr(fold(v, None)) for v in values}
            return values[0] if len(folded) == 1 and repr(UNKNOWN) not in folded else None

        return resolve

    def resolve_relative(self, module: str | None, level: int) -> str:
        """The absolute module named by `from <dots><module> import ...` in this module."""
        if level == 0:
            return module or ""
        parts = self.module_name.split(".") if self.module_name else []
        if not self.is_package:
            parts = parts[:-1]
        if level > 1:
            parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
        base = ".".join(parts)
        if module:
            return f"{base}.{module}" if base else module
        return base


class _BindingCollector:
    """Collects the names a scope binds, without descending into nested scopes' bodies."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.bindings: dict[str, list[Binding]] = {}

    def collect(self) -> None:
        node = self.scope.node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            self._parameters(node.args)
        body = node.body if not isinstance(node, ast.Lambda) else []
        for statement in body:
            self._statement(statement)

    def _add(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)

    def _parameters(self, args: ast.arguments) -> None:
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            self._add(Binding(arg.arg, BindingKind.PARAMETER, arg))
        for star in (args.vararg, args.kwarg):
            if star is not None:
                self._add(Binding(star.arg, BindingKind.PARAMETER, star))

    def _statement(self, node: ast.stmt) -> None:
        kind = type(node)
        if kind is ast.Assign:
            for target in node.targets:  # type: ignore[attr-defined]
                self._target(target, node.value)  # type: ignore[attr-defined]
            self._walrus(node.value)  # type: ignore[attr-defined]
        elif kind is ast.AnnAssign:
            self._target(node.target, node.value)  # type: ignore[attr-defined]
        elif kind is ast.AugAssign:
            self._target(node.target, None)  # type: ignore[attr-defined]
        elif kind in (ast.Import, ast.ImportFrom):
            self._import(node)  # type: ignore[arg-type]
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            name = node.name  # type: ignore[attr-defined]
            self._add(Binding(name, BindingKind.DEFINITION, node, target=f"{self.scope.qualname}.{name}"))
        elif kind in (ast.For, ast.AsyncFor):
            self._target(node.target, None)  # type: ignore[attr-defined]
            self._block(node.body)  # type: ignore[attr-defined]
            self._block(node.orelse)  # type: ignore[attr-defined]
        elif kind in (ast.With, ast.AsyncWith):
            for item in node.items:  # type: ignore[attr-defined]
                if item.optional_vars is not None:
                    # `with requests.Session() as s`: s names what the context manager gave, usually itself.
                    self._target(item.optional_vars, item.context_expr)
            self._block(node.body)  # type: ignore[attr-defined]
        elif kind in (ast.If, ast.While):
            self._walrus(node.test)  # type: ignore[attr-defined]
            self._block(node.body)  # type: ignore[attr-defined]
            self._block(node.orelse)  # type: ignore[attr-defined]
        elif kind is ast.Try or kind.__name__ == "TryStar":
            self._block(node.body)  # type: ignore[attr-defined]
            for handler in node.handlers:  # type: ignore[attr-defined]
                if handler.name:
                    self._add(Binding(handler.name, BindingKind.OTHER, handler))
                self._block(handler.body)
            self._block(node.orelse)  # type: ignore[attr-defined]
            self._block(node.finalbody)  # type: ignore[attr-defined]
        elif kind is ast.Global:
            self.scope._globals.update(node.names)  # type: ignore[attr-defined]
        elif kind is ast.Nonlocal:
            self.scope._nonlocals.update(node.names)  # type: ignore[attr-defined]
        elif kind is ast.Expr:
            self._walrus(node.value)  # type: ignore[attr-defined]
        elif kind.__name__ == "Match":
            for case in node.cases:  # type: ignore[attr-defined]
                for sub in ast.walk(case.pattern):
                    name = getattr(sub, "name", None) or getattr(sub, "rest", None)
                    if isinstance(name, str):
                        self._add(Binding(name, BindingKind.OTHER, sub))
                self._block(case.body)

    def _block(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self._statement(statement)

    def _walrus(self, expr: ast.expr | None) -> None:
        if isinstance(expr, ast.NamedExpr) and isinstance(expr.target, ast.Name):
            self._add(Binding(expr.target.id, BindingKind.ASSIGNMENT, expr, value=expr.value))

    def _target(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            imported = self._dynamic_import(value)
            if imported is not None:
                self._add(Binding(target.id, BindingKind.IMPORT, target, target=imported))
            else:
                self._add(Binding(target.id, BindingKind.ASSIGNMENT, target, value=value))
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) else None
            if (
                values is not None
                and len(values) == len(target.elts)
                and not any(isinstance(element, ast.Starred) for element in target.elts)
            ):
                for element, element_value in zip(target.elts, values, strict=True):
                    self._target(element, element_value)
            else:
                for element in target.elts:
                    self._target(element, None)
        elif isinstance(target, ast.Starred):
            self._target(target.value, None)

    def _dynamic_import(self, value: ast.expr | None) -> str | None:
        """`x = importlib.import_module("subprocess")` binds x as an import of subprocess."""
        if not isinstance(value, ast.Call) or not value.args:
            return None
        first = value.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            return None
        func = value.func
        named = None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            named = f"{func.value.id}.{func.attr}"
        elif isinstance(func, ast.Name):
            named = func.id
        if named in ("importlib.import_module", "import_module", "__import__"):
            return first.value if named != "__import__" else first.value.split(".")[0]
        return None

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self._add(Binding(alias.asname, BindingKind.IMPORT, node, target=alias.name))
                else:
                    top = alias.name.split(".")[0]
                    self._add(Binding(top, BindingKind.IMPORT, node, target=top))
            return
        base = self.scope.index.resolve_relative(node.module, node.level)
        for alias in node.names:
            if alias.name == "*":
                continue
            bound = alias.asname or alias.name
            self._add(Binding(bound, BindingKind.IMPORT, node, target=f"{base}.{alias.name}" if base else alias.name))


def _paths_to(tree: ast.Module, target: ast.AST) -> Iterator[list[ScopeNode]]:
    """Scope-opening nodes from the module down to `target` (inclusive), if `target` is in `tree`."""
    stack: list[tuple[ast.AST, list[ScopeNode]]] = [(tree, [])]
    while stack:
        node, path = stack.pop()
        for child in ast.iter_child_nodes(node):
            child_path = path
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                child_path = [*path, child]
            if child is target:
                yield child_path
                return
            stack.append((child, child_path))
