"""Intraprocedural taint: one pass over a function's statements, flow-sensitive, producing its summary.

The state maps variables (and `obj.attr` paths) to `Value`s. Branches are analysed separately and joined;
conditions that fold to a constant prune the dead branch; guards (`if x not in ALLOWED: return`) clear the
guarded variable after the `if`; loops run their body twice. Parameters, calls to functions that may belong to
the project, and `self.attr` reads stay symbolic (labels with a `ParamOrigin`, `CallOrigin` or `FieldOrigin`)
and are resolved across functions and modules in the project phase (`bastion.taint.solver`).

The analysis is split by section, one module each, stacked by inheritance: `context` (names, signature, facts),
`guards`, `sinks`, `containers`, `calls`, `expressions`, and the statements here.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

from bastion.taint.context import closure_names
from bastion.taint.expressions import ExpressionAnalysis
from bastion.taint.facts import ArgKey, CallSite, FieldWrite, FunctionFacts
from bastion.taint.folding import chosen_case, verdict_of
from bastion.taint.sinks import declares_non_html
from bastion.taint.state import State, join_states, same_taint
from bastion.taint.values import (
    EMPTY,
    CallOrigin,
    Label,
    ParamOrigin,
    RequestObject,
    SourceOrigin,
    Step,
    Value,
    element_of,
    set_item,
    tainted,
)

_LOOP_PASSES = 2
_MAX_RETURN_TYPES = 4  # type names kept per function (a dispatcher returning one of a few kinds of object)
_ENTER_METHODS = frozenset({"__enter__", "__aenter__"})


def _single_class(annotation: ast.expr) -> ast.expr | None:
    """`C`, `mod.C`, `C | None`, `Optional[C]`: the class named; None for anything else (unions, generics)."""
    if isinstance(annotation, (ast.Name, ast.Attribute)):
        return annotation
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [side for side in (annotation.left, annotation.right) if not _is_none(side)]
        return _single_class(sides[0]) if len(sides) == 1 else None
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, (ast.Name, ast.Attribute)):
        outer = annotation.value.id if isinstance(annotation.value, ast.Name) else annotation.value.attr
        if outer == "Optional":
            return _single_class(annotation.slice)
    return None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


class FunctionAnalysis(ExpressionAnalysis):
    """Analyses one function (or a module's top-level code) into `FunctionFacts`."""

    def run(self) -> FunctionFacts:
        state = self._initial_state()
        body = self.node.body
        final = self._block(body, state)
        if self.is_module and final is not None:
            self._record_globals(final)
        self.facts.returns = frozenset(self.returns)
        return self.facts

    def _initial_state(self) -> State:
        state = State()
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
        types = self._parameter_types()
        for name in names:
            if name == self.self_name:
                continue
            step: Step = (self.path, line, column, f"enters `{self.short_name}()` as parameter `{name}`")
            if name in self.closure_names:
                step = (self.path, line, column, f"`{name}` of the enclosing function, read in `{self.short_name}()`")
            labels = {Label(ParamOrigin(name), trace=(step,))}
            source = inputs.get(name)
            request = None
            if source is not None:
                source_step: Step = (self.path, line, column, f"{source.description} (request data)")
                origin = SourceOrigin(
                    source.kind, source.description, self.path, line, column, annotation=source.annotation
                )
                labels.add(Label(origin, trace=(source_step,)).clearing(source.cleared))
                if source.safe_attributes or "request parameter" in source.description:
                    request = RequestObject(
                        source.kind, source.description, source.safe_attributes, self.path, line, column
                    )
            state[name] = Value(labels=frozenset(labels), request=request, type_name=types.get(name))
        return state

    def _parameter_types(self) -> dict[str, str]:
        """Parameters annotated with a class of the project (`handler: FileHandler`, `Optional[FileHandler]`): an
        instance of it, so that `handler.get_data(path)` reaches that method. Library classes are left to the
        models, which name them by how they are built."""
        node = self.node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return {}
        args = node.args
        types: dict[str, str] = {}
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            if arg.arg not in self.typed_params or arg.annotation is None:
                continue
            annotation = _single_class(arg.annotation)
            qualified = self._qualified(annotation) if annotation is not None else None
            if qualified is not None and "(" not in qualified and self._may_be_project(qualified):
                types[arg.arg] = f"{qualified}()"
        return types

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
                self._return(node, self._eval(node.value, state), state)  # type: ignore[arg-type, attr-defined]
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
                    entered = self._entered(item.context_expr, value, kind is ast.AsyncWith)
                    self._assign(item.optional_vars, entered, state, node)
            return self._block(node.body, state)  # type: ignore[attr-defined]
        if kind is ast.Try or kind.__name__ == "TryStar":
            return self._try(node, state)
        if kind is ast.Raise:
            if node.exc is not None:  # type: ignore[attr-defined]
                self._eval(node.exc, state)  # type: ignore[attr-defined]
            return None
        if kind in (ast.Break, ast.Continue):
            if self.loop_exits:
                self.loop_exits[-1].append(state.copy())
            return None
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            if kind is not ast.ClassDef and not self.is_module:
                self._closure_call(node, state)  # type: ignore[arg-type]
            state.pop(node.name)  # type: ignore[attr-defined]
            return state
        if kind is ast.Delete:
            for target in node.targets:  # type: ignore[attr-defined]
                key = self._key(target)
                if key is not None:
                    state.pop(key)
            return state
        if kind.__name__ == "Match":
            return self._match(node, state)
        if kind is ast.Assert:
            return self._refine(node.test, True, state)  # type: ignore[attr-defined]
        return state

    def _if(self, node: ast.If, state: State) -> State | None:
        verdict = verdict_of(self._eval(node.test, state).const)
        if verdict is True:
            return self._block(node.body, self._refine(node.test, True, state))
        if verdict is False:
            return self._block(node.orelse, self._refine(node.test, False, state))
        body = self._block(node.body, self._refine(node.test, True, state.copy()))
        orelse = self._block(node.orelse, self._refine(node.test, False, state.copy()))
        return join_states(body, orelse)

    def _for(self, node: ast.For | ast.AsyncFor, state: State) -> State | None:
        iterable = self._eval(node.iter, state)
        element = element_of(iterable)
        current: State | None = state
        exits: list[State] = []
        self.loop_exits.append(exits)
        merged: State | None = state.copy()
        for _ in range(_LOOP_PASSES):
            if current is None:
                break
            body_state = current.copy()
            self._assign(node.target, element, body_state, node)
            end = self._block(node.body, body_state)
            merged = join_states(merged, end)
            for extra in exits:
                merged = join_states(merged, extra)
            if same_taint(current, merged):
                break  # nothing the body does feeds back into the next iteration
            current = merged
        self.loop_exits.pop()
        after = self._block(node.orelse, merged.copy()) if merged is not None and node.orelse else merged
        return join_states(after, state) if after is not None else state

    def _while(self, node: ast.While, state: State) -> State | None:
        verdict = verdict_of(self._eval(node.test, state).const)
        if verdict is False:
            return self._block(node.orelse, state)
        exits: list[State] = []
        self.loop_exits.append(exits)
        merged: State | None = state.copy()
        current: State | None = state
        for _ in range(_LOOP_PASSES):
            if current is None:
                break
            end = self._block(node.body, self._refine(node.test, True, current.copy()))
            merged = join_states(merged, end)
            if same_taint(current, merged):
                break
            current = merged
        self.loop_exits.pop()
        for extra in exits:
            merged = join_states(merged, extra)
        if verdict is True:  # `while True:` leaves only through break
            return join_states(None, *exits) if exits else None
        return merged

    def _try(self, node: Any, state: State) -> State | None:
        before = state.copy()
        body = self._block(node.body, state.copy())
        entry = join_states(before, body) or before
        outcomes: list[State | None] = []
        for handler in node.handlers:
            handler_state = entry.copy()
            if handler.name:
                handler_state[handler.name] = EMPTY
            outcomes.append(self._block(handler.body, handler_state))
        outcomes.append(self._block(node.orelse, body.copy()) if body is not None else None)
        merged = join_states(*outcomes)
        if node.finalbody:
            final_entry = merged if merged is not None else entry.copy()
            final = self._block(node.finalbody, final_entry.copy())
            return final if merged is not None else None
        return merged

    def _match(self, node: Any, state: State) -> State | None:
        subject = self._eval(node.subject, state)
        chosen = chosen_case(node.cases, subject.const)
        if chosen is not None:
            return self._block(chosen.body, state)
        outcomes: list[State | None] = []
        exhaustive = False
        for case in node.cases:
            case_state = state.copy()
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
        return join_states(*outcomes)

    def _entered(self, context: ast.expr, value: Value, asynchronous: bool) -> Value:
        """`with BackupFile(upload) as contents:` binds what the project class's `__enter__` returns (a directory it
        made), not the object itself: a call of `__enter__` on it, which the project phase resolves (and, when the
        class has no `__enter__` of its own, passes the object's taint on as an unknown call does)."""
        type_name = value.type_name
        if type_name is None or "|" in type_name or not self._is_project_type(value):
            return value
        method = "__aenter__" if asynchronous else "__enter__"
        callee = f"{type_name[:-2]}.{method}"
        call = ast.copy_location(ast.Call(ast.Attribute(context, method, ast.Load()), [], []), context)
        site = self._call_site(call, callee, value, [], {}, [], value.all_labels())
        return Value(labels=frozenset({Label(CallOrigin(site.index))}), type_name=self._result_type(callee))

    def _closure_call(self, node: ast.FunctionDef | ast.AsyncFunctionDef, state: State) -> None:
        """A nested function reading this function's variables: as if called here with them by keyword, so that
        what it does with them (`def run(cursor): cursor.execute(sql_of(user_input))`) is this function's too,
        wherever it is called from. The request object itself is not passed (only what is read from it is data)."""
        names = closure_names(node, self.index.child_scope(node, self.scope))
        args: list[tuple[ArgKey, frozenset[Label]]] = []
        for name in names:
            value = state.get(name)
            if value is None or value.request is not None:
                continue
            labels = value.all_labels()
            if labels:
                args.append((name, labels))
        if not args:
            return
        qualname = f"{self.scope.qualname}.{node.name}"
        site = CallSite(
            len(self.facts.calls),
            qualname,
            False,
            frozenset(),
            tuple(args),
            frozenset(),
            node.lineno,
            node.col_offset + 1,
            node.name,
        )
        self.facts.calls.append(site)

    def _return(self, node: ast.Return, value: Value, state: State) -> None:
        labels = value.all_labels()
        returned_type = value.type_name
        types = self.facts.return_types
        if returned_type is not None and returned_type not in types and len(types) < _MAX_RETURN_TYPES:
            self.facts.return_types = (*types, returned_type)
        step: Step = (self.path, node.lineno, node.col_offset + 1, f"returned from `{self.short_name}()`")
        if labels:
            self.returns.update(label.with_step(step) for label in labels)
        if self.short_name in _ENTER_METHODS and isinstance(node.value, ast.Name) and node.value.id == self.self_name:
            # A context manager that hands itself out (`with Archive(name) as archive:`): `with` binds the object.
            self.returns.add(Label(ParamOrigin(node.value.id), trace=(step,)))
        if self.handler is None or self.handler.returns_kind is None or node.value is None:
            return
        body = value
        if isinstance(node.value, ast.Tuple) and value.items:
            body = value.items[0]
            if any(declares_non_html(item) for item in value.items[1:]):
                return  # `return text, 200, {"Content-Type": "text/plain"}`
        if isinstance(node.value, ast.Name) and self.declared_non_html({node.value.id}, state):
            return  # `response.mimetype = "text/plain"` before `return response`
        if self.handler.returns_iterable:
            body = tainted(body.all_labels())  # WSGI: the chunks of the body
        elif body.keys is not None or (body.items is not None and not isinstance(node.value, ast.Tuple)):
            return  # a dict or list: the framework sends JSON
        kind = self.handler.returns_kind
        self._hit(kind, node.value, body, f"the response of route `{self.short_name}`", confident=True)

    def _assign(self, target: ast.expr, value: Value, state: State, statement: ast.AST) -> None:
        kind = type(target)
        if kind is ast.Name:
            name = target.id  # type: ignore[attr-defined]
            self._kill(name, state)
            state[name] = self._stepped(value, target, f"assigned to `{name}`")
            return
        if kind is ast.Attribute:
            self._check_store_sinks(target, value)  # type: ignore[arg-type]
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
        state.forget_attributes(key)

    def _store_item(self, target: ast.Subscript, value: Value, state: State) -> None:
        container_node = target.value
        container = self._eval(container_node, state)
        index = self._eval(target.slice, state)
        self._check_sinks_for_method(target, "__setitem__", container_node, container, [index, value], {}, state)
        key = self._key(container_node)
        if key is None:
            return
        state[key] = set_item(container, index.const, value)
        base = container_node
        if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == self.self_name:
            labels = value.all_labels()
            if labels and self.class_name is not None:
                self.facts.field_writes.append(FieldWrite(self.class_name, base.attr, labels))
