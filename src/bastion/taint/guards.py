"""Conditions that make a value safe in the branch where they hold: allowlists, equality with a constant,
validating calls (`re.fullmatch`), path containment checks (`commonpath`, `is_relative_to`)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace

from bastion.models.loader import ALL_KINDS, GuardModel
from bastion.semantic.calls import argument
from bastion.semantic.constants import UNKNOWN
from bastion.taint.context import FunctionContext
from bastion.taint.folding import literal
from bastion.taint.state import State
from bastion.taint.values import EMPTY_LABELS, Value, clear_value

_ALL = frozenset({ALL_KINDS})


class GuardAnalysis(FunctionContext):
    """The guards section: which conditions clear which variables in the branch where they hold."""

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
                yield from self._traversal_guard(test.values, truth, state)
            return
        if isinstance(test, ast.NamedExpr):
            yield from self._guards(test.value, truth, state)
            return
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            yield from self._compare_guard(test, truth, state)
            return
        if isinstance(test, ast.Compare) and truth:
            # `0 < n <= LIMIT` holds: every link of the chain holds.
            sides = [test.left, *test.comparators]
            for left, op, right in zip(sides, test.ops, sides[1:], strict=False):
                if isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
                    yield from self._upper_bound_guard(op, left, right, truth)
            return
        if isinstance(test, ast.Call) and truth:
            yield from self._call_guard(test, state)

    def _traversal_guard(
        self, parts: list[ast.expr], truth: bool, state: State
    ) -> Iterator[tuple[str, frozenset[str], Value | None]]:
        """Conditions that all hold: a name known both not absolute and free of `..` is a safe relative name; the
        member or path object it is the `.name` of is cleared too (`tar.extract(entry)` after checking
        `entry.name`)."""
        facts: dict[str, set[str]] = {}
        kinds: frozenset[str] = frozenset()
        for part in parts:
            subject, fact, guard_kinds = self._traversal_fact(part, truth)
            if subject is not None:
                facts.setdefault(subject, set()).add(fact)
                kinds |= guard_kinds
        for key, found in facts.items():
            if found == {"relative", "no-dotdot"}:
                yield key, kinds, None
                base, _, attr = key.rpartition(".")
                if base and attr in ("name", "path", "filename"):
                    yield base, kinds, None

    def _traversal_fact(self, part: ast.expr, truth: bool) -> tuple[str | None, str, frozenset[str]]:
        if isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.Not):
            return self._traversal_fact(part.operand, not truth)
        if isinstance(part, ast.Call) and not truth:
            callee = self._callee(part, None)
            guards = [g for g in self.model.guards_by_callee.get(callee or "", ()) if g.type == "absolute-path-check"]
            if guards and part.args:
                return self._key(part.args[0]), "relative", guards[0].kinds
            func = part.func
            if isinstance(func, ast.Attribute):
                for guard in self.model.guards_by_method.get(func.attr, ()):
                    if guard.type == "absolute-path-check":
                        return self._key(func.value), "relative", guard.kinds
        if isinstance(part, ast.Compare) and len(part.ops) == 1:
            op, left = part.ops[0], part.left
            climbs = isinstance(left, ast.Constant) and isinstance(left.value, str) and left.value.startswith("..")
            excluded = (isinstance(op, ast.In) and not truth) or (isinstance(op, ast.NotIn) and truth)
            if climbs and excluded:
                return self._key(part.comparators[0]), "no-dotdot", frozenset()
        return None, "", frozenset()

    def _compare_guard(
        self, test: ast.Compare, truth: bool, state: State
    ) -> Iterator[tuple[str, frozenset[str], Value | None]]:
        op = test.ops[0]
        left, right = test.left, test.comparators[0]
        if isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
            yield from self._upper_bound_guard(op, left, right, truth)
            return
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
        elif isinstance(op, (ast.Eq, ast.Is, ast.NotEq, ast.IsNot)):  # where `==` holds (`!=` does not)
            for subject, other in ((left, right), (right, left)):
                const = self._const(other, state)
                if const is not UNKNOWN and literal(const):
                    yield from self._subject_guard(
                        subject, state, Value(const=const, prefix=const if isinstance(const, str) else "")
                    )
                elif not isinstance(other, ast.Constant) and (key := self._key(subject)) is not None:
                    # `if path != share.mac + ".png": abort(404)`: past the check, `path` is that other value, with
                    # what is known of it (its taint, if any) instead of its own.
                    yield key, _ALL, self._eval(other, state)
        yield from self._commonpath_guard(test, truth, state)

    def _is_allowlist(self, node: ast.expr, state: State) -> bool:
        """A collection the code chose: a constant one (folded here, or a name written as a constant, `ALLOWED_HOSTS`,
        imported), or one built from the server's own data with nothing from the input or from the function's
        callers in it (`[name for name in os.listdir(PLUGINS) if ...]`): a member of it is one of its values."""
        value = self._eval(node, state)
        if value.tainted:
            return False
        allowed = value.const
        if allowed is not UNKNOWN:
            return isinstance(allowed, (list, tuple, set, frozenset, dict))  # `x in "abc"` tests a substring
        return True

    def _upper_bound_guard(
        self, op: ast.cmpop, left: ast.expr, right: ast.expr, truth: bool
    ) -> Iterator[tuple[str, frozenset[str], Value | None]]:
        """`n <= LIMIT` where it holds, or `n > LIMIT` where it does not (after `if n > LIMIT: abort(400)`): `n` is
        bounded above, so it no longer sizes an allocation or a loop without limit."""
        below = isinstance(op, (ast.Lt, ast.LtE)) == truth  # left < right where this branch runs
        subject = left if below else right
        key = self._key(subject)
        if key is not None and self.model.bounded_kinds:
            yield key, self.model.bounded_kinds, None

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
            yield host_of, self.model.url_kinds, None

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
                elif isinstance(element, ast.Call) and element.args and self._eval(element, state).resolved:
                    # `commonprefix((os.path.realpath(path), BASE)) == BASE`: `path` itself resolves inside BASE.
                    inner = self._key(element.args[0])
                    if inner is not None:
                        yield inner, guards[0].kinds, None

    def _call_guard(self, test: ast.Call, state: State) -> Iterator[tuple[str, frozenset[str], Value | None]]:
        func = test.func
        callee = self._callee(test, None)
        guards = self.model.guards_by_callee.get(callee or "", ())
        if not guards and callee is not None and not self.model.is_library(callee):
            guards = self.model.guards_by_name.get(callee.rsplit(".", 1)[-1], ())
        for guard in guards:
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
