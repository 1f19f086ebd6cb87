"""The rule framework: the three kinds of rule, the contexts they are given, and fact collectors.

- `AstRule`: looks at nodes of one Python module. All enabled AST rules share one traversal per file; a rule
  names the node types it wants, and `ast.Call` rules may name the qualified callees they care about, so that
  the traversal resolves each call once and hands it only to the rules that asked for that name.
- `TextRule`: looks at the decoded text of files it `applies_to` (secrets in `.env`, a Dockerfile ...).
- `ProjectRule`: runs once per scan over facts gathered from every file by `FactCollector`s (taint summaries,
  framework settings, manifests). Collectors run in the per-file workers; facts must pickle.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from bastion.core.config import BastionConfig
from bastion.core.finding import Finding, FlowStep, Location
from bastion.core.fix import Fix
from bastion.core.notice import Notice, NoticeKind
from bastion.core.rule import Rule
from bastion.core.severity import Confidence, Severity
from bastion.semantic.edits import ModuleEditor
from bastion.semantic.index import ModuleIndex, Scope
from bastion.semantic.module import PythonModule, build_module
from bastion.source.discovery import SourceFile
from bastion.source.reading import ReadError, TextDocument, read_document

if TYPE_CHECKING:
    from bastion.deps.model import Manifest
    from bastion.deps.services.interface import VulnerabilityService


class ConfiguredRule(Rule):
    """A rule instance, built once per process with the scan's configuration."""

    def __init__(self, config: BastionConfig) -> None:
        self.config = config


class AstRule(ConfiguredRule):
    node_types: ClassVar[tuple[type[ast.AST], ...]] = ()
    # For `ast.Call` rules: the qualified callee names this rule cares about; None means every call.
    callees: ClassVar[frozenset[str] | None] = None

    def check(self, node: Any, ctx: ModuleContext) -> Iterable[Finding]:
        raise NotImplementedError


class TextRule(ConfiguredRule):
    def applies_to(self, file: SourceFile) -> bool:
        raise NotImplementedError

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterable[Finding]:
        raise NotImplementedError


class FactCollector:
    """Gathers facts from each file for project rules. One instance per process.

    Facts are values of the classes in `fact_types` (frozen dataclasses and what their fields hold): they cross
    from the workers and are kept in the result cache as codec text (`bastion.core.codec`), which rebuilds only
    those classes."""

    name: ClassVar[str] = ""
    # The classes `collect_module`/`collect_text` return (the codec also learns every class their fields name).
    fact_types: ClassVar[tuple[type, ...]] = ()

    def __init__(self, config: BastionConfig) -> None:
        self.config = config

    def collect_module(self, module: PythonModule) -> Any:
        """Facts about a Python module, or None."""
        return None

    def wants_text(self, file: SourceFile) -> bool:
        """Whether `collect_text` should see this non-Python file."""
        return False

    def collect_text(self, document: TextDocument) -> Any:
        return None


class EncodedFacts(str):
    """One file's facts from one collector, as codec text (`bastion.core.codec`), until a project rule asks."""

    __slots__ = ()


class ProjectRule(ConfiguredRule):
    collectors: ClassVar[tuple[type[FactCollector], ...]] = ()
    # True when the rule's findings and notices depend on nothing but its collectors' facts, the text of the files
    # those facts come from and the configuration (no service, no git, no other file): its output is then kept in
    # the result cache and reused while none of those files changes.
    pure: ClassVar[bool] = False

    def check_project(self, project: ProjectContext) -> Iterable[Finding]:
        raise NotImplementedError


def _snippet(line: str) -> str:
    # Indentation is kept so that reports can place the caret; reports strip it for display.
    return line.rstrip()[:400]


@dataclass
class ModuleContext:
    """What an AST rule sees while the traversal stands on a node."""

    module: PythonModule
    config: BastionConfig
    scope: Scope
    ancestors: list[ast.AST] = field(default_factory=list)
    # The qualified name of the callee of the `ast.Call` being dispatched (resolved once for all rules).
    call_name: str | None = None
    _editor: ModuleEditor | None = field(default=None, repr=False)

    @property
    def index(self) -> ModuleIndex:
        return self.module.index

    @property
    def editor(self) -> ModuleEditor:
        """Writes the edits of a fix at the places of this module's nodes."""
        if self._editor is None:
            self._editor = ModuleEditor(self.module)
        return self._editor

    @property
    def path(self) -> str:
        return self.module.rel

    @property
    def parent(self) -> ast.AST | None:
        """The parent of the node being checked."""
        return self.ancestors[-2] if len(self.ancestors) >= 2 else None

    def qualified_name(self, expr: ast.AST) -> str | None:
        return self.module.index.qualified_name(expr, self.scope)

    def constant(self, expr: ast.AST | None) -> Any:
        """The constant value of `expr` (following names bound once to constants), or `UNKNOWN`."""
        if expr is None:
            from bastion.semantic.constants import UNKNOWN

            return UNKNOWN
        return self.module.index.constant_value(expr, self.scope)

    def location(self, node: ast.AST) -> Location:
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        text = self.module.document.line(line)
        column = _char_column(text, getattr(node, "col_offset", 0)) + 1
        end_text = text if end_line == line else self.module.document.line(end_line)
        end_offset = getattr(node, "end_col_offset", None)
        end_column = _char_column(end_text, end_offset) + 1 if end_offset is not None else None
        return Location(self.path, line, column, end_line, end_column)

    def finding(
        self,
        rule: Rule,
        node: ast.AST,
        message: str,
        *,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        fix_hint: str | None = None,
        flow: Sequence[FlowStep] = (),
        properties: Mapping[str, Any] | None = None,
        context: str | None = None,
        snippet: str | None = None,
        fix: Fix | None = None,
    ) -> Finding:
        location = self.location(node)
        line_text = snippet if snippet is not None else _snippet(self.module.document.line(location.line))
        return Finding(
            code=rule.code,
            message=message,
            location=location,
            severity=severity if severity is not None else rule.severity,
            confidence=confidence if confidence is not None else rule.confidence,
            fix_hint=fix_hint if fix_hint is not None else rule.fix_hint,
            snippet=line_text,
            scope=self.scope.qualname,
            context=context if context is not None else "",
            flow=tuple(flow),
            properties=properties or {},
            fix=fix,
        )


@dataclass
class TextContext:
    document: TextDocument
    config: BastionConfig

    @property
    def path(self) -> str:
        return self.document.rel

    def finding(
        self,
        rule: Rule,
        line: int,
        message: str,
        *,
        column: int = 1,
        end_line: int | None = None,
        end_column: int | None = None,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        fix_hint: str | None = None,
        snippet: str | None = None,
        context: str | None = None,
        properties: Mapping[str, Any] | None = None,
        fix: Fix | None = None,
    ) -> Finding:
        return Finding(
            code=rule.code,
            message=message,
            location=Location(self.path, line, column, end_line, end_column),
            severity=severity if severity is not None else rule.severity,
            confidence=confidence if confidence is not None else rule.confidence,
            fix_hint=fix_hint if fix_hint is not None else rule.fix_hint,
            snippet=snippet if snippet is not None else _snippet(self.document.line(line)),
            context=context or "",
            properties=properties or {},
            fix=fix,
        )


@dataclass
class ScanServices:
    """Outside services the project rules may use. Families add their service here (dependency audit ...)."""

    offline: bool = False
    # The dependency audit's advisories: None means OSV online, unless `offline` (then the audit is skipped).
    vulnerabilities: VulnerabilityService | None = None
    # Installed environments to audit beside the manifests found in the tree (`bastion deps --env`).
    environments: tuple[Manifest, ...] = ()


class ProjectMemo(Protocol):
    """Where a project rule may keep parts of its work between scans (the result cache): text under keys it
    derives with `key` (which adds everything the scan's results depend on: bastion's code, settings, rules)."""

    def key(self, *parts: str) -> str: ...

    def recall(self, keys: Sequence[str]) -> Mapping[str, str]: ...

    def keep(self, key: str, text: str) -> None: ...

    def discard(self, key: str, what: str) -> None:
        """A recalled entry that would not decode: dropped, with a notice."""
        ...


@dataclass
class ProjectContext:
    """What a project rule sees: every file the scan reached, the facts collected from them, and services."""

    root: Path
    files: Sequence[SourceFile]
    config: BastionConfig
    facts: Mapping[str, Mapping[str, Any]]
    services: ScanServices
    # The paths the user asked to scan, relative to the root ("." for the root itself). A rule that looks
    # beyond the discovered files (git's index, say) must stay inside them.
    scanned: tuple[str, ...] = (".",)
    notices: list[Notice] = field(default_factory=list)
    _documents: dict[str, TextDocument | None] = field(default_factory=dict, repr=False)
    _modules: dict[str, PythonModule | None] = field(default_factory=dict, repr=False)
    _by_rel: dict[str, SourceFile] | None = field(default=None, repr=False)
    # Facts arrive as codec text (`EncodedFacts`) and are decoded when a rule first asks for a collector's.
    decode: Callable[[EncodedFacts], Any] | None = field(default=None, repr=False)
    # Called with (collector name, path) when a file's stored facts do not decode: facts analysed afresh.
    refresh: Callable[[str, str], Any] | None = field(default=None, repr=False)
    _decoded: dict[str, Mapping[str, Any]] = field(default_factory=dict, repr=False)
    # The result cache, when the scan has one (for rules that keep parts of their work: the taint solve).
    memo: ProjectMemo | None = field(default=None, repr=False)

    def in_scope(self, rel: str) -> bool:
        """Whether a root-relative path lies inside what the user asked to scan."""
        return any(
            target in (".", "") or rel == target or rel.startswith(target.rstrip("/") + "/") for target in self.scanned
        )

    def file(self, rel: str) -> SourceFile | None:
        if self._by_rel is None:
            self._by_rel = {source.rel: source for source in self.files}
        return self._by_rel.get(rel)

    def document(self, rel: str) -> TextDocument | None:
        """The decoded text of a scanned file (read once, cached), or None if it cannot be read."""
        if rel not in self._documents:
            source = self.file(rel)
            document = None
            if source is not None:
                try:
                    document = read_document(source, max_size=self.config.max_file_size)
                except ReadError:
                    document = None
            self._documents[rel] = document
        return self._documents[rel]

    def python_module(self, rel: str) -> PythonModule | None:
        """A scanned Python file parsed again, for a project rule that writes a fix at one of its nodes."""
        if rel not in self._modules:
            document = self.document(rel)
            module = None
            if document is not None and document.is_python:
                try:
                    module = build_module(document, ast.parse(document.text, filename=rel))
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    module = None
            self._modules[rel] = module
        return self._modules[rel]

    def source_line(self, rel: str, line: int) -> str:
        document = self.document(rel)
        return _snippet(document.line(line)) if document is not None else ""

    def facts_of(self, collector: type[FactCollector]) -> Mapping[str, Any]:
        """Facts from `collector`, keyed by file path (relative to the root)."""
        decoded = self._decoded.get(collector.name)
        if decoded is None:
            decoded = {}
            for rel, value in self.facts.get(collector.name, {}).items():
                facts = self._decoded_facts(collector.name, rel, value)
                if facts is not None:
                    decoded[rel] = facts
            self._decoded[collector.name] = decoded
        return decoded

    def file_facts(self, collector: type[FactCollector], rel: str) -> Any:
        """One file's facts from `collector` (None if it has none), decoding only that file's."""
        decoded = self._decoded.get(collector.name)
        if decoded is not None:
            return decoded.get(rel)
        return self._decoded_facts(collector.name, rel, self.facts.get(collector.name, {}).get(rel))

    def _decoded_facts(self, name: str, rel: str, value: Any) -> Any:
        if not isinstance(value, EncodedFacts):
            return value
        if self.decode is None:
            raise TypeError("encoded facts and no decoder")
        try:
            return self.decode(value)
        except ValueError:  # codec errors: a damaged cache entry; the file's facts are gathered again
            return self.refresh(name, rel) if self.refresh is not None else None

    def notice(
        self,
        kind: NoticeKind,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        rule: str | None = None,
        severity: Severity | None = None,
    ) -> None:
        """`rule`: the code or prefix of the rules the notice is about; by default the rule that emits it.
        `severity`: of the BST1xx finding made of a notice about something not analysed, when not its rule's."""
        self.notices.append(Notice(kind, message, path=path, line=line, rule=rule, severity=severity))

    def finding(
        self,
        rule: Rule,
        location: Location,
        message: str,
        *,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        fix_hint: str | None = None,
        snippet: str = "",
        scope: str = "",
        context: str = "",
        flow: Sequence[FlowStep] = (),
        properties: Mapping[str, Any] | None = None,
        fix: Fix | None = None,
    ) -> Finding:
        return Finding(
            code=rule.code,
            message=message,
            location=location,
            severity=severity if severity is not None else rule.severity,
            confidence=confidence if confidence is not None else rule.confidence,
            fix_hint=fix_hint if fix_hint is not None else rule.fix_hint,
            snippet=snippet,
            scope=scope,
            context=context,
            flow=tuple(flow),
            properties=properties or {},
            fix=fix,
        )


def _char_column(text: str, byte_offset: int) -> int:
    """AST columns count UTF-8 bytes; reports count characters."""
    if text.isascii():
        return byte_offset
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))
