"""Run the enabled rules over one file: a single traversal of the AST for every AST rule."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from bastion.core.config import BastionConfig
from bastion.core.finding import Finding
from bastion.core.notice import Notice, NoticeKind
from bastion.rules.base import AstRule, FactCollector, ModuleContext, TextContext, TextRule
from bastion.semantic.constants import UNKNOWN, fold, is_literal_only
from bastion.semantic.module import PythonModule
from bastion.source.reading import TextDocument

_SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_comment"})
_child_fields_cache: dict[type[ast.AST], tuple[str, ...]] = {}
# Nodes without children worth visiting; skipped unless a rule asks for their type.
_LEAF_TYPES = (ast.Name, ast.Constant, ast.alias, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal)


def _child_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    fields = _child_fields_cache.get(kind)
    if fields is None:
        fields = tuple(name for name in kind._fields if name not in _SKIPPED_FIELDS)
        _child_fields_cache[kind] = fields
    return fields


class CurrentPass:
    """Which pass over a file is running, so that a notice can say what the time budget interrupted."""

    __slots__ = ("name",)

    def __init__(self, name: str = "the reader") -> None:
        self.name = name


class RuleCrash(Exception):
    def __init__(self, rule: AstRule | TextRule | FactCollector, error: BaseException) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.rule = rule
        self.error = error


class AstDispatcher:
    """Walks a module once and hands each node to the rules that asked for its type (and callee)."""

    def __init__(self, rules: Sequence[AstRule]) -> None:
        self.by_type: dict[type[ast.AST], list[AstRule]] = {}
        self.calls_by_name: dict[str, list[AstRule]] = {}
        self.calls_any: list[AstRule] = []
        for rule in rules:
            for node_type in rule.node_types:
                if node_type is ast.Call:
                    if rule.callees is None:
                        self.calls_any.append(rule)
                    else:
                        for callee in rule.callees:
                            self.calls_by_name.setdefault(callee, []).append(rule)
                else:
                    self.by_type.setdefault(node_type, []).append(rule)
        self.wants_calls = bool(self.calls_any or self.calls_by_name)
        # `a.b.c(...)` resolves to something ending in `.c`: when no rule wants a callee ending in `c` (and no
        # rule wants every call), the call need not be resolved at all. Most method calls end here.
        self.callee_tails = frozenset(name.rsplit(".", 1)[-1] for name in self.calls_by_name)
        self.leaves = frozenset(kind for kind in _LEAF_TYPES if kind not in self.by_type)
        self.empty = not self.by_type and not self.wants_calls

    def run(self, module: PythonModule, config: BastionConfig) -> tuple[list[Finding], list[Notice]]:
        run = _DispatchRun(self, module, config)
        if not self.empty:
            run.visit(module.tree)
        return run.findings, run.notices


class _DispatchRun:
    def __init__(self, dispatcher: AstDispatcher, module: PythonModule, config: BastionConfig) -> None:
        self.dispatcher = dispatcher
        self.module = module
        self.index = module.index
        self.ctx = ModuleContext(module, config, module.index.module_scope)
        self.findings: list[Finding] = []
        self.notices: list[Notice] = []
        self.crashed: set[str] = set()

    def visit(self, node: ast.AST) -> None:
        ctx = self.ctx
        ancestors = ctx.ancestors
        ancestors.append(node)
        kind = type(node)
        dispatcher = self.dispatcher
        if kind is ast.Call and dispatcher.wants_calls:
            self._dispatch_call(node)  # type: ignore[arg-type]
        rules = dispatcher.by_type.get(kind)
        if rules:
            self._dispatch(node, rules)
        if kind in _SCOPE_NODES:
            self._visit_scope(node)  # type: ignore[arg-type]
        elif kind is ast.If or kind is ast.While or kind is ast.IfExp:
            self._visit_branches(node)  # type: ignore[arg-type]
        else:
            self._visit_children(node, kind)
        ancestors.pop()

    def _visit_children(self, node: ast.AST, kind: type[ast.AST]) -> None:
        visit = self.visit
        skip = self.dispatcher.leaves
        fields = _child_fields_cache.get(kind) or _child_fields(kind)
        for name in fields:
            value = getattr(node, name, None)
            if value is None:
                continue
            if type(value) is list:
                for item in value:
                    # Names and constants are leaves no rule asked for: not worth a call each.
                    if type(item) not in skip and isinstance(item, ast.AST):
                        visit(item)
            elif type(value) not in skip and isinstance(value, ast.AST):
                visit(value)

    def _visit_scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda) -> None:
        # Decorators, defaults, bases and annotations are evaluated in the enclosing scope; the body in its own.
        visit = self.visit
        if not isinstance(node, ast.Lambda):
            for decorator in node.decorator_list:
                visit(decorator)
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                visit(base)
            for keyword in node.keywords:
                visit(keyword)
        else:
            arguments = node.args
            for default in (*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)):
                visit(default)
            if not isinstance(node, ast.Lambda):
                for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
                    visit(arg)
                if node.returns is not None:
                    visit(node.returns)
        outer = self.ctx.scope
        self.ctx.scope = self.index.child_scope(node, outer)
        try:
            if isinstance(node, ast.Lambda):
                visit(node.body)
            else:
                for statement in node.body:
                    visit(statement)
        finally:
            self.ctx.scope = outer

    def _visit_branches(self, node: ast.If | ast.While | ast.IfExp) -> None:
        self.visit(node.test)
        verdict = _constant_test(node.test)
        if verdict is not False:
            body = node.body
            for child in body if isinstance(body, list) else [body]:
                self.visit(child)
        if verdict is not True or isinstance(node, ast.While):
            orelse = node.orelse
            for child in orelse if isinstance(orelse, list) else [orelse]:
                self.visit(child)

    def _dispatch_call(self, node: ast.Call) -> None:
        dispatcher = self.dispatcher
        func = node.func
        if type(func) is ast.Attribute and not dispatcher.calls_any and func.attr not in dispatcher.callee_tails:
            self.ctx.call_name = None
            return
        name = self.index.qualified_name(func, self.ctx.scope)
        self.ctx.call_name = name
        if name is not None:
            rules = dispatcher.calls_by_name.get(name)
            if rules:
                self._dispatch(node, rules)
        if dispatcher.calls_any:
            self._dispatch(node, dispatcher.calls_any)

    def _dispatch(self, node: ast.AST, rules: Iterable[AstRule]) -> None:
        for rule in rules:
            if rule.code in self.crashed:
                continue
            try:
                self.findings.extend(rule.check(node, self.ctx))
            except RecursionError:
                raise
            except Exception as error:
                self.crashed.add(rule.code)
                self.notices.append(crash_notice(rule, self.module.rel, error, getattr(node, "lineno", None)))


def _constant_test(test: ast.expr) -> bool | None:
    """True/False when a condition is a constant made of literals only (`if False:`, `if 7 * 18 > 200:`)."""
    if not isinstance(test, (ast.Constant, ast.UnaryOp, ast.BinOp, ast.Compare, ast.BoolOp)):
        return None
    if not is_literal_only(test):
        return None
    value = fold(test)
    if value is UNKNOWN:
        return None
    try:
        return bool(value)
    except Exception:
        return None


def crash_notice(rule: Any, path: str, error: BaseException, line: int | None = None) -> Notice:
    code = getattr(rule, "code", "") or getattr(rule, "name", type(rule).__name__)
    return Notice(
        NoticeKind.INTERNAL_ERROR,
        f"internal error in {code} ({type(rule).__name__}): {type(error).__name__}: {error}; "
        "the rest of the scan went on. Please report this with the file that caused it.",
        path=path,
        line=line,
        rule=code or None,
    )


def run_text_rules(
    document: TextDocument,
    rules: Sequence[TextRule],
    config: BastionConfig,
    findings: list[Finding],
    notices: list[Notice],
    current: CurrentPass | None = None,
) -> None:
    """Each rule's findings go into `findings` as soon as it finishes (a time budget may stop a later one)."""
    ctx = TextContext(document, config)
    for rule in rules:
        if current is not None:
            current.name = f"rule {rule.code}"
        try:
            findings.extend(rule.check_text(document, ctx))
        except Exception as error:
            notices.append(crash_notice(rule, document.rel, error))


def run_collectors(
    collect: Callable[[FactCollector], Any],
    collectors: Sequence[FactCollector],
    path: str,
    facts: dict[str, Any],
    notices: list[Notice],
    current: CurrentPass | None = None,
) -> None:
    """Each collector's facts go into `facts` as soon as it finishes (a time budget may stop a later one)."""
    for collector in collectors:
        if current is not None:
            current.name = f"the {collector.name} fact collector"
        try:
            value = collect(collector)
        except RecursionError:
            notices.append(
                Notice(
                    NoticeKind.CUT_SHORT,
                    f"code nested too deeply for {collector.name}; what it collects from this file is missing",
                    path,
                )
            )
            continue
        except Exception as error:
            notices.append(crash_notice(collector, path, error))
            continue
        if value is not None:
            facts[collector.name] = value
