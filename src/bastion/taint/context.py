"""What the analysis of one function knows and shares with its module, and the helpers every section uses.

`FunctionAnalysis` (in `bastion.taint.function`) is built in layers, one module per section of the analysis:
this context, then guards, sinks, containers, calls, expressions and statements, each a subclass of the one
before. A section calls what sections above it define only through the abstract methods declared here.
"""

from __future__ import annotations

import ast
from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any

from bastion.concepts.dataflow import DataflowModel, HandlerInputs
from bastion.semantic.calls import last_name
from bastion.semantic.constants import UNKNOWN
from bastion.semantic.index import ModuleIndex, Scope
from bastion.taint.facts import FunctionFacts
from bastion.taint.state import State
from bastion.taint.values import Label, SourceOrigin, Step, Value, with_step

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


SOURCE_WORDS = {"remote": "request data", "local": "local user input", "environment": "environment variable"}


def shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def call_name(func: ast.expr) -> str:
    """A short name for a callee in messages (`db.find_books`), without unparsing the whole expression."""
    parts: list[str] = []
    node: ast.expr = func
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(call_name(node.func) + "(...)")
    else:
        parts.append("…")
    return shorten(".".join(reversed(parts)), 40)


def closure_names(node: FunctionNode, scope: Scope) -> tuple[str, ...]:
    """The names a nested function reads from the function it is defined in (not from a class body or the module),
    in order of first use."""
    parent = scope.parent
    if parent is None or parent.kind.value != "function":
        return ()
    own = scope.bindings
    enclosing = parent.bindings
    found: dict[str, None] = {}
    for sub in ast.walk(node):
        if type(sub) is ast.Name and type(sub.ctx) is ast.Load:
            name = sub.id
            if name not in own and name in enclosing and name not in found:
                found[name] = None
    return tuple(found)


# Attribute paths tracked as variables: at most this deep (`a.b.c.d`), at most this many per function.
_MAX_PATH_DEPTH = 6
_MAX_PATHS = 512


class ModuleScope:
    """What the analysis of every function in one module shares."""

    def __init__(self, index: ModuleIndex, path: str, model: DataflowModel, tainted_globals: set[str]) -> None:
        self.index = index
        self.path = path
        self.model = model
        self.tainted_globals = tainted_globals
        # Qualified names of names that are not local to a function, per enclosing scope: most names a function
        # reads (imports, builtins, module functions) resolve the same way in every function of the module.
        self.outer_names: dict[tuple[int, str], str | None] = {}
        self.outer_values: dict[tuple[int, str], Value] = {}
        # The library class a function of the module named from a scope is declared to return (`-> X`), or None.
        self.declared_results: dict[tuple[int, str], str | None] = {}
        self.root_package = index.module_name.split(".", 1)[0]
        # Classes of this module that derive from a library class: qualified name -> (that base, the names the class
        # itself defines or assigns on `self`), so that what they inherit resolves to the library's members.
        self.library_bases: dict[str, tuple[str, frozenset[str]]] = {}
        self.module_assigned = {
            name
            for name, bindings in index.module_scope.bindings.items()
            if any(b.kind.value == "assignment" for b in bindings)
        }


class FunctionContext(ABC):
    """The function being analysed (or a module's top-level code): its names, signature and facts."""

    def __init__(
        self,
        shared: ModuleScope,
        node: FunctionNode | ast.Module,
        scope: Scope,
        qualname: str,
        *,
        class_name: str | None = None,
        handler: HandlerInputs | None = None,
        view: HandlerInputs | None = None,
    ) -> None:
        self.shared = shared
        self.index = shared.index
        self.model = shared.model
        self.path = shared.path
        self.node = node
        self.scope = scope
        self.class_name = class_name
        self.handler = handler
        self.view = view
        self.is_module = isinstance(node, ast.Module)
        self.local_names = scope.bindings
        outer = scope.parent
        while outer is not None and outer.kind.value == "class":
            outer = outer.parent
        self.outer_id = id(outer)
        self.self_name: str | None = None
        self.loop_exits: list[list[State]] = []
        params, kwonly, vararg, kwarg, is_method = self._signature()
        # Names of the enclosing function this one reads (a closure): they enter as keyword-only parameters, which
        # the enclosing function passes where it defines this one.
        self.closure_names = closure_names(node, scope) if not isinstance(node, ast.Module) else ()
        kwonly = (*kwonly, *self.closure_names)
        self.facts = FunctionFacts(
            qualname,
            self.path,
            getattr(node, "lineno", 1),
            params,
            kwonly,
            vararg,
            kwarg,
            is_method,
        )
        self.returns: set[Label] = set()
        # Values of the arguments of the call being analysed, so that options (`shell=True`) are not re-evaluated.
        self.evaluated: dict[int, Value] = {}
        self.html_objects: dict[str, frozenset[str]] = {}  # see SinkAnalysis._html_objects
        self.short_name = qualname.rsplit(".", 1)[-1]
        # Parameters annotated with a class: `values.typed_origin` follows their attribute reads field by field.
        self.typed_params = _class_annotated(node)
        # Attribute paths this function tracks as variables (`_key`), at most `_MAX_PATHS` of them.
        self.tracked_paths: set[str] = set()

    def _signature(self) -> tuple[tuple[str, ...], tuple[str, ...], str | None, str | None, bool]:
        node = self.node
        if isinstance(node, ast.Module):
            return (), (), None, None, False
        args = node.args
        params = tuple(a.arg for a in (*args.posonlyargs, *args.args))
        decorators = {last_name(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
        is_method = self.class_name is not None and "staticmethod" not in decorators and bool(params)
        if is_method:
            self.self_name = params[0]
        return (
            params,
            tuple(a.arg for a in args.kwonlyargs),
            args.vararg.arg if args.vararg else None,
            args.kwarg.arg if args.kwarg else None,
            is_method,
        )

    def _stepped(self, value: Value, node: ast.AST, message: str) -> Value:
        if not value.labels and value.items is None and value.keys is None:
            return value
        step: Step = (self.path, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1, message)
        return with_step(value, step)

    def _source_value(
        self, node: ast.AST, kind: str, description: str, type_name: str | None, *, certain: bool = True
    ) -> Value:
        line, column = getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1
        shown = shorten(ast.unparse(node)) if isinstance(node, ast.expr) else description
        step: Step = (self.path, line, column, f"`{shown}` ({SOURCE_WORDS.get(kind, kind)})")
        label = Label(SourceOrigin(kind, description, self.path, line, column, certain), trace=(step,))
        return Value(labels=frozenset({label}), type_name=type_name)

    def _const(self, node: ast.expr | None, state: State) -> Any:
        if node is None:
            return UNKNOWN
        if isinstance(node, ast.Constant):
            return node.value
        known = self.evaluated.get(id(node))
        if known is not None:
            return known.const
        return self._eval(node, state).const

    def _qualified(self, node: ast.expr) -> str | None:
        """`ModuleIndex.qualified_name`, with the names a function does not bind itself resolved once per module."""
        if isinstance(node, ast.Name):
            name = node.id
            if self.is_module or name in self.local_names:
                return self.index.qualified_name(node, self.scope)
            key = (self.outer_id, name)
            cache = self.shared.outer_names
            if key not in cache:
                cache[key] = self.index.qualified_name(node, self.scope)
            return cache[key]
        if isinstance(node, ast.Attribute):
            base = self._qualified(node.value)
            return None if base is None else f"{base}.{node.attr}"
        if isinstance(node, ast.Call):
            callee = self._qualified(node.func)
            return None if callee is None else self.index.result_name(callee)
        return None

    def _callee(self, node: ast.Call, receiver: Value | None) -> str | None:
        func = node.func
        if isinstance(func, ast.Attribute):
            base = func.value
            if isinstance(base, ast.Name) and base.id == self.self_name and self.class_name is not None:
                return self._inherited(func.attr) or f"{self.class_name}.{func.attr}"
        name = self._qualified(func)
        if isinstance(func, ast.Attribute) and receiver is not None and receiver.type_name:
            typed = f"{receiver.type_name}.{func.attr}"
            # `env = make_env()` with `make_env` declared to return a library class: the name says the project's
            # `make_env().from_string`, the value says which library method it is.
            if name is None or (self.model.is_library(typed) and not self.model.is_library(name)):
                name = typed
        if name is None:
            return None
        return name.replace("().", ".") if "()." in name else name

    def _result_type(self, callee: str | None) -> str | None:
        if callee is None:
            return None
        declared = self.model.return_types.get(callee)
        return declared if declared is not None else callee + "()"

    def _referrer_key(self, key: Any) -> bool:
        """`headers["Referer"]`, `META.get("HTTP_REFERER")`: the page the browser came from."""
        return isinstance(key, str) and key.lower() in self.model.referrer_keys

    def _redirect_back(self, value: Value) -> Value:
        """The page the browser came from: sending the user back there is no open redirect (request data still)."""
        cleared = self.model.local_path_kinds
        return replace(value, labels=frozenset(label.clearing(cleared) for label in value.labels))

    def _may_be_project(self, callee: str) -> bool:
        # The module's own top-level package is the project's, even when its name is also a library's (scanning
        # Django itself, or a project package named like a modelled one).
        root = callee.split(".", 1)[0]
        return root == self.shared.root_package or not self.model.is_library(callee)

    def _is_noreturn(self, node: ast.Call) -> bool:
        callee = self._callee(node, None)
        return callee is not None and callee in self.model.noreturn

    def _is_module_global(self, name: str) -> bool:
        scope: Scope | None = self.scope
        while scope is not None and scope.parent is not None:
            if name in scope.bindings:
                return False
            scope = scope.parent
        return name in self.shared.module_assigned

    def _key(self, node: ast.expr | None) -> str | None:
        """The state key of a variable or attribute path (`x`, `self.name`, `args.path`), or None.

        Paths deeper than `_MAX_PATH_DEPTH` attributes, and new paths once a function tracks `_MAX_PATHS`, are
        not tracked (None): a hostile chain `a.b.b.b...` thousands deep would otherwise build keys as long as
        itself at every level, and rebinding `a` forgets every path under it."""
        if type(node) is ast.Name:
            return node.id
        if type(node) is not ast.Attribute:
            return None
        attributes: list[str] = []
        current: ast.expr = node
        while type(current) is ast.Attribute:
            if len(attributes) == _MAX_PATH_DEPTH:
                return None
            attributes.append(current.attr)
            current = current.value
        if type(current) is not ast.Name:
            return None
        key = ".".join((current.id, *reversed(attributes)))
        if key not in self.tracked_paths:
            if len(self.tracked_paths) >= _MAX_PATHS:
                return None
            self.tracked_paths.add(key)
        return key

    def _inherited(self, member: str) -> str | None:
        """`Base.member` when this method's class inherits `member` from a library class `Base`, else None."""
        if self.class_name is None:
            return None
        found = self.shared.library_bases.get(self.class_name)
        if found is None or member in found[1]:
            return None
        return f"{found[0]}.{member}"

    @abstractmethod
    def _eval(self, node: ast.expr, state: State) -> Value:
        """The value of an expression (`bastion.taint.expressions`)."""

    @abstractmethod
    def _assign(self, target: ast.expr, value: Value, state: State, statement: ast.AST) -> None:
        """Bind a value to an assignment target (`bastion.taint.function`)."""


# Annotations that never name a model whose fields could be declared.
_PLAIN_ANNOTATIONS = frozenset(
    {"str", "int", "float", "bool", "bytes", "dict", "list", "set", "tuple", "Any", "object"}
)


def _class_annotated(node: ast.AST) -> frozenset[str]:
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return frozenset()
    args = node.args
    every = (*args.posonlyargs, *args.args, *args.kwonlyargs)
    return frozenset(
        a.arg
        for a in every
        if a.annotation is not None
        and not (isinstance(a.annotation, ast.Name) and a.annotation.id in _PLAIN_ANNOTATIONS)
        and not (isinstance(a.annotation, ast.Constant) and a.annotation.value in _PLAIN_ANNOTATIONS)
    )
