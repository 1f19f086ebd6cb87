"""Calls: sources, sinks, sanitizers, constant folding, and calls into the project left symbolic for the solver."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bastion.models.loader import ALL_KINDS
from bastion.semantic.calls import argument, keyword
from bastion.semantic.constants import UNKNOWN
from bastion.semantic.index import BindingKind
from bastion.taint.containers import ContainerAnalysis
from bastion.taint.context import call_name
from bastion.taint.facts import DOUBLE_STAR, STAR, ArgKey, CallSite
from bastion.taint.folding import pure_call, truthy
from bastion.taint.state import State
from bastion.taint.values import EMPTY_LABELS, CallOrigin, Label, Value, union_labels

# Calls that choose a module or a function by name (see `_chosen_by_name`).
_CHOOSERS = frozenset({"importlib.import_module", "builtins.getattr"})
# Declared return types that say nothing of a library class's methods (`-> str`, `-> Optional[...]`).
_NOT_CLASSES = ("builtins.", "typing.", "collections.", "typing_extensions.")
_KEYWORD_PROPAGATORS = frozenset({"format", "format_map", "dict", "update", "copy", "replace", "join", "Template"})


class CallAnalysis(ContainerAnalysis):
    """The calls section: what a call returns, and what it leaves for the project phase."""

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
        chosen = self._chooser_result(func, state)
        if chosen is not None:
            callee = chosen  # `handler = getattr(module, "do_" + action); handler(data)`
        folded = pure_call(callee, method, receiver, positional, keywords)
        if folded is not UNKNOWN:
            return Value(const=folded, prefix=folded if isinstance(folded, str) else "")
        consumed = self._check_sinks(node, callee, method, receiver, positional, keywords, state)
        if method is not None and receiver is not None:
            special = self._container_method(node, method, receiver, positional, state)
            if special is not None:
                return special
        handler_source = self._handler_call(node, method)
        if handler_source is not None:
            return handler_source
        source = self.model.source_calls.get(callee) if callee else None
        if source is not None:
            return self._source_value(node, source.kind, callee or "", self.index.result_name(callee or ""))
        propagated = self._propagated(node, callee, receiver, positional, keywords, starred_kw, consumed)
        result_type = (
            self._chosen_by_name(callee, node, positional) or self._declared_result(func) or self._result_type(callee)
        )
        # `handler.find(path)` on an object of a project class is that class's method, not `str.find`.
        project_method = receiver is not None and receiver.type_name is not None and self._is_project_type(receiver)
        cleared = self._sanitized(callee, None if project_method else method, node, state)
        converter = keyword(node, "type")
        if cleared is None and converter is not None:
            # `request.args.get("page", 1, type=int)`: the value comes back converted by the cast.
            kinds = self._sanitized(self._qualified(converter), None, node, state)
            if kinds is not None and ALL_KINDS in kinds:
                return Value(type_name=result_type)
            cleared = kinds  # a cast that keeps some kinds (`int` still sizes an allocation)
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
        value = Value(labels=propagated, type_name=result_type, prefix=_format_prefix(method, receiver), **built)
        if method == "replace" and _removes_dots(positional):
            value = replace(value, dotless=True)
        if method == "get" and receiver is not None and positional and self._referrer_key(positional[0].const):
            # `request.headers.get("Referer", default)`: the header is where the browser came from; the default is
            # what it is.
            back = self._redirect_back(Value(labels=receiver.all_labels())).labels
            value = replace(value, labels=back | union_labels([*positional[1:], *keywords.values()]))
        if self._resolves_path(callee, method):
            value = replace(value, resolved=True)
        return value

    def _declared_result(self, func: ast.expr) -> str | None:
        """`env = make_env()` where this module defines `def make_env() -> jinja2.sandbox.SandboxedEnvironment`: an
        instance of the library class the function declares it returns, so the models judge its methods. (Project
        classes are followed by the solver through what the function really returns.)"""
        if not isinstance(func, ast.Name) or func.id in self.local_names:
            return None
        key = (self.outer_id, func.id)
        cache = self.shared.declared_results
        if key not in cache:
            cache[key] = None
            binding = self.index.resolve_binding(func.id, self.scope)
            definition = binding.node if binding is not None and binding.kind is BindingKind.DEFINITION else None
            if isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef)) and definition.returns is not None:
                declared = self.index.qualified_name(definition.returns, self.scope)
                if declared is not None and self.model.is_library(declared) and not declared.startswith(_NOT_CLASSES):
                    cache[key] = f"{declared}()"
        return cache[key]

    def _is_project_type(self, value: Value) -> bool:
        type_name = value.type_name or ""
        return type_name.endswith("()") and self._may_be_project(type_name.split("|", 1)[0])

    def _chooser_result(self, func: ast.expr, state: State) -> str | None:
        """The pattern a callee chosen by name stands for: a variable bound to `getattr(...)`/`import_module(...)`,
        or that call itself (`getattr(self, "on_" + event)(payload)`)."""
        chosen: Value | None = None
        if isinstance(func, ast.Name):
            chosen = state.get(func.id)
        elif isinstance(func, ast.Call) and self._qualified(func.func) in _CHOOSERS:
            chosen = self._eval(func, state)
        if chosen is None or chosen.built_by not in _CHOOSERS:
            return None
        return chosen.type_name

    def _chosen_by_name(self, callee: str | None, node: ast.Call, positional: list[Value]) -> str | None:
        """`import_module("app.handlers." + kind)` is one of the modules `app.handlers.*`, `getattr(module, "do_" +
        action)` one of its functions `do_*` (`getattr(self, "on_" + event)`: one of the class's methods): what a
        call of the result may reach, as a pattern of qualified names the project phase expands."""
        if callee not in _CHOOSERS or not positional:
            return None
        if callee == "importlib.import_module":
            # `import_module(".handlers", package=...)` is relative to a package not known here.
            return _name_pattern(positional[0]) if len(node.args) == 1 and not node.keywords else None
        if len(positional) < 2:
            return None
        member = _name_pattern(positional[1])
        owner = positional[0].type_name
        first = node.args[0]
        if isinstance(first, ast.Name) and first.id == self.self_name and self.class_name is not None:
            owner = f"{self.class_name}()"
        if owner is None or member is None or "." in member or "*" not in owner + member:
            return None  # a constant attribute of a known object keeps the usual result type
        return f"{owner}.{member}"

    def _handler_call(self, node: ast.Call, method: str | None) -> Value | None:
        """`self.get_argument("q")` in a handler class whose framework lists it: request data."""
        func = node.func
        if self.view is None or method is None or not isinstance(func, ast.Attribute):
            return None
        if not isinstance(func.value, ast.Name) or func.value.id != self.self_name:
            return None
        spec = self.model.handlers.get(self.view.framework)
        if spec is None or method not in spec.self_calls:
            return None
        return self._source_value(node, spec.kind, f"`self.{method}(...)` of a request handler", None)

    def _resolves_path(self, callee: str | None, method: str | None) -> bool:
        """`os.path.realpath(p)`, `path.resolve()`: the result is absolute, with `..` resolved."""
        guards = self.model.guards_by_callee.get(callee, ()) if callee is not None else ()
        if not guards and method is not None and callee is None:
            guards = self.model.guards_by_method.get(method, ())
        return any(guard.type == "path-resolution" for guard in guards)

    def _built(self, callee: str | None, node: ast.Call, positional: list[Value], state: State) -> dict[str, Any]:
        if callee is None:
            return {}
        true_keywords = frozenset(
            item.arg for item in node.keywords if item.arg is not None and truthy(self._const(item.value, state))
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
            call_name(func),
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
        """The taint an unknown call passes on: its receiver's and its arguments' (less those a sink consumed). A
        whole request object passed as an argument (`render(request, ...)`, `app(environ, start_response)`) is not
        its data: only what is read from it is; a method of the request (`request.get_json()`) reads it."""
        labels: set[Label] = set()
        if receiver is not None and id(node.func) not in consumed:
            labels.update(receiver.all_labels())
        key_node = node.args[0] if node.args and _is_lookup(node, callee, receiver, self.model.is_library) else None
        for arg_node, value in zip(node.args, positional, strict=True):
            if id(arg_node) not in consumed and value.request is None and arg_node is not key_node:
                labels.update(value.all_labels())
        if self._keywords_propagate(node, callee):
            for item in node.keywords:
                if item.arg is not None and id(item.value) not in consumed and keywords[item.arg].request is None:
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


def _is_lookup(node: ast.Call, callee: str | None, receiver: Value | None, is_library: Callable[[str], bool]) -> bool:
    """`store["items"].get(key)`, `known_dict.get(key, default)`: a read from a container of the server's by a key.
    What comes back is what the container holds (or the default), not the key, as with `store["items"][key]`: a
    request value used only to find a server object does not make that object's attributes request data. (The
    container's own taint still comes back with it.)"""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr != "get" or not 1 <= len(node.args) <= 2:
        return False
    if receiver is None or (callee is not None and is_library(callee)):
        return False
    # A key with a default (`pending.get(key, {})`) is a mapping's lookup whatever the receiver; a lone argument
    # only on a container read by key (`self.db["items"].get(key)`) or a dict known here: `client.get(url)` of an
    # HTTP client of unknown type returns what the URL serves.
    return len(node.args) == 2 or isinstance(func.value, ast.Subscript) or receiver.keys is not None


def _name_pattern(value: Value) -> str | None:
    """A name built at run time as a pattern: the constant itself, or its constant prefix followed by `*`; None when
    the text is not made of dotted identifiers (a pattern holds no character of the scanned code's choosing)."""
    if isinstance(value.const, str):
        return value.const if _dotted_name(value.const) else None
    return f"{value.prefix}*" if _dotted_name(value.prefix) else None


def _dotted_name(text: str) -> bool:
    """Identifiers and dots only (`app.actions.`, `do_`), and not too long."""
    return (
        0 < len(text) <= 200
        and text.isascii()
        and not text[0].isdigit()
        and all(char.isalnum() or char in "._" for char in text)
    )


def _removes_dots(positional: list[Value]) -> bool:
    """`text.replace(".", "")`: every `.` replaced by text that holds none (nor a separator)."""
    if len(positional) != 2 or positional[0].const != ".":
        return False
    replacement = positional[1].const
    return isinstance(replacement, str) and not any(char in replacement for char in "./\\")


def _format_prefix(method: str | None, receiver: Value | None) -> str:
    """`"https://api.example.com/{}".format(path)`: the constant text before the first field stays in front."""
    if method != "format" or receiver is None or not isinstance(receiver.const, str):
        return ""
    return receiver.const.split("{", 1)[0].replace("{{", "{")
