"""Expressions: names, attributes, subscripts, literals, operators, f-strings and comprehensions."""

from __future__ import annotations

import ast
from collections.abc import Hashable
from dataclasses import replace
from typing import Any

from bastion.core import patterns
from bastion.semantic.constants import UNKNOWN, fold
from bastion.taint.calls import CallAnalysis
from bastion.taint.context import shorten
from bastion.taint.folding import MAX_ITEMS, bool_const, literal, verdict_of
from bastion.taint.state import State
from bastion.taint.values import (
    EMPTY,
    HANDLER_FIELD,
    FieldOrigin,
    Label,
    ParamOrigin,
    RequestObject,
    Step,
    Value,
    element_of,
    get_item,
    join,
    read_attribute,
    tainted,
    union_labels,
)


class ExpressionAnalysis(CallAnalysis):
    """The expressions section: the value of every expression kind."""

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
            if isinstance(node.op, ast.Mult):  # type: ignore[attr-defined]
                self._repetition(node, left, right, state)  # type: ignore[arg-type]
            combined = self._binary(node.op, left, right)  # type: ignore[attr-defined]
            self._fetch_command(node, combined)
            return combined
        if kind is ast.JoinedStr:
            return self._fstring(node, state)  # type: ignore[arg-type]
        if kind is ast.FormattedValue:
            return self._eval(node.value, state)  # type: ignore[attr-defined]
        if kind in (ast.List, ast.Tuple, ast.Set):
            elements = node.elts  # type: ignore[attr-defined]
            if any(isinstance(e, ast.Starred) for e in elements) or len(elements) > MAX_ITEMS:
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
            if any(part.const is UNKNOWN or not literal(part.const) for part in parts):
                return EMPTY
            constants = [ast.Constant(part.const) for part in parts]
            return Value(const=fold(ast.Compare(left=constants[0], ops=node.ops, comparators=constants[1:])))  # type: ignore[attr-defined]
        if kind is ast.BoolOp:
            operands = [self._eval(v, state) for v in node.values]  # type: ignore[attr-defined]
            const = bool_const(isinstance(node.op, ast.And), operands)  # type: ignore[attr-defined]
            merged = operands[0]
            for other in operands[1:]:
                merged = join(merged, other)
            return replace(merged, const=const) if const is not UNKNOWN else merged
        if kind is ast.UnaryOp:
            operand = self._eval(node.operand, state)  # type: ignore[attr-defined]
            const = UNKNOWN
            if operand.const is not UNKNOWN and literal(operand.const):
                const = fold(ast.UnaryOp(op=node.op, operand=ast.Constant(operand.const)))  # type: ignore[attr-defined]
            if isinstance(node.op, ast.Not):  # type: ignore[attr-defined]
                return Value(const=const)
            return Value(labels=operand.all_labels(), const=const)
        if kind is ast.IfExp:
            verdict = verdict_of(self._eval(node.test, state).const)  # type: ignore[attr-defined]
            if verdict is True:
                return self._eval(node.body, state)  # type: ignore[attr-defined]
            if verdict is False:
                return self._eval(node.orelse, state)  # type: ignore[attr-defined]
            body = self._eval(node.body, self._refine(node.test, True, state.copy()))  # type: ignore[attr-defined]
            orelse = self._eval(node.orelse, self._refine(node.test, False, state.copy()))  # type: ignore[attr-defined]
            return join(body, orelse)
        if kind is ast.NamedExpr:
            value = self._eval(node.value, state)  # type: ignore[attr-defined]
            self._assign(node.target, value, state, node)  # type: ignore[attr-defined]
            return value
        if kind in (ast.Await, ast.Starred):
            return self._eval(node.value, state)  # type: ignore[attr-defined]
        if kind in (ast.Yield, ast.YieldFrom):
            if node.value is not None:  # type: ignore[attr-defined]
                # What a generator yields is what iterating its result gives: a return value for the callers.
                yielded = self._eval(node.value, state)  # type: ignore[attr-defined]
                labels = yielded.all_labels()
                if labels:
                    line, column = node.lineno, node.col_offset + 1
                    step: Step = (self.path, line, column, f"yielded by `{self.short_name}()`")
                    self.returns.update(label.with_step(step) for label in labels)
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
        """Request data held by a handler object: `self.request` and `self.kwargs` in a class-based view (Django,
        DRF), what the framework's model lists (`self.path` of a BaseHTTPRequestHandler, Tornado's `self.request`)."""
        if self.view is None:
            return None
        spec = self.model.handlers.get(self.view.framework)
        if spec is None:
            return None
        attributes = spec.self_attributes or (("request", "kwargs", "args") if spec.request == "first" else ())
        request_attribute = spec.self_request or ("request" if spec.request == "first" else None)
        if node.attr not in attributes and node.attr != request_attribute:
            return None
        value = self._source_value(node, spec.kind, f"`self.{node.attr}` of a request handler", None)
        if node.attr != request_attribute:
            return value
        line, column = node.lineno, node.col_offset + 1
        request = RequestObject(spec.kind, f"self.{node.attr}", spec.safe_attributes, self.path, line, column)
        return replace(value, request=request)

    def _same_origin(self, node: ast.Attribute, value: Value) -> Value:
        """`request.path`: a path on this site, safe to redirect to (still request data for every other sink)."""
        if node.attr not in self.model.same_origin_attributes:
            return value
        return self._redirect_back(value)

    def _request_parameter(self, node: ast.Attribute, base_value: Value) -> Value | None:
        """`request.GET` on a parameter named like a request (and still holding what was passed): the framework's
        request, however the function was registered or called."""
        base = node.value
        if not isinstance(base, ast.Name) or base_value.request is not None:
            return None
        attributes = self.model.request_parameters.get(base.id)
        source = attributes.get(node.attr) if attributes is not None else None
        if source is None or not any(label.origin == ParamOrigin(base.id) for label in base_value.labels):
            return None
        description = f"parameter `{base.id}` read as a request (`{base.id}.{node.attr}`)"
        return self._source_value(node, source.kind, description, None, certain=False)

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
                    return self._same_origin(node, self._source_value(node, source.kind, qualified, qualified))
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
            # An attribute the class inherits from a library class (`self.wfile` of a BaseHTTPRequestHandler) has
            # that class's type, so that the models see `self.wfile.write(...)`.
            inherited = self._inherited(node.attr)
            return Value(labels=frozenset({Label(FieldOrigin(self.class_name, node.attr))}), type_name=inherited)
        base = self._eval(base_node, state)
        attr = node.attr
        requested = self._request_parameter(node, base)
        if requested is not None:
            return requested
        parameter = ParamOrigin(base_node.id) if isinstance(base_node, ast.Name) else None
        untyped = parameter is not None and base.type_name is None and base.request is None
        if untyped and any(label.origin == parameter for label in base.labels):
            # A parameter of unknown type may be a request handler given to a helper: its fields, if so.
            field = Label(FieldOrigin(HANDLER_FIELD, attr))
            return Value(labels=read_attribute(base.all_labels(), attr, self.typed_params) | {field})
        if base.request is not None:
            if attr in base.request.safe_attributes:
                return EMPTY
            return self._same_origin(node, Value(labels=base.labels, type_name=None))
        type_name = f"{base.type_name}.{attr}" if base.type_name else None
        host_of = None
        if base.parsed_from is not None and base.built_by is not None:
            for guard in self.model.guards_by_callee.get(base.built_by, ()):
                if guard.type == "url-parse" and attr in guard.attributes:
                    host_of = base.parsed_from
        return Value(
            labels=read_attribute(base.all_labels(), attr, self.typed_params), type_name=type_name, host_of=host_of
        )

    def _subscript(self, node: ast.Subscript, state: State) -> Value:
        base = self._eval(node.value, state)
        index = self._eval(node.slice, state)
        if index.all_labels() and not isinstance(node.slice, ast.Slice):
            # A read `container[key]` is the model method `__getitem__` (`globals()[name]`): only with a tainted key.
            what = f"`{shorten(ast.unparse(node))}`"
            self._check_sinks_for_method(node, "__getitem__", node.value, base, [index], {}, state, what)
        type_name = self.model.return_types.get(f"{base.type_name}[]") if base.type_name else None
        if isinstance(node.slice, ast.Slice):
            lower = node.slice.lower
            keep_prefix = lower is None or (isinstance(lower, ast.Constant) and lower.value == 0)
            const = self._slice_const(base.const, node.slice, state)
            return Value(labels=base.all_labels(), prefix=base.prefix if keep_prefix else "", const=const)
        key = index.const
        if self._referrer_key(key):
            return self._redirect_back(Value(labels=base.all_labels(), type_name=type_name))
        if key is not UNKNOWN:
            found = get_item(base, key)
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
        parts: list[str | frozenset[Label]] = []  # constant text, or the labels of a formatted value
        dotless: list[bool] = []  # per formatted value: it cannot spell `..` (see `_relative_start`)
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                parts.append(part.value)
                if prefix_open:
                    prefix_parts.append(part.value)
                continue
            value = self._eval(part, state)
            parts.append(value.all_labels())
            labels.update(value.all_labels())
            dotless.append(value.dotless or not value.tainted)
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
        fixed = self._fstring_fixed_host(node, state) or self._fstring_host_untainted(node, state)
        host = _host_labels(parts) if labels and not fixed else None
        prefix = "".join(prefix_parts)
        if labels and all(dotless) and _relative_start(prefix):
            labels = {label.clearing(self.model.dotless_name_kinds) for label in labels}
        labels = set(self._host_fixed(frozenset(labels), prefix, fixed, host))
        value = Value(labels=frozenset(labels), prefix=prefix, const=const, fixed_host=fixed, host_labels=host)
        self._fetch_command(node, value)
        return value

    def _host_fixed(
        self, labels: frozenset[Label], prefix: str, fixed: bool, host: frozenset[Label] | None
    ) -> frozenset[Label]:
        """A URL whose host the code fixed (`f"https://raw.example.com/{org}/{repo}"`) stays safe as a URL wherever
        it goes (a helper that fetches any URL it is given): its labels are cleared for the URL kinds here. With the
        host's own labels known, only the labels of what follows the host are."""
        if not labels:
            return labels
        kinds = frozenset(kind for kind in self.model.url_kinds if fixed or self._fixed_url(prefix, kind))
        if kinds:
            return frozenset(label.clearing(kinds) for label in labels)
        if host is not None:
            every = self.model.url_kinds
            return frozenset(label if label in host else label.clearing(every) for label in labels)
        return labels

    def _fetch_command(self, node: ast.expr, value: Value) -> None:
        """`f"curl --insecure {url}"`: a command line that runs curl or wget fetches the URL that follows, on the
        server: that URL is a sink of the URL kinds wherever the command is run (a helper that runs any command
        cannot tell), unless the constant text already fixes its host."""
        if not value.labels or not value.prefix:
            return
        found = _FETCH_COMMAND.match(value.prefix)
        if found is None:
            return
        url = Value(labels=value.labels, prefix=value.prefix[found.end() :])
        what = f"the `{found.group(1)}` command line `{shorten(ast.unparse(node), 50)}`"
        for kind in self.model.sink_kinds("HttpRequest", ["url"]):
            self._hit(kind, node, url, what, confident=True)

    def _repetition(self, node: ast.BinOp, left: Value, right: Value, state: State) -> None:
        """`"x" * n`, `[0] * n`: a sequence repeated a number of times is the model method `__mul__` of the
        sequence, with the count as its argument (`models/stdlib/builtins.toml`)."""
        for sequence_node, sequence, count in ((node.left, left, right), (node.right, right, left)):
            if isinstance(sequence.const, (str, bytes)) or isinstance(sequence_node, (ast.List, ast.Tuple)):
                what = f"`{shorten(ast.unparse(node))}`"
                self._check_sinks_for_method(node, "__mul__", sequence_node, sequence, [count], {}, state, what)
                return

    def _binary(self, op: ast.operator, left: Value, right: Value) -> Value:
        if left.const is not UNKNOWN and right.const is not UNKNOWN:
            folded = fold(ast.BinOp(left=ast.Constant(left.const), op=op, right=ast.Constant(right.const)))
            if folded is not UNKNOWN:
                return Value(const=folded, prefix=folded if isinstance(folded, str) else "")
        labels = left.all_labels() | right.all_labels()
        if isinstance(op, ast.Add):
            if left.items is not None and right.items is not None and len(left.items) + len(right.items) <= MAX_ITEMS:
                return Value(items=left.items + right.items)
            prefix = left.const + right.prefix if isinstance(left.const, str) else left.prefix
            fixed = left.fixed_host or _chosen_base(left) or (_scheme_only(left.const) and _chosen_base(right))
            if labels and right.dotless and not left.tainted and _relative_start(prefix):
                labels = frozenset(label.clearing(self.model.dotless_name_kinds) for label in labels)
            labels = self._host_fixed(labels, prefix, fixed, None)
            return Value(labels=labels, prefix=prefix, fixed_host=fixed, dotless=left.dotless and right.dotless)
        if isinstance(op, ast.Mod):
            prefix = left.const.split("%", 1)[0] if isinstance(left.const, str) else left.prefix
            return Value(labels=labels, prefix=prefix)
        if isinstance(op, ast.Div):
            return Value(labels=labels, type_name=left.type_name)
        return Value(labels=labels)

    def _comprehension(self, node: Any, state: State) -> Value:
        inner = state.copy()
        for generator in node.generators:
            iterable = self._eval(generator.iter, inner)
            self._assign(generator.target, element_of(iterable), inner, node)
            for condition in generator.ifs:
                inner = self._refine(condition, True, inner)
        if isinstance(node, ast.DictComp):
            return tainted(self._eval(node.key, inner).all_labels() | self._eval(node.value, inner).all_labels())
        return tainted(self._eval(node.elt, inner).all_labels())

    def _fstring_fixed_host(self, node: ast.JoinedStr, state: State) -> bool:
        leading = ""
        for position, part in enumerate(node.values):
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                leading += part.value
                continue
            value = self._eval(part, state) if isinstance(part, ast.FormattedValue) else EMPTY
            if value.const is not UNKNOWN and isinstance(value.const, str):
                leading += value.const
                continue
            if not _chosen_base(value) or (leading and not _scheme_only(leading)):
                return False
            following = node.values[position + 1] if position + 1 < len(node.values) else None
            # `f"{scheme}://{host}"`: what comes first was only the scheme.
            return not (isinstance(following, ast.Constant) and str(following.value).startswith("://"))
        return False

    def _fstring_host_untainted(self, node: ast.JoinedStr, state: State) -> bool:
        """`f"https://keys.{region}.example.com/{kid}"`: the host, up to the first `/` after `://`, is made of
        constants and values the code chose; input only comes after it."""
        text = ""
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                text += part.value
            else:
                if "://" not in text:
                    return False
                if any(mark in text.split("://", 1)[1] for mark in "/?#"):
                    return True
                if self._eval(part, state).tainted if isinstance(part, ast.FormattedValue) else True:
                    return False
                text += "x"
            if "://" in text and any(mark in text.split("://", 1)[1] for mark in "/?#"):
                return True
        return False

    def _slice_const(self, base: Any, index: ast.Slice, state: State) -> Any:
        if base is UNKNOWN or not isinstance(base, (str, tuple, list)):
            return UNKNOWN
        bounds: list[int | None] = []
        for part in (index.lower, index.upper, index.step):
            if part is None:
                bounds.append(None)
                continue
            value = self._const(part, state)
            if not isinstance(value, int):
                return UNKNOWN
            bounds.append(value)
        try:
            return base[slice(*bounds)]
        except Exception:
            return UNKNOWN


def _host_labels(parts: list[str | frozenset[Label]]) -> frozenset[Label] | None:
    """`f"https://keys.{region}.example.com/{kid}"`: the labels of the scheme and host, which end at the first
    constant `/`, `?` or `#` after `://`; None when the string has no such end (all of it may be the host)."""
    text = ""
    labels: set[Label] = set()
    for part in parts:
        if isinstance(part, str):
            text += part
            if "://" in text and any(mark in text.split("://", 1)[1] for mark in "/?#"):
                return frozenset(labels)
        else:
            labels.update(part)
            text += "x"
    return None


# A command line that runs curl or wget (by name or path) with options, then the URL: `curl -sk `, `/usr/bin/wget -q `.
_FETCH_COMMAND = patterns.compile(r"^\s*(?:\S*/)?(curl|wget)(?:\s+-[^\s]+)*\s+")


def _relative_start(prefix: str) -> bool:
    """A constant start that makes a file name relative whatever follows (`original.`): not a separator, `~` or a
    drive. With no `.` from the input after it, the name cannot climb out of the directory it is joined to."""
    return bool(prefix) and prefix[0] not in "/\\~" and ":" not in prefix


_SCHEME_ONLY = patterns.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://$")


def _scheme_only(text: Any) -> bool:
    return isinstance(text, str) and bool(_SCHEME_ONLY.match(text))


def _chosen_base(value: Value) -> bool:
    """An untainted value the code chose, not a constant: a configured base URL or host."""
    return not value.tainted and value.const is UNKNOWN and not value.prefix and value.items is None
