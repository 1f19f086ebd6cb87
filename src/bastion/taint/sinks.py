"""Sinks: calls (and stores such as `response.headers[...] = ...`) that the models name as dangerous for some
sink kind, and what reaches them."""

from __future__ import annotations

import ast

from bastion.concepts.dataflow import SHELL_COMMAND_FLAGS, SHELL_PROGRAMS, TAR_PROGRAMS, clears
from bastion.core import patterns
from bastion.models.loader import SinkModel
from bastion.semantic.calls import argument, keyword
from bastion.taint.context import shorten
from bastion.taint.facts import SinkHit
from bastion.taint.folding import truthy
from bastion.taint.guards import GuardAnalysis
from bastion.taint.state import State
from bastion.taint.values import EMPTY, Value, tainted, union_labels


class SinkAnalysis(GuardAnalysis):
    """The sinks section: record, per call, which sink kinds receive which values."""

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
            matched = [
                (sink, False) for sink in self._method_sinks(node, callee, method) if callee not in sink.not_callees
            ]
        consumed: set[int] = set()
        if not matched:
            return consumed
        values = self._argument_values(node, positional, keywords)
        for sink, confident in matched:
            if not self._sink_applies(sink, node, values, state):
                continue
            reported = self._apply_sink(sink, node, receiver, values, positional, keywords, confident, callee)
            if sink.passes_on:
                continue
            consumed.update(reported)
            if not sink.returns_input:
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
        what: str | None = None,
    ) -> None:
        """Stores such as `response.headers["X"] = value` are calls of `__setitem__` for the models (and `"x" * n`
        of `__mul__`); `what` names the operation in messages."""
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
                described = what or f"`{shorten(ast.unparse(receiver_node))}[...] = ...`"
                self._hit(sink.kind, node, value, described, confident)

    def _retyped_as_non_html(self, call: ast.Call, state: State) -> bool:
        """`r = make_response(text)` then `r.mimetype = "text/plain"` (or `content_type`, or the Content-Type
        header) in the same function: the browser is told the body is not HTML, so it renders no markup."""
        names = {
            target.id
            for statement in ast.walk(self.node)
            if isinstance(statement, ast.Assign) and statement.value is call
            for target in statement.targets
            if isinstance(target, ast.Name)
        }
        return self.declared_non_html(names, state)

    def declared_non_html(self, names: set[str], state: State) -> bool:
        """Whether the function sets a non-HTML content type on a response object held by one of `names`."""
        if not names:
            return False
        for statement in ast.walk(self.node):
            if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
                continue
            if not _sets_content_type(statement.targets[0], names) or isinstance(statement.value, ast.Call):
                continue
            given = self._const(statement.value, state)
            if isinstance(given, str) and "html" not in given.lower():
                return True
        return False

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
        if sink.when_keyword_true is not None and not truthy(self._const(keyword(node, sink.when_keyword_true), state)):
            return False
        if sink.unless_keyword_true is not None and truthy(self._const(keyword(node, sink.unless_keyword_true), state)):
            return False
        if sink.unless_keyword_present is not None and keyword(node, sink.unless_keyword_present) is not None:
            return False
        for name in sink.content_type_keywords:
            given = self._const(keyword(node, name), state)
            if isinstance(given, str) and "html" not in given.lower():
                return False
        if sink.html_keyword is not None:
            given = self._const(keyword(node, sink.html_keyword), state)
            if not isinstance(given, str) or "html" not in given.lower():
                return False
        if (sink.content_type_keywords or sink.headers_arguments) and self._retyped_as_non_html(node, state):
            return False
        for position in sink.headers_arguments:
            headers = argument(node, position, "headers")
            if headers is not None and declares_non_html(values.get(id(headers)) or self._eval(headers, state)):
                return False
        for safe in sink.unless_arguments:
            expr = argument(node, safe.position if safe.position is not None else 10_000, safe.keyword)
            if expr is not None:
                named = self._qualified(expr)
                if named is not None and named.replace("().", ".") in safe.names:
                    return False
                if safe.values and self._const(expr, state) in safe.values:
                    return False
                if safe.suffixes and self._names_file_ending(expr, safe.suffixes, state):
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

    def _names_file_ending(self, expr: ast.expr, suffixes: tuple[str, ...], state: State) -> bool:
        """Whether `expr` names a file with one of `suffixes` (`".zip"`): a constant or formatted name ending so,
        `path.with_suffix(".zip")`, or a variable the code calls by that kind of file (`self.zip`, `backup_zip`)."""
        wanted = tuple(suffix.lower() for suffix in suffixes)
        const = self._const(expr, state)
        if isinstance(const, str):
            return const.lower().endswith(wanted)
        if isinstance(expr, ast.JoinedStr) and expr.values:
            last = expr.values[-1]
            return isinstance(last, ast.Constant) and str(last.value).lower().endswith(wanted)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            tail = self._const(expr.right, state)
            return isinstance(tail, str) and tail.lower().endswith(wanted)
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and func.attr == "with_suffix" and expr.args:
                return self._names_file_ending(expr.args[0], suffixes, state)
            callee = self._qualified(func)
            if callee in _PATH_WRAPPERS and len(expr.args) == 1:
                return self._names_file_ending(expr.args[0], suffixes, state)
            return False
        name = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""
        words = {word for word in name.lower().split("_") if word}
        return any(suffix.lstrip(".") in words for suffix in wanted)

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
        what = f"`{shorten(ast.unparse(node.func), 50)}(...)`"
        consumed: set[int] = set()
        if sink.receiver:
            if receiver is not None:
                self._hit(sink.kind, node, receiver, what, confident)
                consumed.add(id(node.func))
            return consumed
        if sink.all_arguments:
            escaped = _repr_formatted_arguments(node) if sink.escaped_by_repr else frozenset()
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
                sink.shell_argv_kind is not None
                and len(items) > 2
                and items[0].const in SHELL_PROGRAMS
                and items[1].const in SHELL_COMMAND_FLAGS
            ):
                self._hit(sink.shell_argv_kind, node, items[2], what, confident)
            if sink.extract_argv_kind is not None and items[0].const in TAR_PROGRAMS and _tar_extracts(items[1:]):
                for element in items[1:]:
                    self._hit(sink.extract_argv_kind, node, element, what, confident)
            if sink.element < len(items):
                self._hit(sink.kind, node, items[sink.element], what, confident)
            return consumed
        self._hit(sink.kind, node, value, what, confident)
        return consumed

    def _hit(self, kind: str, node: ast.AST, value: Value, what: str, confident: bool) -> None:
        if value.request is not None:
            return  # the request object itself (its repr, a helper given it): only what is read from it is data
        if kind in self.model.url_kinds and (value.fixed_host or self._fixed_url(value.prefix, kind)):
            return
        reaching = value.all_labels()
        if kind in self.model.url_kinds and value.host_labels is not None:
            reaching = value.host_labels  # only the scheme and host decide which server is requested
        labels = frozenset(label for label in reaching if not clears(label.cleared, kind))
        if not labels:
            return
        line = getattr(node, "lineno", 1)
        column = getattr(node, "col_offset", 0) + 1
        end_line = getattr(node, "end_lineno", None) or line
        end_column = (getattr(node, "end_col_offset", None) or 0) + 1
        self.facts.sinks.append(SinkHit(kind, line, column, end_line, end_column, labels, what, confident))

    def _check_store_sinks(self, target: ast.Attribute, value: Value) -> None:
        """`resp.text = html`: an attribute store a model names as a sink (on an object the same function declares
        to hold HTML, when the model asks for that)."""
        for sink in self.model.sinks_by_store.get(target.attr, ()):
            html = sink.html_attribute
            if html is not None and self._key(target.value) not in self._html_objects(html):
                continue
            self._hit(sink.kind, target, value, f"`{shorten(ast.unparse(target), 50)} = ...`", confident=True)

    def _html_objects(self, attribute: str) -> frozenset[str]:
        """Objects whose `attribute` this function sets to a constant naming HTML (`resp.content_type = ...`)."""
        cached = self.html_objects.get(attribute)
        if cached is not None:
            return cached
        found: set[str] = set()
        for node in ast.walk(self.node):
            if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Constant):
                continue
            if not isinstance(node.value.value, str) or "html" not in node.value.value.lower():
                continue
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == attribute:
                    key = self._key(target.value)
                    if key is not None:
                        found.add(key)
        self.html_objects[attribute] = frozenset(found)
        return self.html_objects[attribute]

    def _fixed_url(self, prefix: str, kind: str) -> bool:
        """A constant prefix that already fixes where a URL points: the host, or a local path for redirects."""
        if _FIXED_URL.match(prefix):
            return True
        return kind in self.model.local_path_kinds and len(prefix) >= 2 and prefix[0] == "/" and prefix[1] not in "/\\"


# Calls that turn a path into another form of the same path (the file it names keeps its suffix).
_PATH_WRAPPERS = frozenset({"builtins.str", "os.fspath", "pathlib.Path", "pathlib.PurePath", "os.path.abspath"})
_FIXED_URL = patterns.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\s{}]+[/?#]")


def _tar_extracts(arguments: tuple[Value, ...]) -> bool:
    """`-xf`, `--extract`, `xzf` (the old form, first argument only): tar is asked to extract."""
    for position, given in enumerate(arguments):
        text = given.const
        if not isinstance(text, str):
            continue
        if text in ("--extract", "--get") or (text.startswith("-") and not text.startswith("--") and "x" in text):
            return True
        if position == 0 and text.isalpha() and "x" in text:
            return True
    return False


def declares_non_html(headers: Value) -> bool:
    for name, value in headers.keys or ():
        if isinstance(name, str) and name.lower() == "content-type" and isinstance(value.const, str):
            return "html" not in value.const.lower()
    return False


_PERCENT_FIELD = patterns.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")


def _repr_formatted_arguments(node: ast.Call) -> frozenset[int]:
    """Positions of a logging call's arguments that its format string writes with `%r`/`%a`: `repr` escapes
    CR and LF, so such an argument cannot forge a log line (`log.info("path %r", request.path)`)."""
    if not node.args or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
        return frozenset()
    conversions = [match for match in _PERCENT_FIELD.findall(node.args[0].value) if match != "%"]
    return frozenset(position + 1 for position, conversion in enumerate(conversions) if conversion in "ra")


def _sets_content_type(target: ast.expr, names: set[str]) -> bool:
    """`r.mimetype = ...`, `r.content_type = ...`, `r.headers["Content-Type"] = ...` on one of `names`."""
    if isinstance(target, ast.Attribute) and target.attr in ("mimetype", "content_type"):
        return isinstance(target.value, ast.Name) and target.value.id in names
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute):
        headers = target.value
        key = target.slice
        return (
            headers.attr == "headers"
            and isinstance(headers.value, ast.Name)
            and headers.value.id in names
            and isinstance(key, ast.Constant)
            and isinstance(key.value, str)
            and key.value.lower() == "content-type"
        )
    return False
