"""Intraprocedural taint: one pass over a function's statements, flow-sensitive, producing its summary.

The state maps variables (and `obj.attr` paths) to `Value`s. Branches are analysed separately and joined;
conditions that fold to a constant prune the dead branch; guards (`if x not in ALLOWED: return`) clear the
guarded variable after the `if`; loops run their body twice. Parameters, calls to functions that may belong to
the project, and `self.attr` reads stay symbolic (labels with a `ParamOrigin`, `CallOrigin` or `FieldOrigin`)
and are resolved across functions and modules in the project phase (`bastion.taint.solver`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from bastion.concepts.dataflow import (
    SHELL_COMMAND_FLAGS,
    SHELL_PROGRAMS,
    URL_KINDS,
    DataflowModel,
    HandlerInputs,
    clears,
)
from bastion.models.loader import ALL_KINDS, GuardModel, SinkModel
from bastion.semantic.calls import argument, keyword
from bastion.semantic.constants import UNKNOWN, fold
from bastion.semantic.index import ModuleIndex, Scope
from bastion.taint.facts import DOUBLE_STAR, STAR, ArgKey, CallSite, FieldWrite, FunctionFacts, SinkHit
from bastion.taint.values import (
    EMPTY,
    EMPTY_LABELS,
    CallOrigin,
    FieldOrigin,
    Label,
    ParamOrigin,
    RequestObject,
    SourceOrigin,
    Step,
    Value,
    clear_value,
    join,
    tainted,
    union_labels,
)

State = dict[str, Value]
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_ALL = frozenset({ALL_KINDS})
_LOOP_PASSES = 2
_MAX_ITEMS = 64
_FIXED_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\s{}]+[/?#]")
# Methods that put their arguments into the receiver (lists, dicts, sets, buffers, config parsers ...).
_MUTATORS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "add",
        "update",
        "setdefault",
        "appendleft",
        "extendleft",
        "write",
        "writelines",
        "set",
        "put",
        "put_nowait",
        "push",
        "__setitem__",
    }
)


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
        self.root_package = index.module_name.split(".", 1)[0]
        self.module_assigned = {
            name
            for name, bindings in index.module_scope.bindings.items()
            if any(b.kind.value == "assignment" for b in bindings)
        }


class FunctionAnalysis:
    """Analyses one function (or a module's top-level code) into `FunctionFacts`."""

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
        self.short_name = qualname.rsplit(".", 1)[-1]

    # -- entry ------------------------------------------------------------------------------------------------------

    def run(self) -> FunctionFacts:
        state = self._initial_state()
        body = self.node.body
        final = self._block(body, state)
        if self.is_module and final is not None:
            self._record_globals(final)
        self.facts.returns = frozenset(self.returns)
        return self.facts

    def _signature(self) -> tuple[tuple[str, ...], tuple[str, ...], str | None, str | None, bool]:
        node = self.node
        if isinstance(node, ast.Module):
            return (), (), None, None, False
        args = node.args
        params = tuple(a.arg for a in (*args.posonlyargs, *args.args))
        decorators = {_last_name(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
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

    def _initial_state(self) -> State:
        state: State = {}
        node = self.node
        if isinstance(node, ast.Module):
            return state
        inputs = self.handler.parameters if self.handler is not None else {}
        line, column = node.lineno, node.col_offset + 1
        names = [*self.facts.params, *self.facts.kwonly]
        if self.facts.vararg:
            names.append(self.facts.vararg)
        if self.facts.kwarg:
            names.append(self.facts.kwarg)
        for name in names:
            if name == self.self_name:
                continue
            step: Step = (self.path, line, column, f"enters `{self.short_name}()` as parameter `{name}`")
            labels = {Label(ParamOrigin(name), trace=(step,))}
            source = inputs.get(name)
            request = None
            if source is not None:
                source_step: Step = (self.path, line, column, f"{source.description} (request data)")
                labels.add(
                    Label(SourceOrigin(source.kind, source.description, self.path, line, column), trace=(source_step,))
                )
                if source.safe_attributes or "request parameter" in source.description:
                    request = RequestObject(
                        source.kind, source.description, source.safe_attributes, self.path, line, column
                    )
            state[name] = Value(labels=frozenset(labels), request=request)
        return state

    def _record_globals(self, state: State) -> None:
        for name, value in state.items():
            if "." in name or name not in self.shared.module_assigned:
                continue
            labels = value.all_labels()
            # Only input read at import time (`ARGS = parser.parse_args()`); a global holding what a project
            # function returned (`register = Library()`) would make every function reading it symbolic.
            if any(isinstance(label.origin, SourceOrigin) for label in labels):
                self.shared.tainted_globals.add(name)
                self.facts.field_writes.append(FieldWrite(self.index.module_name, name, labels))

    # -- statements -------------------------------------------------------------------------------------------------

    def _block(self, statements: Sequence[ast.stmt], state: State | None) -> State | None:
        for statement in statements:
            if state is None:
                return None
            state = self._statement(statement, state)
        return state

    def _statement(self, node: ast.stmt, state: State) -> State | None:
        kind = type(node)
        if kind is ast.Assign:
            value = self._eval(node.value, state)  # type: ignore[attr-defined]
            for target in node.targets:  # type: ignore[attr-defined]
                self._assign(target, value, state, node)
            return state
        if kind is ast.AnnAssign:
            if node.value is not None:  # type: ignore[attr-defined]
                self._assign(node.target, self._eval(node.value, state), state, node)  # type: ignore[attr-defined]
            return state
        if kind is ast.AugAssign:
            current = self._eval(node.target, state)  # type: ignore[attr-defined]
            added = self._eval(node.value, state)  # type: ignore[attr-defined]
            self._assign(node.target, self._binary(node.op, current, added), state, node)  # type: ignore[attr-defined]
            return state
        if kind is ast.Expr:
            value_node = node.value  # type: ignore[attr-defined]
            self._eval(value_node, state)
            if isinstance(value_node, ast.Call) and self._is_noreturn(value_node):
                return None
            return state
        if kind is ast.Return:
            if node.value is not None:  # type: ignore[attr-defined]
                self._return(node, self._eval(node.value, state))  # type: ignore[arg-type, attr-defined]
            return None
        if kind is ast.If:
            return self._if(node, state)  # type: ignore[arg-type]
        if kind in (ast.For, ast.AsyncFor):
            return self._for(node, state)  # type: ignore[arg-type]
        if kind is ast.While:
            return self._while(node, state)  # type: ignore[arg-type]
        if kind in (ast.With, ast.AsyncWith):
            for item in node.items:  # type: ignore[attr-defined]
                value = self._eval(item.context_expr, state)
                if item.optional_vars is not None:
                    self._assign(item.optional_vars, value, state, node)
            return self._block(node.body, state)  # type: ignore[attr-defined]
        if kind is ast.Try or kind.__name__ == "TryStar":
            return self._try(node, state)
        if kind is ast.Raise:
            if node.exc is not None:  # type: ignore[attr-defined]
                self._eval(node.exc, state)  # type: ignore[attr-defined]
            return None
        if kind in (ast.Break, ast.Continue):
            if self.loop_exits:
                self.loop_exits[-1].append(dict(state))
            return None
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            state.pop(node.name, None)  # type: ignore[attr-defined]
            return state
        if kind is ast.Delete:
            for target in node.targets:  # type: ignore[attr-defined]
                key = self._key(target)
                if key is not None:
                    state.pop(key, None)
            return state
        if kind.__name__ == "Match":
            return self._match(node, state)
        if kind is ast.Assert:
            return self._refine(node.test, True, state)  # type: ignore[attr-defined]
        return state

    def _if(self, node: ast.If, state: State) -> State | None:
        verdict = _verdict(self._eval(node.test, state).const)
        if verdict is True:
            return self._block(node.body, self._refine(node.test, True, state))
        if verdict is False:
            return self._block(node.orelse, self._refine(node.test, False, state))
        body = self._block(node.body, self._refine(node.test, True, dict(state)))
        orelse = self._block(node.orelse, self._refine(node.test, False, dict(state)))
        return _join_states(body, orelse)

    def _for(self, node: ast.For | ast.AsyncFor, state: State) -> State | None:
        iterable = self._eval(node.iter, state)
        element = _element_of(iterable)
        current: State | None = state
        exits: list[State] = []
        self.loop_exits.append(exits)
        merged: State | None = dict(state)
        for _ in range(_LOOP_PASSES):
            if current is None:
                break
            body_state = dict(current)
            self._assign(node.target, element, body_state, node)
            end = self._block(node.body, body_state)
            merged = _join_states(merged, end)
            for extra in exits:
                merged = _join_states(merged, extra)
            if _same_taint(current, merged):
                break  # nothing the body does feeds back into the next iteration
            current = merged
        self.loop_exits.pop()
        after = self._block(node.orelse, dict(merged)) if merged is not None and node.orelse else merged
        return _join_states(after, state) if after is not None else state

    def _while(self, node: ast.While, state: State) -> State | None:
        verdict = _verdict(self._eval(node.test, state).const)
        if verdict is False:
            return self._block(node.orelse, state)
        exits: list[State] = []
        self.loop_exits.append(exits)
        merged: State | None = dict(state)
        current: State | None = state
        for _ in range(_LOOP_PASSES):
            if current is None:
                break
            end = self._block(node.body, self._refine(node.test, True, dict(current)))
            merged = _join_states(merged, end)
            if _same_taint(current, merged):
                break
            current = merged
        self.loop_exits.pop()
        for extra in exits:
            merged = _join_states(merged, extra)
        if verdict is True:  # `while True:` leaves only through break
            return _join_states(None, *exits) if exits else None
        return merged

    def _try(self, node: Any, state: State) -> State | None:
        before = dict(state)
        body = self._block(node.body, dict(state))
        entry = _join_states(before, body) or before
        outcomes: list[State | None] = []
        for handler in node.handlers:
            handler_state = dict(entry)
            if handler.name:
                handler_state[handler.name] = EMPTY
            outcomes.append(self._block(handler.body, handler_state))
        outcomes.append(self._block(node.orelse, dict(body)) if body is not None else None)
        merged = _join_states(*outcomes)
        if node.finalbody:
            final_entry = merged if merged is not None else dict(entry)
            final = self._block(node.finalbody, dict(final_entry))
            return final if merged is not None else None
        return merged

    def _match(self, node: Any, state: State) -> State | None:
        subject = self._eval(node.subject, state)
        chosen = _chosen_case(node.cases, subject.const)
        if chosen is not None:
            return self._block(chosen.body, state)
        outcomes: list[State | None] = []
        exhaustive = False
        for case in node.cases:
            case_state = dict(state)
            for sub in ast.walk(case.pattern):
                name = getattr(sub, "name", None)
                if isinstance(name, str):
                    case_state[name] = tainted(subject.all_labels())
            if case.guard is not None:
                case_state = self._refine(case.guard, True, case_state)
            outcomes.append(self._block(case.body, case_state))
            if isinstance(case.pattern, ast.MatchAs) and case.pattern.pattern is None and case.guard is None:
                exhaustive = True
        if not exhaustive:
            outcomes.append(state)
        return _join_states(*outcomes)

    def _return(self, node: ast.Return, value: Value) -> None:
        labels = value.all_labels()
        if labels:
            step: Step = (self.path, node.lineno, node.col_offset + 1, f"returned from `{self.short_name}()`")
            self.returns.update(label.with_step(step) for label in labels)
        if self.handler is None or self.handler.returns_kind is None or node.value is None:
            return
        body = value
        if isinstance(node.value, ast.Tuple) and value.items:
            body = value.items[0]
            if any(_declares_non_html(item) for item in value.items[1:]):
                return  # `return text, 200, {"Content-Type": "text/plain"}`
        if body.keys is not None or (body.items is not None and not isinstance(node.value, ast.Tuple)):
            return  # a dict or list: the framework sends JSON
        kind = self.handler.returns_kind
        self._hit(kind, node.value, body, f"the response of route `{self.short_name}`", confident=True)

    # -- assignment -------------------------------------------------------------------------------------------------

    def _assign(self, target: ast.expr, value: Value, state: State, statement: ast.AST) -> None:
        kind = type(target)
        if kind is ast.Name:
            name = target.id  # type: ignore[attr-defined]
            self._kill(name, state)
            state[name] = self._stepped(value, target, f"assigned to `{name}`")
            return
        if kind is ast.Attribute:
            key = self._key(target)
            if key is not None:
                self._kill(key, state)
                state[key] = self._stepped(value, target, f"assigned to `{key}`")
            base = target.value  # type: ignore[attr-defined]
            if isinstance(base, ast.Name) and base.id == self.self_name and self.class_name is not None:
                labels = value.all_labels()
                if labels:
                    stepped = self._stepped(tainted(labels), target, f"stored in `self.{target.attr}`")  # type: ignore[attr-defined]
                    self.facts.field_writes.append(FieldWrite(self.class_name, target.attr, stepped.labels))  # type: ignore[attr-defined]
            return
        if kind is ast.Subscript:
            self._store_item(target, value, state)  # type: ignore[arg-type]
            return
        if kind in (ast.Tuple, ast.List):
            elements = target.elts  # type: ignore[attr-defined]
            starred = any(isinstance(e, ast.Starred) for e in elements)
            if value.items is not None and len(value.items) == len(elements) and not starred:
                for element, item in zip(elements, value.items, strict=True):
                    self._assign(element, item, state, statement)
            else:
                whole = tainted(value.all_labels())
                for element in elements:
                    self._assign(element, whole, state, statement)
            return
        if kind is ast.Starred:
            self._assign(target.value, tainted(value.all_labels()), state, statement)  # type: ignore[attr-defined]

    def _kill(self, key: str, state: State) -> None:
        prefix = key + "."
        for existing in [k for k in state if k.startswith(prefix)]:
            del state[existing]

    def _store_item(self, target: ast.Subscript, value: Value, state: State) -> None:
        container_node = target.value
        container = self._eval(container_node, state)
        index = self._eval(target.slice, state)
        self._check_sinks_for_method(target, "__setitem__", container_node, container, [index, value], {}, state)
        key = self._key(container_node)
        if key is None:
            return
        state[key] = _set_item(container, index.const, value)
        base = container_node
        if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == self.self_name:
            labels = value.all_labels()
            if labels and self.class_name is not None:
                self.facts.field_writes.append(FieldWrite(self.class_name, base.attr, labels))

    def _stepped(self, value: Value, node: ast.AST, message: str) -> Value:
        if not value.labels and value.items is None and value.keys is None:
            return value
        step: Step = (self.path, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1, message)
        return _with_step(value, step)

    # -- expressions ------------------------------------------------------------------------------------------------

    def _eval(self, node: ast.expr, state: State) -> Value:
        kind = type(node)
        if kind is ast.Constant:
            constant = node.value  # type: ignore[attr-defined]
            return Value(const=constant, prefix=constant if isinstance(constant, str) else "")
        if kind is ast.Name:
            return self._name(node, state)  # type: ignore[arg-type]
        if kind is ast.Attribute:
            return self._attribute(node, state)  # type: ignore[arg-type]
        if kind is ast.Call:
            return self._call(node, state)  # type: ignore[arg-type]
        if kind is ast.Subscript:
            return self._subscript(node, state)  # type: ignore[arg-type]
        if kind is ast.BinOp:
            left = self._eval(node.left, state)  # type: ignore[attr-defined]
            right = self._eval(node.right, state)  # type: ignore[attr-defined]
            return self._binary(node.op, left, right)  # type: ignore[attr-defined]
        if kind is ast.JoinedStr:
            return self._fstring(node, state)  # type: ignore[arg-type]
        if kind is ast.FormattedValue:
            return self._eval(node.value, state)  # type: ignore[attr-defined]
        if kind in (ast.List, ast.Tuple, ast.Set):
            elements = node.elts  # type: ignore[attr-defined]
            if any(isinstance(e, ast.Starred) for e in elements) or len(elements) > _MAX_ITEMS:
                return tainted(union_labels(self._eval(e, state) for e in elements))
            values = tuple(self._eval(e, state) for e in elements)
            if kind is ast.Set:
                constants = [v.const for v in values]
                if all(c is not UNKNOWN and isinstance(c, Hashable) for c in constants):
                    return Value(const=frozenset(constants))
                return tainted(union_labels(values))
            elements_const = tuple(v.const for v in values)
            known = (
                UNKNOWN
                if any(c is UNKNOWN for c in elements_const)
                else (list(elements_const) if kind is ast.List else elements_const)
            )
            return Value(items=values, const=known)
        if kind is ast.Dict:
            return self._dict(node, state)  # type: ignore[arg-type]
        if kind is ast.Compare:
            parts = [self._eval(part, state) for part in (node.left, *node.comparators)]  # type: ignore[attr-defined]
            if any(part.const is UNKNOWN or not _literal(part.const) for part in parts):
                return EMPTY
            constants = [ast.Constant(part.const) for part in parts]
            return Value(const=fold(ast.Compare(left=constants[0], ops=node.ops, comparators=constants[1:])))  # type: ignore[attr-defined]
        if kind is ast.BoolOp:
            operands = [self._eval(v, state) for v in node.values]  # type: ignore[attr-defined]
            const = _bool_const(isinstance(node.op, ast.And), operands)  # type: ignore[attr-defined]
            merged = operands[0]
            for other in operands[1:]:
                merged = join(merged, other)
            return replace(merged, const=const) if const is not UNKNOWN else merged
        if kind is ast.UnaryOp:
            operand = self._eval(node.operand, state)  # type: ignore[attr-defined]
            const = UNKNOWN
            if operand.const is not UNKNOWN and _literal(operand.const):
                const = fold(ast.UnaryOp(op=node.op, operand=ast.Constant(operand.const)))  # type: ignore[attr-defined]
            if isinstance(node.op, ast.Not):  # type: ignore[attr-defined]
                return Value(const=const)
            return Value(labels=operand.all_labels(), const=const)
        if kind is ast.IfExp:
            verdict = _verdict(self._eval(node.test, state).const)  # type: ignore[attr-defined]
            if verdict is True:
                return self._eval(node.body, state)  # type: ignore[attr-defined]
            if verdict is False:
                return self._eval(node.orelse, state)  # type: ignore[attr-defined]
            body = self._eval(node.body, self._refine(node.test, True, dict(state)))  # type: ignore[attr-defined]
            orelse = self._eval(node.orelse, self._refine(node.test, False, dict(state)))  # type: ignore[attr-defined]
            return join(body, orelse)
        if kind is ast.NamedExpr:
            value = self._eval(node.value, state)  # type: ignore[attr-defined]
            self._assign(node.target, value, state, node)  # type: ignore[attr-defined]
            return value
        if kind in (ast.Await, ast.Starred):
            return self._eval(node.value, state)  # type: ignore[attr-defined]
        if kind in (ast.Yield, ast.YieldFrom):
            if node.value is not None:  # type: ignore[attr-defined]
                self._eval(node.value, state)  # type: ignore[attr-defined]
            return EMPTY
        if kind in (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp):
            return self._comprehension(node, state)
        if kind is ast.Slice:
            for part in (node.lower, node.upper, node.step):  # type: ignore[attr-defined]
                if part is not None:
                    self._eval(part, state)
            return EMPTY
        return EMPTY

    def _name(self, node: ast.Name, state: State) -> Value:
        name = node.id
        found = state.get(name)
        if found is not None:
            return found
        if self.is_module or name in self.local_names:
            # Not yet bound on this path, or bound in a way we do not follow: nothing known.
            return EMPTY
        if name in self.shared.tainted_globals and self._is_module_global(name):
            return Value(labels=frozenset({Label(FieldOrigin(self.index.module_name, name))}))
        key = (self.outer_id, name)
        cached = self.shared.outer_values.get(key)
        if cached is not None:
            return cached
        qualified = self._qualified(node)
        if qualified is not None:
            source = self.model.source_object(qualified)
            if source is not None:
                return self._source_value(node, source.kind, qualified, qualified)  # not cached: it has a location
        const = self.index.constant_value(node, self.scope)
        if const is not UNKNOWN:
            value = Value(const=const, prefix=const if isinstance(const, str) else "")
        else:
            value = Value(type_name=qualified) if qualified else EMPTY
        self.shared.outer_values[key] = value
        return value

    def _view_input(self, node: ast.Attribute) -> Value | None:
        """`self.request` and `self.kwargs` in a class-based view (Django, DRF): the request and URL arguments."""
        if self.view is None:
            return None
        spec = self.model.handlers.get(self.view.framework)
        if spec is None or spec.request != "first" or node.attr not in ("request", "kwargs", "args"):
            return None
        value = self._source_value(node, spec.kind, f"`self.{node.attr}` of a view", None)
        if node.attr != "request":
            return value
        line, column = node.lineno, node.col_offset + 1
        request = RequestObject(spec.kind, "self.request", spec.safe_attributes, self.path, line, column)
        return replace(value, request=request)

    def _is_module_global(self, name: str) -> bool:
        scope: Scope | None = self.scope
        while scope is not None and scope.parent is not None:
            if name in scope.bindings:
                return False
            scope = scope.parent
        return name in self.shared.module_assigned

    def _source_value(self, node: ast.AST, kind: str, description: str, type_name: str | None) -> Value:
        line, column = getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1
        shown = _shorten(ast.unparse(node)) if isinstance(node, ast.expr) else description
        step: Step = (self.path, line, column, f"`{shown}` ({_SOURCE_WORDS.get(kind, kind)})")
        label = Label(SourceOrigin(kind, description, self.path, line, column), trace=(step,))
        return Value(labels=frozenset({label}), type_name=type_name)

    def _attribute(self, node: ast.Attribute, state: State) -> Value:
        key = self._key(node)
        if key is not None:
            found = state.get(key)
            if found is not None:
                return found
        base_node = node.value
        if isinstance(base_node, ast.Name) and base_node.id not in state and not self.is_module:
            qualified = self._qualified(node)
            if qualified is not None:
                source = self.model.source_object(qualified)
                if source is not None:
                    return self._source_value(node, source.kind, qualified, qualified)
                if self.model.source_object(qualified.rsplit(".", 1)[0]) is not None:
                    return Value(type_name=qualified)  # a safe attribute of a source object (`request.method`)
        elif isinstance(base_node, ast.Name) and self.is_module:
            qualified = self._qualified(node)
            if qualified is not None and (source := self.model.source_object(qualified)) is not None:
                return self._source_value(node, source.kind, qualified, qualified)
        if isinstance(base_node, ast.Name) and base_node.id == self.self_name and self.class_name is not None:
            view_input = self._view_input(node)
            if view_input is not None:
                return view_input
            return Value(labels=frozenset({Label(FieldOrigin(self.class_name, node.attr))}))
        base = self._eval(base_node, state)
        attr = node.attr
        if base.request is not None:
            if attr in base.request.safe_attributes:
                return EMPTY
            return Value(labels=base.labels, type_name=None)
        type_name = f"{base.type_name}.{attr}" if base.type_name else None
        host_of = None
        if base.parsed_from is not None and base.built_by is not None:
            for guard in self.model.guards_by_callee.get(base.built_by, ()):
                if guard.type == "url-parse" and attr in guard.attributes:
                    host_of = base.parsed_from
        return Value(labels=base.all_labels(), type_name=type_name, host_of=host_of)

    def _subscript(self, node: ast.Subscript, state: State) -> Value:
        base = self._eval(node.value, state)
        index = self._eval(node.slice, state)
        type_name = self.model.return_types.get(f"{base.type_name}[]") if base.type_name else None
        if isinstance(node.slice, ast.Slice):
            lower = node.slice.lower
            keep_prefix = lower is None or (isinstance(lower, ast.Constant) and lower.value == 0)
            const = _slice_const(base.const, node.slice, state, self)
            return Value(labels=base.all_labels(), prefix=base.prefix if keep_prefix else "", const=const)
        key = index.const
        if key is not UNKNOWN:
            found = _get_item(base, key)
            if found is not None:
                return found if type_name is None else replace(found, type_name=type_name)
        if base.const is not UNKNOWN and key is not UNKNOWN:
            try:
                const = base.const[key]
            except Exception:
                const = UNKNOWN
            if const is not UNKNOWN and isinstance(const, (str, int, float, bool, bytes)):
                return Value(const=const, prefix=const if isinstance(const, str) else "")
        return Value(labels=base.all_labels(), type_name=type_name)

    def _dict(self, node: ast.Dict, state: State) -> Value:
        entries: list[tuple[Hashable, Value]] = []
        loose: set[Label] = set()
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            value = self._eval(value_node, state)
            if key_node is None:  # {**other}
                loose.update(value.all_labels())
                continue
            key = self._eval(key_node, state)
            loose.update(key.all_labels())
            try:
                hash(key.const)
                hashable = key.const is not UNKNOWN
            except TypeError:
                hashable = False
            if hashable:
                entries.append((key.const, value))
            else:
                loose.update(value.all_labels())
        return Value(labels=frozenset(loose), keys=tuple(entries))

    def _fstring(self, node: ast.JoinedStr, state: State) -> Value:
        labels: set[Label] = set()
        prefix_parts: list[str] = []
        prefix_open = True
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                if prefix_open:
                    prefix_parts.append(part.value)
                continue
            value = self._eval(part, state)
            labels.update(value.all_labels())
            if (
                prefix_open
                and isinstance(value.const, str)
                and isinstance(part, ast.FormattedValue)
                and part.format_spec is None
            ):
                prefix_parts.append(value.const)
            else:
                prefix_open = False
        const = "".join(prefix_parts) if prefix_open else UNKNOWN
        fixed = _fstring_fixed_host(node, state, self)
        return Value(labels=frozenset(labels), prefix="".join(prefix_parts), const=const, fixed_host=fixed)

    def _binary(self, op: ast.operator, left: Value, right: Value) -> Value:
        if left.const is not UNKNOWN and right.const is not UNKNOWN:
            folded = fold(ast.BinOp(left=ast.Constant(left.const), op=op, right=ast.Constant(right.const)))
            if folded is not UNKNOWN:
                return Value(const=folded, prefix=folded if isinstance(folded, str) else "")
        labels = left.all_labels() | right.all_labels()
        if isinstance(op, ast.Add):
            if left.items is not None and right.items is not None and len(left.items) + len(right.items) <= _MAX_ITEMS:
                return Value(items=left.items + right.items)
            prefix = left.const + right.prefix if isinstance(left.const, str) else left.prefix
            fixed = left.fixed_host or _chosen_base(left) or (_scheme_only(left.const) and _chosen_base(right))
            return Value(labels=labels, prefix=prefix, fixed_host=fixed)
        if isinstance(op, ast.Mod):
            prefix = left.const.split("%", 1)[0] if isinstance(left.const, str) else left.prefix
            return Value(labels=labels, prefix=prefix)
        if isinstance(op, ast.Div):
            return Value(labels=labels, type_name=left.type_name)
        return Value(labels=labels)

    def _comprehension(self, node: Any, state: State) -> Value:
        inner = dict(state)
        for generator in node.generators:
            iterable = self._eval(generator.iter, inner)
            self._assign(generator.target, _element_of(iterable), inner, node)
            for condition in generator.ifs:
                inner = self._refine(condition, True, inner)
        if isinstance(node, ast.DictComp):
            return tainted(self._eval(node.key, inner).all_labels() | self._eval(node.value, inner).all_labels())
        return tainted(self._eval(node.elt, inner).all_labels())

    # -- calls ------------------------------------------------------------------------------------------------------

    def _call(self, node: ast.Call, state: State) -> Value:
        func = node.func
        receiver: Value | None = None
        method: str | None = None
        if isinstance(func, ast.Attribute):
            method = func.attr
            receiver = self._eval(func.value, state)
        positional: list[Value] = []
        for arg in node.args:
            positional.append(self._eval(arg, state))
        keywords: dict[str | None, Value] = {}
        starred_kw: list[Value] = []
        for item in node.keywords:
            value = self._eval(item.value, state)
            if item.arg is None:
                starred_kw.append(value)
            else:
                keywords[item.arg] = value
        evaluated = self.evaluated
        for arg_node, value in zip(node.args, positional, strict=True):
            evaluated[id(arg_node)] = value
        for item in node.keywords:
            if item.arg is not None:
                evaluated[id(item.value)] = keywords[item.arg]
        callee = self._callee(node, receiver)
        folded = _pure_call(callee, method, receiver, positional, keywords)
        if folded is not UNKNOWN:
            return Value(const=folded, prefix=folded if isinstance(folded, str) else "")
        consumed = self._check_sinks(node, callee, method, receiver, positional, keywords, state)
        if method is not None and receiver is not None:
            special = self._container_method(node, method, receiver, positional, state)
            if special is not None:
                return special
        source = self.model.source_calls.get(callee) if callee else None
        if source is not None:
            return self._source_value(node, source.kind, callee or "", self.index.result_name(callee or ""))
        propagated = self._propagated(node, callee, receiver, positional, keywords, starred_kw, consumed)
        result_type = self._result_type(callee)
        cleared = self._sanitized(callee, method, node, state)
        converter = keyword(node, "type")
        if cleared is None and converter is not None:
            # `request.args.get("page", 1, type=int)`: the value comes back converted by the cast.
            kinds = self._sanitized(self._qualified(converter), None, node, state)
            if kinds is not None and ALL_KINDS in kinds:
                return Value(type_name=result_type)
        if cleared is not None:
            if ALL_KINDS in cleared:
                return Value(type_name=result_type)
            propagated = frozenset(label.clearing(cleared) for label in propagated)
            return Value(labels=propagated, type_name=result_type)
        built = self._built(callee, node, positional, state)
        if callee is not None and self._may_be_project(callee):
            site = self._call_site(node, callee, receiver, positional, keywords, starred_kw, propagated)
            label = Label(CallOrigin(site.index))
            return Value(labels=frozenset({label}), type_name=result_type, **built)
        value = Value(labels=propagated, type_name=result_type, **built)
        if self._resolves_path(callee, method):
            value = replace(value, resolved=True)
        return value

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

    def _resolves_path(self, callee: str | None, method: str | None) -> bool:
        """`os.path.realpath(p)`, `path.resolve()`: the result is absolute, with `..` resolved."""
        guards = self.model.guards_by_callee.get(callee, ()) if callee is not None else ()
        if not guards and method is not None and callee is None:
            guards = self.model.guards_by_method.get(method, ())
        return any(guard.type == "path-resolution" for guard in guards)

    def _callee(self, node: ast.Call, receiver: Value | None) -> str | None:
        func = node.func
        if isinstance(func, ast.Attribute):
            base = func.value
            if isinstance(base, ast.Name) and base.id == self.self_name and self.class_name is not None:
                return f"{self.class_name}.{func.attr}"
        name = self._qualified(func)
        if name is None and isinstance(func, ast.Attribute) and receiver is not None and receiver.type_name:
            name = f"{receiver.type_name}.{func.attr}"
        if name is None:
            return None
        return name.replace("().", ".") if "()." in name else name

    def _result_type(self, callee: str | None) -> str | None:
        if callee is None:
            return None
        declared = self.model.return_types.get(callee)
        return declared if declared is not None else callee + "()"

    def _may_be_project(self, callee: str) -> bool:
        # The module's own top-level package is the project's, even when its name is also a library's (scanning
        # Django itself, or a project package named like a modelled one).
        root = callee.split(".", 1)[0]
        return root == self.shared.root_package or not self.model.is_library(callee)

    def _built(self, callee: str | None, node: ast.Call, positional: list[Value], state: State) -> dict[str, Any]:
        if callee is None:
            return {}
        true_keywords = frozenset(
            item.arg for item in node.keywords if item.arg is not None and _truthy(self._const(item.value, state))
        )
        parsed_from = None
        if node.args and isinstance(node.args[0], ast.Name):
            parsed_from = node.args[0].id
        return {"built_by": callee, "true_keywords": true_keywords, "parsed_from": parsed_from}

    def _call_site(
        self,
        node: ast.Call,
        callee: str,
        receiver: Value | None,
        positional: list[Value],
        keywords: dict[str | None, Value],
        starred_kw: list[Value],
        propagated: frozenset[Label],
    ) -> CallSite:
        args: list[tuple[ArgKey, frozenset[Label]]] = []
        star_seen = False
        for position, (arg_node, value) in enumerate(zip(node.args, positional, strict=True)):
            labels = value.all_labels()
            if isinstance(arg_node, ast.Starred):
                star_seen = True
                if labels:
                    args.append((STAR, labels))
                continue
            if labels:
                args.append((STAR if star_seen else position, labels))
        for name, value in keywords.items():
            labels = value.all_labels()
            if labels and name is not None:
                args.append((name, labels))
        for value in starred_kw:
            labels = value.all_labels()
            if labels:
                args.append((DOUBLE_STAR, labels))
        func = node.func
        bound = False
        if isinstance(func, ast.Attribute):
            base_name = self._qualified(func.value)
            bound = (
                base_name is None
                or base_name.endswith("()")
                or (isinstance(func.value, ast.Name) and func.value.id == self.self_name)
            )
            if not bound and base_name is not None and receiver is not None and receiver.type_name is not None:
                bound = receiver.type_name.endswith("()")
        site = CallSite(
            len(self.facts.calls),
            callee,
            bound,
            receiver.all_labels() if receiver is not None else EMPTY_LABELS,
            tuple(args),
            propagated,
            node.lineno,
            node.col_offset + 1,
            _call_name(func),
        )
        self.facts.calls.append(site)
        return site

    def _propagated(
        self,
        node: ast.Call,
        callee: str | None,
        receiver: Value | None,
        positional: list[Value],
        keywords: dict[str | None, Value],
        starred_kw: list[Value],
        consumed: set[int],
    ) -> frozenset[Label]:
        """The taint an unknown call passes on: its receiver's and its arguments' (less those a sink consumed)."""
        labels: set[Label] = set()
        if receiver is not None and id(node.func) not in consumed:
            labels.update(receiver.all_labels())
        for arg_node, value in zip(node.args, positional, strict=True):
            if id(arg_node) not in consumed:
                labels.update(value.all_labels())
        if self._keywords_propagate(node, callee):
            for item in node.keywords:
                if item.arg is not None and id(item.value) not in consumed:
                    labels.update(keywords[item.arg].all_labels())
            for value in starred_kw:
                labels.update(value.all_labels())
        return frozenset(labels)

    def _keywords_propagate(self, node: ast.Call, callee: str | None) -> bool:
        """Keyword arguments of a call into unknown code are mostly lookups (`Model.objects.get(pk=value)` returns a
        row, not the value); library calls (`tarfile.open(fileobj=upload)`) and formatting pass them on."""
        if callee is not None and self.model.is_library(callee):
            return True
        func = node.func
        if isinstance(func, ast.Attribute):
            return func.attr in _KEYWORD_PROPAGATORS
        return isinstance(func, ast.Name) and func.id in _KEYWORD_PROPAGATORS

    def _sanitized(self, callee: str | None, method: str | None, node: ast.Call, state: State) -> frozenset[str] | None:
        cleared: set[str] = set()
        found = False
        for sanitizer in self.model.sanitizers_by_callee.get(callee or "", ()):
            found = True
            cleared.update(sanitizer.kinds)
        if method is not None and not found:
            for sanitizer in self.model.sanitizers_by_method.get(method, ()):
                if sanitizer.argument is not None:
                    arg = argument(node, sanitizer.argument)
                    text = self._const(arg, state) if arg is not None else UNKNOWN
                    if not isinstance(text, str) or not any(part in text for part in sanitizer.argument_contains):
                        continue
                found = True
                cleared.update(sanitizer.kinds)
        return frozenset(cleared) if found else None

    def _container_method(
        self, node: ast.Call, method: str, receiver: Value, positional: list[Value], state: State
    ) -> Value | None:
        """Lists, dicts and buffers: what `append`, `pop`, `get` ... do to what we know of the receiver."""
        key = self._key(node.func.value) if isinstance(node.func, ast.Attribute) else None
        args = node.args
        if method in ("get", "set") and len(positional) >= 2 and receiver.items is None:
            # configparser-style `set(section, option, value)` / `get(section, option)`: keyed by the constants.
            found = self._keyed_access(method, key, receiver, positional, state)
            if found is not None:
                return found
        if method == "get" and receiver.keys is not None and args:
            wanted = positional[0].const
            if wanted is not UNKNOWN:
                found = _get_item(receiver, wanted)
                default = positional[1] if len(positional) > 1 else EMPTY
                if found is not None and dict(receiver.keys).get(wanted) is not None:
                    return found
                return join(tainted(receiver.labels), default)
        if key is None:
            return None
        if method == "pop" and (receiver.items is not None or receiver.keys is not None):
            position = positional[0].const if positional else -1
            if (
                receiver.items is not None
                and isinstance(position, int)
                and -len(receiver.items) <= position < len(receiver.items)
            ):
                items = list(receiver.items)
                taken = items.pop(position)
                state[key] = replace(receiver, items=tuple(items), const=UNKNOWN)
                return taken
            if receiver.keys is not None and position is not UNKNOWN:
                entries = dict(receiver.keys)
                if position in entries:
                    taken = entries.pop(position)
                    state[key] = replace(receiver, keys=tuple(entries.items()))
                    return taken
            return None
        if method == "clear":
            state[key] = Value(
                items=() if receiver.items is not None else None, keys=() if receiver.keys is not None else None
            )
            return EMPTY
        if method == "copy":
            return receiver
        if len(positional) == 2 and positional[1].const is True and not receiver.tainted:
            # `parser.setFeature(feature_external_ges, True)`: the object now has that feature switched on.
            flag = self._qualified(node.args[0]) if node.args else None
            if flag is not None:
                state[key] = replace(receiver, true_keywords=receiver.true_keywords | {flag.rsplit(".", 1)[-1]})
                return EMPTY
        if method not in _MUTATORS:
            return None
        added = union_labels(positional)
        if (
            method == "append"
            and receiver.items is not None
            and not receiver.labels
            and len(receiver.items) < _MAX_ITEMS
        ):
            state[key] = Value(items=(*receiver.items, positional[0] if positional else EMPTY))
            return EMPTY
        if method == "insert" and receiver.items is not None and not receiver.labels and len(positional) == 2:
            position = positional[0].const
            if isinstance(position, int):
                items = list(receiver.items)
                items.insert(position, positional[1])
                state[key] = Value(items=tuple(items))
                return EMPTY
        if method == "extend" and receiver.items is not None and positional and positional[0].items is not None:
            state[key] = Value(items=receiver.items + positional[0].items)
            return EMPTY
        if method == "update" and receiver.keys is not None and positional and positional[0].keys is not None:
            entries = dict(receiver.keys)
            entries.update(dict(positional[0].keys))
            state[key] = replace(receiver, keys=tuple(entries.items()), labels=receiver.labels | positional[0].labels)
            return EMPTY
        if method == "setdefault" and receiver.keys is not None and positional and positional[0].const is not UNKNOWN:
            entries = dict(receiver.keys)
            if positional[0].const not in entries:
                entries[positional[0].const] = positional[1] if len(positional) > 1 else EMPTY
            state[key] = replace(receiver, keys=tuple(entries.items()))
            return entries[positional[0].const]
        if method == "__setitem__" and len(positional) == 2:
            state[key] = _set_item(receiver, positional[0].const, positional[1])
            return EMPTY
        if not added:
            return None
        if receiver.items is not None or receiver.keys is not None:
            state[key] = replace(receiver, labels=receiver.labels | added)
        else:
            state[key] = replace(receiver, labels=receiver.labels | added, const=UNKNOWN)
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Attribute)
            and isinstance(func.value.value, ast.Name)
            and func.value.value.id == self.self_name
            and self.class_name is not None
        ):
            self.facts.field_writes.append(FieldWrite(self.class_name, func.value.attr, added))
        if method in ("append", "add", "write", "writelines", "extend", "insert", "update", "set", "put", "push"):
            # Checked as sinks only through models; the call itself returns nothing useful.
            return EMPTY
        return None

    def _keyed_access(
        self, method: str, key: str | None, receiver: Value, positional: list[Value], state: State
    ) -> Value | None:
        wanted = positional if method == "get" else positional[:-1]
        if len(wanted) < 2 or any(part.const is UNKNOWN or not isinstance(part.const, Hashable) for part in wanted):
            return None
        entry = tuple(part.const for part in wanted)
        if method == "get":
            if receiver.keys is None:
                return None
            return dict(receiver.keys).get(entry)  # None: not such an entry, a plain `get(key, default)`
        if key is None or (receiver.tainted and receiver.keys is None):
            return None
        entries = dict(receiver.keys or ())
        entries[entry] = positional[-1]
        state[key] = replace(receiver, keys=tuple(entries.items()))
        return EMPTY

    # -- sinks ------------------------------------------------------------------------------------------------------

    def _check_sinks(
        self,
        node: ast.Call,
        callee: str | None,
        method: str | None,
        receiver: Value | None,
        positional: list[Value],
        keywords: dict[str | None, Value],
        state: State,
    ) -> set[int]:
        """Record every sink this call is; returns the ids of the argument nodes the sinks consumed."""
        matched: list[tuple[SinkModel, bool]] = [
            (sink, True) for sink in self.model.sinks_by_callee.get(callee or "", ())
        ]
        if not matched and method is not None:
            matched = [(sink, False) for sink in self._method_sinks(node, callee, method)]
        consumed: set[int] = set()
        if not matched:
            return consumed
        values = self._argument_values(node, positional, keywords)
        for sink, confident in matched:
            if not self._sink_applies(sink, node, values, state):
                continue
            consumed.update(self._apply_sink(sink, node, receiver, values, positional, keywords, confident, callee))
            if sink.kind not in _TRANSPARENT_SINK_KINDS:
                # What a query, a fetch or a command returns is not the input that was sent (reported already).
                consumed.add(id(node.func))
                consumed.update(id(arg) for arg in node.args)
                consumed.update(id(item.value) for item in node.keywords)
        return consumed

    def _check_sinks_for_method(
        self,
        node: ast.AST,
        method: str,
        receiver_node: ast.expr,
        receiver: Value,
        positional: list[Value],
        keywords: dict[str | None, Value],
        state: State,
    ) -> None:
        """Stores such as `response.headers["X"] = value` are calls of `__setitem__` for the models."""
        base = self._qualified(receiver_node)
        if base is None and receiver.type_name:
            base = receiver.type_name
        callee = f"{base}.{method}".replace("().", ".") if base else None
        matched = [(sink, True) for sink in self.model.sinks_by_callee.get(callee or "", ())]
        if not matched:
            names = [method]
            if isinstance(receiver_node, ast.Attribute):
                names.insert(0, f"{receiver_node.attr}.{method}")
            for name in names:
                matched.extend((sink, False) for sink in self.model.sinks_by_method.get(name, ()))
        for sink, confident in matched:
            value: Value | None = None
            if sink.all_arguments:
                value = tainted(union_labels(positional))
            elif sink.argument is not None and sink.argument < len(positional):
                value = positional[sink.argument]
            if value is not None:
                self._hit(sink.kind, node, value, f"`{_shorten(ast.unparse(receiver_node))}[...] = ...`", confident)

    def _method_sinks(self, node: ast.Call, callee: str | None, method: str) -> list[SinkModel]:
        func = node.func
        found: list[SinkModel] = []
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute):
            found.extend(self.model.sinks_by_method.get(f"{func.value.attr}.{method}", ()))
        if found:
            return found
        return list(self.model.sinks_by_method.get(method, ()))

    def _argument_values(
        self, node: ast.Call, positional: list[Value], keywords: dict[str | None, Value]
    ) -> dict[int, Value]:
        values: dict[int, Value] = {}
        for arg_node, value in zip(node.args, positional, strict=True):
            values[id(arg_node)] = value
        for item in node.keywords:
            if item.arg is not None:
                values[id(item.value)] = keywords[item.arg]
        return values

    def _sink_applies(self, sink: SinkModel, node: ast.Call, values: dict[int, Value], state: State) -> bool:
        if sink.when_keyword_true is not None and not _truthy(
            self._const(keyword(node, sink.when_keyword_true), state)
        ):
            return False
        if sink.unless_keyword_true is not None and _truthy(
            self._const(keyword(node, sink.unless_keyword_true), state)
        ):
            return False
        if sink.unless_keyword_present is not None and keyword(node, sink.unless_keyword_present) is not None:
            return False
        for name in sink.content_type_keywords:
            given = self._const(keyword(node, name), state)
            if isinstance(given, str) and "html" not in given.lower():
                return False
        if sink.unless_argument is not None:
            safe = sink.unless_argument
            expr = argument(node, safe.position if safe.position is not None else 10_000, safe.keyword)
            if expr is not None:
                named = self._qualified(expr)
                if named is not None and named.replace("().", ".") in safe.names:
                    return False
        if sink.requires is not None:
            required = sink.requires
            expr = argument(node, required.position if required.position is not None else 10_000, required.keyword)
            if expr is None:
                return False
            built = values.get(id(expr)) or self._eval(expr, state)
            if built.built_by not in required.built_by or not (built.true_keywords & required.keyword_true):
                return False
        return True

    def _apply_sink(
        self,
        sink: SinkModel,
        node: ast.Call,
        receiver: Value | None,
        values: dict[int, Value],
        positional: list[Value],
        keywords: dict[str | None, Value],
        confident: bool,
        callee: str | None,
    ) -> set[int]:
        what = f"`{_shorten(ast.unparse(node.func), 50)}(...)`"
        consumed: set[int] = set()
        if sink.receiver:
            if receiver is not None:
                self._hit(sink.kind, node, receiver, what, confident)
                consumed.add(id(node.func))
            return consumed
        if sink.all_arguments:
            escaped = _repr_formatted_arguments(node) if sink.kind == "log" else frozenset()
            for position, (arg_node, value) in enumerate(zip(node.args, positional, strict=True)):
                if position not in escaped:
                    self._hit(sink.kind, node, value, what, confident)
                consumed.add(id(arg_node))
            for item in node.keywords:
                if item.arg is not None:
                    self._hit(sink.kind, node, keywords[item.arg], what, confident)
                    consumed.add(id(item.value))
            return consumed
        expr = argument(node, sink.argument if sink.argument is not None else 10_000, sink.keyword)
        if expr is None:
            return consumed
        value = values.get(id(expr), EMPTY)
        consumed.add(id(expr))
        if sink.element is not None and value.items is not None:
            items = value.items
            if (
                len(items) > 2
                and items[0].const in SHELL_PROGRAMS
                and items[1].const in SHELL_COMMAND_FLAGS
                and "command" in self.model.models.kinds.sinks
            ):
                self._hit("command", node, items[2], what, confident)
            if sink.element < len(items):
                self._hit(sink.kind, node, items[sink.element], what, confident)
            return consumed
        self._hit(sink.kind, node, value, what, confident)
        return consumed

    def _hit(self, kind: str, node: ast.AST, value: Value, what: str, confident: bool) -> None:
        if kind in URL_KINDS and (value.fixed_host or _fixed_url(value.prefix, kind)):
            return
        labels = frozenset(label for label in value.all_labels() if not clears(label.cleared, kind))
        if not labels:
            return
        line = getattr(node, "lineno", 1)
        column = getattr(node, "col_offset", 0) + 1
        end_line = getattr(node, "end_lineno", None) or line
        end_column = (getattr(node, "end_col_offset", None) or 0) + 1
        self.facts.sinks.append(SinkHit(kind, line, column, end_line, end_column, labels, what, confident))

    # -- conditions -------------------------------------------------------------------------------------------------

    def _const(self, node: ast.expr | None, state: State) -> Any:
        if node is None:
            return UNKNOWN
        if isinstance(node, ast.Constant):
            return node.value
        known = self.evaluated.get(id(node))
        if known is not None:
            return known.const
        return self._eval(node, state).const

    def _refine(self, test: ast.expr, truth: bool, state: State) -> State:
        """The state inside a branch where `test` is `truth`: guarded variables cleared."""
        for key, kinds, exact in self._guards(test, truth, state):
            current = state.get(key)
            if current is None:
                continue
            if exact is not None:
                state[key] = exact
            elif ALL_KINDS in kinds:
                state[key] = replace(current, labels=EMPTY_LABELS, items=None, keys=None)
            else:
                state[key] = clear_value(current, kinds)
        return state

    def _guards(self, test: ast.expr, truth: bool, state: State) -> Iterator[tuple[str, frozenset[str], Value | None]]:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            yield from self._guards(test.operand, not truth, state)
            return
        if isinstance(test, ast.BoolOp):
            if isinstance(test.op, ast.And) == truth:
                for part in test.values:
                    yield from self._guards(part, truth, state)
            return
        if isinstance(test, ast.NamedExpr):
            yield from self._guards(test.value, truth, state)
            return
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            yield from self._compare_guard(test, truth, state)
            return
        if isinstance(test, ast.Call) and truth:
            yield from self._call_guard(test, state)

    def _compare_guard(
        self, test: ast.Compare, truth: bool, state: State
    ) -> Iterator[tuple[str, frozenset[str], Value | None]]:
        op = test.ops[0]
        left, right = test.left, test.comparators[0]
        holds = truth if isinstance(op, (ast.In, ast.Eq, ast.Is)) else not truth
        if isinstance(op, (ast.NotIn, ast.NotEq, ast.IsNot)):
            holds = not truth
        if not holds:
            yield from self._commonpath_guard(test, truth, state)
            return
        if isinstance(op, (ast.In, ast.NotIn)):
            if not self._is_allowlist(right, state):
                return
            yield from self._subject_guard(left, state, None)
        elif isinstance(op, (ast.Eq, ast.Is)):
            for subject, other in ((left, right), (right, left)):
                const = self._const(other, state)
                if const is not UNKNOWN and _literal(const):
                    yield from self._subject_guard(
                        subject, state, Value(const=const, prefix=const if isinstance(const, str) else "")
                    )
        yield from self._commonpath_guard(test, truth, state)

    def _is_allowlist(self, node: ast.expr, state: State) -> bool:
        """A constant collection: folded here, or a name written as a constant (`ALLOWED_HOSTS`, imported)."""
        value = self._eval(node, state)
        if value.tainted:
            return False
        allowed = value.const
        if allowed is not UNKNOWN:
            return isinstance(allowed, (list, tuple, set, frozenset, dict))  # `x in "abc"` tests a substring
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return True
        name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
        return len(name) > 1 and name.isupper()

    def _subject_guard(
        self, subject: ast.expr, state: State, exact: Value | None
    ) -> Iterator[tuple[str, frozenset[str], Value | None]]:
        """`subject` is known to be one of some constants: clear it; and if it is a URL's host, the URL too."""
        key = self._key(subject)
        value = self._eval(subject, state)
        if key is not None:
            yield key, _ALL, exact
        host_of = value.host_of
        if host_of is not None:
            yield host_of, URL_KINDS, None

    def _commonpath_guard(
        self, test: ast.Compare, truth: bool, state: State
    ) -> Iterator[tuple[str, frozenset[str], Value | None]]:
        op = test.ops[0]
        if not isinstance(op, (ast.Eq, ast.NotEq)) or (isinstance(op, ast.Eq) != truth):
            return
        for side in (test.left, test.comparators[0]):
            if not isinstance(side, ast.Call):
                continue
            callee = self._callee(side, None)
            guards = [g for g in self.model.guards_by_callee.get(callee or "", ()) if g.type == "path-containment"]
            if not guards or not side.args:
                continue
            listed = side.args[0]
            elements = listed.elts if isinstance(listed, (ast.List, ast.Tuple)) else []
            for element in elements:
                key = self._key(element)
                if key is not None and self._eval(element, state).resolved:
                    yield key, guards[0].kinds, None

    def _call_guard(self, test: ast.Call, state: State) -> Iterator[tuple[str, frozenset[str], Value | None]]:
        func = test.func
        callee = self._callee(test, None)
        for guard in self.model.guards_by_callee.get(callee or "", ()):
            if guard.type != "validates":
                continue
            if guard.anchored_pattern is not None and not self._anchored(test, guard, state):
                continue
            subject = argument(test, guard.argument, guard.keyword)
            key = self._key(subject) if subject is not None else None
            if key is not None:
                yield key, guard.kinds, None
        if isinstance(func, ast.Attribute):
            for guard in self.model.guards_by_method.get(func.attr, ()):
                yield from self._method_guard(guard, func, state)

    def _method_guard(
        self, guard: GuardModel, func: ast.Attribute, state: State
    ) -> Iterator[tuple[str, frozenset[str], Value | None]]:
        subject_node = func.value
        if guard.type == "validates":
            key = self._key(subject_node)
            if key is not None:
                yield key, guard.kinds, None
            return
        if guard.type != "path-containment":
            return
        subject = self._eval(subject_node, state)
        if not subject.resolved:
            return
        key = self._key(subject_node)
        if key is not None:
            yield key, guard.kinds, None
        if isinstance(subject_node, ast.Call):
            # `os.path.realpath(p).startswith(base)`: p itself resolves inside base.
            for inner in subject_node.args[:1]:
                inner_key = self._key(inner)
                if inner_key is not None:
                    yield inner_key, guard.kinds, None

    def _anchored(self, test: ast.Call, guard: GuardModel, state: State) -> bool:
        pattern_node = argument(test, guard.anchored_pattern or 0, "pattern")
        pattern = self._const(pattern_node, state)
        if not isinstance(pattern, str):
            return False
        return pattern.startswith(("^", "\\A")) and pattern.endswith(("$", "\\Z", "\\z"))

    def _is_noreturn(self, node: ast.Call) -> bool:
        callee = self._callee(node, None)
        return callee is not None and callee in self.model.noreturn

    # -- helpers ----------------------------------------------------------------------------------------------------

    def _key(self, node: ast.expr | None) -> str | None:
        """The state key of a variable or attribute path (`x`, `self.name`, `args.path`), or None."""
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            base = self._key(node.value)
            return None if base is None else f"{base}.{node.attr}"
        return None


_KEYWORD_PROPAGATORS = frozenset({"format", "format_map", "dict", "update", "copy", "replace", "join", "Template"})
# Sinks whose result still carries their other arguments' text (`re.sub(pattern, repl, text)` returns text).
_TRANSPARENT_SINK_KINDS = frozenset({"regex"})
_SOURCE_WORDS = {"remote": "request data", "local": "local user input", "environment": "environment variable"}


def _fixed_url(prefix: str, kind: str) -> bool:
    """A constant prefix that already fixes where a URL points: the host, or a local path for redirects."""
    if _FIXED_URL.match(prefix):
        return True
    return kind == "redirect" and len(prefix) >= 2 and prefix[0] == "/" and prefix[1] not in "/\\"


_SCHEME_ONLY = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://$")


def _scheme_only(text: Any) -> bool:
    return isinstance(text, str) and bool(_SCHEME_ONLY.match(text))


def _chosen_base(value: Value) -> bool:
    """An untainted value the code chose, not a constant: a configured base URL or host."""
    return not value.tainted and value.const is UNKNOWN and not value.prefix and value.items is None


def _fstring_fixed_host(node: ast.JoinedStr, state: State, analysis: FunctionAnalysis) -> bool:
    leading = ""
    for position, part in enumerate(node.values):
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            leading += part.value
            continue
        value = analysis._eval(part, state) if isinstance(part, ast.FormattedValue) else EMPTY
        if value.const is not UNKNOWN and isinstance(value.const, str):
            leading += value.const
            continue
        if not _chosen_base(value) or (leading and not _scheme_only(leading)):
            return False
        following = node.values[position + 1] if position + 1 < len(node.values) else None
        # `f"{scheme}://{host}"`: what comes first was only the scheme.
        return not (isinstance(following, ast.Constant) and str(following.value).startswith("://"))
    return False


def _declares_non_html(headers: Value) -> bool:
    for name, value in headers.keys or ():
        if isinstance(name, str) and name.lower() == "content-type" and isinstance(value.const, str):
            return "html" not in value.const.lower()
    return False


def _element_of(iterable: Value) -> Value:
    if iterable.items is not None and not iterable.labels:
        merged = EMPTY
        for item in iterable.items:
            merged = join(merged, item) if merged is not EMPTY else item
        return tainted(merged.all_labels()) if merged.tainted else EMPTY
    return tainted(iterable.all_labels())


def _get_item(container: Value, key: Any) -> Value | None:
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


def _set_item(container: Value, key: Any, value: Value) -> Value:
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


def _with_step(value: Value, step: Step) -> Value:
    labels = frozenset(label.with_step(step) for label in value.labels)
    items = tuple(_with_step(item, step) for item in value.items) if value.items is not None else None
    keys = tuple((k, _with_step(v, step)) for k, v in value.keys) if value.keys is not None else None
    return replace(value, labels=labels, items=items, keys=keys)


def _same_taint(before: State, after: State | None) -> bool:
    """Whether a loop pass changed no variable's taint (so that another pass would find nothing new)."""
    if after is None:
        return True
    for key, value in after.items():
        previous = before.get(key)
        if previous is value:
            continue
        if previous is None or previous.all_labels() != value.all_labels():
            return False
    return True


def _join_states(*states: State | None) -> State | None:
    present = [state for state in states if state is not None]
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    merged: State = dict(present[0])
    for other in present[1:]:
        for key in set(merged) | set(other):
            a = merged.get(key)
            b = other.get(key)
            if a is None or b is None:
                merged[key] = a if a is not None else b  # type: ignore[assignment]
            elif a is not b:
                merged[key] = join(a, b)
    return merged


def _truthy(value: Any) -> bool:
    if value is UNKNOWN:
        return False
    try:
        return bool(value)
    except Exception:
        return True


def _literal(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, bytes, type(None), tuple, frozenset)) or (
        isinstance(value, (list, set, dict)) and len(value) <= _MAX_ITEMS
    )


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _call_name(func: ast.expr) -> str:
    """A short name for a callee in messages (`db.find_books`), without unparsing the whole expression."""
    parts: list[str] = []
    node: ast.expr = func
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(_call_name(node.func) + "(...)")
    else:
        parts.append("…")
    return _shorten(".".join(reversed(parts)), 40)


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


_PURE_BUILTINS: dict[str, Callable[..., Any]] = {
    "builtins.len": len,
    "builtins.str": str,
    "builtins.int": int,
    "builtins.float": float,
    "builtins.bool": bool,
    "builtins.abs": abs,
    "builtins.min": min,
    "builtins.max": max,
    "builtins.ord": ord,
    "builtins.chr": chr,
}
_PURE_STR_METHODS = frozenset(
    {
        "upper",
        "lower",
        "strip",
        "lstrip",
        "rstrip",
        "startswith",
        "endswith",
        "replace",
        "find",
        "count",
        "title",
        "capitalize",
        "isdigit",
        "isalpha",
        "isalnum",
        "split",
        "casefold",
        "zfill",
    }
)


def _pure_call(
    callee: str | None,
    method: str | None,
    receiver: Value | None,
    positional: list[Value],
    keywords: dict[str | None, Value],
) -> Any:
    """`len("abc")`, `"ABC".lower()`: calls on constants whose result is a small constant too."""
    if keywords or any(value.const is UNKNOWN or not _literal(value.const) for value in positional):
        return UNKNOWN
    arguments = [value.const for value in positional]
    try:
        if callee in _PURE_BUILTINS and arguments:
            result = _PURE_BUILTINS[callee](*arguments)
        elif (
            method in _PURE_STR_METHODS
            and receiver is not None
            and isinstance(receiver.const, str)
            and len(receiver.const) <= 10_000
        ):
            result = getattr(receiver.const, method)(*arguments)
        else:
            return UNKNOWN
    except Exception:
        return UNKNOWN
    if isinstance(result, list):
        result = tuple(result)
    if isinstance(result, str) and len(result) > 10_000:
        return UNKNOWN
    return result if _literal(result) else UNKNOWN


def _chosen_case(cases: list[Any], subject: Any) -> Any:
    """The case a `match` on a known constant takes, when every case before it is a literal that differs."""
    if subject is UNKNOWN or not _literal(subject):
        return None
    for case in cases:
        pattern = case.pattern
        if case.guard is not None:
            return None
        if isinstance(pattern, ast.MatchAs) and pattern.pattern is None:
            return case
        if isinstance(pattern, ast.MatchValue) and isinstance(pattern.value, ast.Constant):
            if _same(pattern.value.value, subject):
                return case
            continue
        return None
    return None


def _same(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return False


def _verdict(value: Any) -> bool | None:
    """How a condition with a known constant value goes (None when it is not known)."""
    if value is UNKNOWN:
        return None
    return _truthy(value)


def _bool_const(is_and: bool, values: list[Value]) -> Any:
    for value in values:
        if value.const is UNKNOWN:
            return UNKNOWN
        if _truthy(value.const) != is_and:
            return value.const
    return values[-1].const if values else UNKNOWN


def _slice_const(base: Any, index: ast.Slice, state: State, analysis: FunctionAnalysis) -> Any:
    if base is UNKNOWN or not isinstance(base, (str, tuple, list)):
        return UNKNOWN
    bounds: list[int | None] = []
    for part in (index.lower, index.upper, index.step):
        if part is None:
            bounds.append(None)
            continue
        value = analysis._const(part, state)
        if not isinstance(value, int):
            return UNKNOWN
        bounds.append(value)
    try:
        return base[slice(*bounds)]
    except Exception:
        return UNKNOWN


_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")


def _repr_formatted_arguments(node: ast.Call) -> frozenset[int]:
    """Positions of a logging call's arguments that its format string writes with `%r`/`%a`: `repr` escapes
    CR and LF, so such an argument cannot forge a log line (`log.info("path %r", request.path)`)."""
    if not node.args or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
        return frozenset()
    conversions = [match for match in _PERCENT_FIELD.findall(node.args[0].value) if match != "%"]
    return frozenset(position + 1 for position, conversion in enumerate(conversions) if conversion in "ra")
