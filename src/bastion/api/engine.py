"""Per-file analysis, sequential or on all cores, with identical, identically ordered results either way."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bastion.api.budget import BudgetExceeded, cpu_budget
from bastion.api.result_cache import CacheSession
from bastion.core.codec import Codec, CodecError
from bastion.core.config import DEFAULT_FILE_TIME_LIMIT, BastionConfig
from bastion.core.finding import Finding
from bastion.core.notice import Notice, NoticeKind
from bastion.isolation import exit_with_parent
from bastion.rules import load_rules
from bastion.rules.base import AstRule, EncodedFacts, FactCollector, ProjectRule, TextRule
from bastion.rules.runner import AstDispatcher, CurrentPass, run_collectors, run_text_rules
from bastion.semantic.constants import UNKNOWN
from bastion.semantic.declared_routes import DeclaredRoute
from bastion.semantic.module import PythonModule, build_module
from bastion.source.discovery import SourceFile
from bastion.source.python_parse import newer_syntax, parse_python
from bastion.source.reading import ReadError, TextDocument, read_document
from bastion.source.suppressions import DOCUMENT_SUFFIXES, Suppression, find_suppressions

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 24
_RECURSION_LIMIT = 8000


@dataclass(frozen=True)
class AnalyzerSpec:
    """Everything a worker process needs to build its analyzer (it must pickle)."""

    config: BastionConfig
    codes: tuple[str, ...]
    # CPU seconds one file's analysis may take (0: no limit).
    file_time_limit: float = DEFAULT_FILE_TIME_LIMIT
    # What calls return (`sqlite3.connect` -> `sqlite3.Connection`), for qualified names; None: the models', read
    # when a file first needs one (the models are bastion's own files, so the cache key's code fingerprint covers
    # them).
    return_types: tuple[tuple[str, str], ...] | None = None
    # Functions that a specification outside the code routes requests to (connexion's OpenAPI `operationId`s),
    # read before the analysis: a module cannot see them from its own text.
    declared_routes: tuple[DeclaredRoute, ...] = ()


@dataclass
class FileResult:
    rel: str
    findings: list[Finding] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    lines: int = 0
    read: bool = False
    python: bool = False
    # The CPU-time budget stopped the analysis: what is here is partial.
    cut_short: bool = False


class ModelReturnTypes(Mapping[str, str]):
    """The return types the models declare, read on first use: a scan whose rules never resolve a call's result
    (`--select SEC`) does not load and parse the models."""

    def __init__(self) -> None:
        self._types: dict[str, str] | None = None

    def _loaded(self) -> dict[str, str]:
        if self._types is None:
            from bastion.models.loader import model_return_types

            self._types = dict(model_return_types())
        return self._types

    def __getitem__(self, key: str) -> str:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


# The layout of a stored result (`encode_entry`); a change makes older entries misses.
ENTRY_VERSION = 1


def result_codec(collectors: Iterable[type[FactCollector]]) -> Codec:
    """The codec for file results: findings, notices, suppressions, and what the collectors return."""
    roots: list[type] = [Finding, Notice, Suppression]
    for collector in collectors:
        roots.extend(collector.fact_types)
    return Codec(roots, singletons={"unknown": UNKNOWN})


def encode_entry(result: FileResult, codec: Codec) -> str:
    """A file's result as codec text (what the cache stores and workers send back); facts one text each, so that
    they are decoded only when a project rule asks. Raises `CodecError` for a value the codec does not know."""
    facts = {
        name: str(value) if isinstance(value, EncodedFacts) else codec.dumps(value)
        for name, value in result.facts.items()
    }
    return codec.dumps(
        (
            ENTRY_VERSION,
            tuple(result.findings),
            tuple(result.notices),
            tuple(result.suppressions),
            result.lines,
            result.read,
            result.python,
            facts,
        )
    )


def decode_entry(rel: str, text: str, codec: Codec) -> FileResult:
    """The result `encode_entry` wrote; raises `CodecError` for text it did not write."""
    decoded = codec.loads(text)
    if not isinstance(decoded, tuple) or len(decoded) != 8 or decoded[0] != ENTRY_VERSION:
        raise CodecError("not a file result of this version")
    _, findings, notices, suppressions, lines, read, python, facts = decoded
    if not isinstance(facts, dict) or not all(isinstance(v, str) for v in facts.values()):
        raise CodecError("facts are not codec text")
    return FileResult(
        rel,
        list(findings),
        list(notices),
        list(suppressions),
        {name: EncodedFacts(value) for name, value in facts.items()},
        lines,
        read,
        python,
    )


class Analyzer:
    def __init__(self, spec: AnalyzerSpec) -> None:
        self.config = spec.config
        self.file_time_limit = spec.file_time_limit
        self.return_types: Mapping[str, str] = (
            ModelReturnTypes() if spec.return_types is None else dict(spec.return_types)
        )
        self.declared_routes = spec.declared_routes
        classes = load_rules(spec.codes)
        self.ast_rules = [cls(spec.config) for cls in classes if issubclass(cls, AstRule)]
        self.text_rules = [cls(spec.config) for cls in classes if issubclass(cls, TextRule)]
        self.collectors = self._collectors(classes)
        self.dispatcher = AstDispatcher(self.ast_rules)
        self.codec = result_codec(type(collector) for collector in self.collectors)

    def analyse_to_entry(self, file: SourceFile) -> tuple[FileResult | str, bool]:
        """The file's result as codec text (the object itself when a value will not encode), and whether the
        time budget cut it short (such a result is not worth keeping)."""
        with _no_cycle_collection():
            result = self._analyse_within_budget(file)
            try:
                # Encoding builds a large temporary tree of lists and dicts, without cycles, that reference
                # counting frees; collections triggered by its allocation would only walk it (~0.8 s of
                # Django's ~10 s).
                return encode_entry(result, self.codec), result.cut_short
            except CodecError:
                return result, result.cut_short

    def _collectors(self, classes: Sequence[type]) -> list[FactCollector]:
        by_name: dict[str, FactCollector] = {}
        for cls in classes:
            if issubclass(cls, ProjectRule):
                for collector in cls.collectors:
                    if collector.name not in by_name:
                        by_name[collector.name] = collector(self.config)
        return [by_name[name] for name in sorted(by_name)]

    def analyse(self, file: SourceFile) -> FileResult:
        """Every enabled rule and collector over one file, within the per-file CPU-time budget."""
        with _no_cycle_collection():
            return self._analyse_within_budget(file)

    def _analyse_within_budget(self, file: SourceFile) -> FileResult:
        result = FileResult(file.rel)
        progress = CurrentPass()
        try:
            with cpu_budget(self.file_time_limit):
                self._analyse(file, result, progress)
        except BudgetExceeded:
            result.cut_short = True
            result.notices.append(
                Notice(
                    NoticeKind.CUT_SHORT,
                    f"analysis stopped after {self.file_time_limit:g} s of CPU time (--file-time-limit) while "
                    f"running {progress.name}; what comes after it was not analysed, findings may be missing",
                    path=file.rel,
                )
            )
        except Exception as error:
            # A defect in bastion costs the file it met, never the whole scan (the rule runner contains each
            # rule's own crashes; this catches the passes around them: suppressions, the index, collectors).
            result.cut_short = True
            result.notices.append(
                Notice(
                    NoticeKind.INTERNAL_ERROR,
                    f"internal error while running {progress.name}: {type(error).__name__}: {error}; the rest of "
                    "this file was not analysed and the scan went on. Please report this with the file that caused it.",
                    path=file.rel,
                )
            )
        return result

    def _analyse(self, file: SourceFile, result: FileResult, progress: CurrentPass) -> None:
        if file.is_known_binary:
            return
        text_rules = [rule for rule in self.text_rules if rule.applies_to(file)]
        text_collectors = [c for c in self.collectors if c.wants_text(file)]
        if not file.is_python and not text_rules and not text_collectors and file.suffix:
            return
        try:
            document = read_document(file, max_size=self.config.max_file_size)
        except ReadError as error:
            # A binary file found by sniffing is worth a notice only to a reader that asked for that file by kind;
            # rules that read every text file (secrets) would otherwise report every binary in the tree.
            if file.is_python or text_collectors or error.kind is not NoticeKind.BINARY:
                result.notices.append(Notice(error.kind, str(error), path=file.rel))
            return
        result.read = True
        result.lines = len(document.lines)
        if document.is_python:
            self._analyse_python(document, result, progress)
            text_rules = text_rules or [rule for rule in self.text_rules if rule.applies_to(file)]
        else:
            if file.suffix not in DOCUMENT_SUFFIXES:
                progress.name = "suppression comments"
                result.suppressions = find_suppressions(document.text, python_tree=None)
            progress.name = "fact collectors"
            run_collectors(
                lambda c: c.collect_text(document), text_collectors, file.rel, result.facts, result.notices, progress
            )
        if text_rules:
            progress.name = "text rules"
            run_text_rules(document, text_rules, self.config, result.findings, result.notices, progress)

    def _analyse_python(self, document: TextDocument, result: FileResult, progress: CurrentPass) -> None:
        result.python = True
        rel = document.rel
        progress.name = "the parser"
        try:
            tree = parse_python(document.text, filename=rel)
        except SyntaxError as error:
            line = error.lineno or None
            newer = newer_syntax(document.text, error)
            message = f"could not parse: {error.msg}; skipped"
            if newer:
                message = f"could not parse: {error.msg}: {newer}; skipped"
            result.notices.append(Notice(NoticeKind.PARSE_ERROR, message, rel, line))
            result.suppressions = find_suppressions(document.text, python_tree=None)
            return
        except (RecursionError, MemoryError):
            result.notices.append(Notice(NoticeKind.PARSE_ERROR, "code nested too deeply to parse; skipped", rel))
            return
        except ValueError as error:
            result.notices.append(Notice(NoticeKind.PARSE_ERROR, f"could not parse: {error}; skipped", rel))
            return
        # Suppressions first: when the budget stops a later pass, the findings made so far are still suppressed.
        progress.name = "suppression comments"
        result.suppressions = find_suppressions(document.text, python_tree=tree)
        if not self.ast_rules and not self.collectors:
            return  # (`--select SEC`: the text rules alone read Python files)
        progress.name = "the semantic index"
        module = build_module(document, tree, return_types=self.return_types, declared_routes=self.declared_routes)
        try:
            self._analyse_module(module, result, progress)
        finally:
            module.index.release()  # (the tree is freed as soon as this returns, not by the next collection)

    def _analyse_module(self, module: PythonModule, result: FileResult, progress: CurrentPass) -> None:
        rel = module.rel
        progress.name = "the AST rules"
        try:
            findings, notices = self.dispatcher.run(module, self.config)
        except RecursionError:
            findings = []
            notices = [Notice(NoticeKind.CUT_SHORT, "code nested too deeply for the rules; none of them finished", rel)]
        result.findings.extend(findings)
        result.notices.extend(notices)
        progress.name = "fact collectors"
        run_collectors(lambda c: c.collect_module(module), self.collectors, rel, result.facts, result.notices, progress)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The analysis of one file makes many small objects that reference counting frees; the cyclic collector,
    triggered by their allocation, would walk the parsed tree and index again and again (superlinear on a large
    file). It runs as usual between files."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


# -- running over many files -----------------------------------------------------------------------------------

_worker_analyzer: Analyzer | None = None


def _init_worker(spec: AnalyzerSpec) -> None:
    global _worker_analyzer
    exit_with_parent()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), _RECURSION_LIMIT))
    _worker_analyzer = Analyzer(spec)


def _analyse_chunk(files: list[SourceFile]) -> list[tuple[str, FileResult | str, bool]]:
    assert _worker_analyzer is not None, "worker used before initialisation"
    return [(file.rel, *_worker_analyzer.analyse_to_entry(file)) for file in files]


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def analyse_files(
    files: Sequence[SourceFile],
    spec: AnalyzerSpec,
    *,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
    roots: Sequence[Path] = (),
    cache: CacheSession | None = None,
    required: Collection[str] | None = None,
) -> list[FileResult]:
    """Analyse every file (or take its result from `cache`); results come back sorted by path whatever the number
    of jobs. `roots` are the scanned directories: no worker process has them (or the current directory) on its
    `sys.path`. Every result goes through its codec text, from a worker or from the cache alike, so that a scan
    with the cache reports exactly what one without it does. With `required` (paths), only those files are
    analysed; the others' results are taken from the cache where it has them, and left out where it does not."""
    codec = result_codec(collector_classes(spec))
    results: list[FileResult] = []
    stored = cache.lookup(files) if cache is not None else {}
    for rel, text in stored.items():
        try:
            results.append(decode_entry(rel, text, codec))
        except CodecError as error:
            assert cache is not None
            cache.unreadable(rel, str(error))
    done = {result.rel for result in results}
    pending = [file for file in files if file.rel not in done and (required is None or file.rel in required)]
    total = len(results) + len(pending)

    def collect(rel: str, entry: FileResult | str, cut_short: bool) -> None:
        if isinstance(entry, FileResult):
            results.append(entry)
        else:
            results.append(decode_entry(rel, entry, codec))
            if cache is not None and not cut_short:
                cache.remember(rel, entry)
        if progress is not None:
            progress(len(results), total)

    if jobs <= 1 or len(pending) < PARALLEL_THRESHOLD:
        previous = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous, _RECURSION_LIMIT))
        try:
            analyzer = Analyzer(spec) if pending else None
            for file in pending:
                assert analyzer is not None
                collect(file.rel, *analyzer.analyse_to_entry(file))
        finally:
            sys.setrecursionlimit(previous)
    else:
        from concurrent.futures import as_completed

        from bastion.api.workers import worker_pool  # here: a one-file scan starts no process

        with worker_pool(jobs, _init_worker, (spec,), untrusted_roots=roots) as pool:
            futures = [pool.submit(_analyse_chunk, chunk) for chunk in _chunks(pending, jobs)]
            for future in as_completed(futures):
                for rel, entry, cut_short in future.result():
                    collect(rel, entry, cut_short)
    results.sort(key=lambda r: r.rel)
    return results


def collector_classes(spec: AnalyzerSpec) -> list[type[FactCollector]]:
    classes = load_rules(spec.codes)
    found: dict[str, type[FactCollector]] = {}
    for cls in classes:
        if issubclass(cls, ProjectRule):
            for collector in cls.collectors:
                found.setdefault(collector.name, collector)
    return [found[name] for name in sorted(found)]


def _chunks(files: Sequence[SourceFile], jobs: int) -> list[list[SourceFile]]:
    # Largest files first, dealt round-robin into many small chunks, so that no worker is left with the tail.
    count = max(jobs * 8, 1)
    ordered = sorted(files, key=lambda f: f.size, reverse=True)
    chunks: list[list[SourceFile]] = [[] for _ in range(min(count, len(ordered)))]
    for position, file in enumerate(ordered):
        chunks[position % len(chunks)].append(file)
    return chunks
