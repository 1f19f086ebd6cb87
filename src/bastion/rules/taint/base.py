"""What every TNT rule shares: the fact collector (per file, in the workers) and the solved project.

The project is solved once per scan, whatever the number of TNT rules enabled: the first rule to ask solves it
and the others reuse the result (cached on the `ProjectContext`). A rule names the sink kinds it reports
(concept roles from `models/kinds.toml`), never an API.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from bastion.concepts.dataflow import dataflow_model
from bastion.core.finding import Finding, FlowStep, Location
from bastion.core.fix import Fix
from bastion.core.notice import NoticeKind
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import EncodedFacts, FactCollector, ProjectContext, ProjectRule
from bastion.semantic.module import PythonModule
from bastion.taint.facts import ModuleFacts
from bastion.taint.incremental import SolveOptions, digest_of, solve_in_parts, solve_whole
from bastion.taint.module import analyse_module
from bastion.taint.solver import TaintFinding

_SOURCE_WORDS = {
    "remote": "request data",
    "local": "local user input",
    "environment": "an environment variable",
    "random": "a predictable random value",
}
_solved: tuple[ProjectContext, list[TaintFinding]] | None = None


class TaintCollector(FactCollector):
    name = "taint"
    fact_types = (ModuleFacts,)

    def collect_module(self, module: PythonModule) -> ModuleFacts | None:
        facts = analyse_module(module, dataflow_model())
        declared = facts.declared
        if not (facts.functions or facts.aliases or facts.classes or declared.aliases or declared.membership_checks):
            return None
        return facts


def solved(project: ProjectContext) -> list[TaintFinding]:
    """Every source-to-sink path of the project (computed once per scan)."""
    global _solved
    if _solved is not None and _solved[0] is project:
        return _solved[1]
    options = project.config.taint
    solve_options = SolveOptions(
        environment_sources=options.environment_sources,
        max_depth=options.max_call_depth,
        reaches=dataflow_model().models.kinds.reaches,
        line_kinds=dataflow_model().line_kinds,
        number_kinds=dataflow_model().bounded_kinds,
    )
    with _no_cyclic_gc():
        if project.memo is None:
            modules = project.facts_of(TaintCollector).values()
            findings, cut_short = solve_whole([m for m in modules if isinstance(m, ModuleFacts)], solve_options)
        else:
            # With the result cache: only the parts of the project whose modules' facts changed are solved again.
            encoded = project.facts.get(TaintCollector.name, {})
            digests = [
                (rel, digest_of(value) if isinstance(value, EncodedFacts) else None) for rel, value in encoded.items()
            ]
            findings, cut_short = solve_in_parts(
                digests, lambda rel: _module_facts(project, rel), project.memo, solve_options
            )
    for (path, line), from_source in sorted(cut_short.items()):
        what = "data from a source" if from_source else "values from this function's parameters"
        project.notice(
            NoticeKind.CUT_SHORT,
            f"taint paths carrying {what} through more than {options.max_call_depth} calls were not followed past this "
            "call ([tool.bastion.taint] max-call-depth)",
            path=path,
            line=line,
            rule="TNT",  # a path cut short could have ended at any TNT rule's sink
            # Request data known to be tainted was dropped: a likely miss. Otherwise a miss only if some caller
            # passes input in, which bastion did not see: said, without failing the default --fail-on.
            severity=Severity.LOW if from_source else Severity.INFO,
        )
    _solved = (project, findings)
    return findings


def _module_facts(project: ProjectContext, rel: str) -> ModuleFacts | None:
    facts = project.file_facts(TaintCollector, rel)
    return facts if isinstance(facts, ModuleFacts) else None


class TaintRule(ProjectRule):
    """A TNT rule: reports the solved paths that end in one of its sink kinds."""

    pure = True

    collectors = (TaintCollector,)
    sink_concept: ClassVar[str] = ""
    sink_roles: ClassVar[tuple[str, ...] | None] = None  # None: every role of the concept
    extra_concepts: ClassVar[tuple[str, ...]] = ()  # further concepts reported by the rule (every role)
    # What the sink does with input, for messages: "is run as SQL".
    effect: ClassVar[str] = ""

    @classmethod
    def sink_kinds(cls) -> frozenset[str]:
        model = dataflow_model()
        kinds = model.sink_kinds(cls.sink_concept, cls.sink_roles)
        for concept in cls.extra_concepts:
            kinds |= model.sink_kinds(concept)
        return kinds

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        kinds = self.sink_kinds()
        for found in solved(project):
            if found.kind in kinds:
                yield self._finding(project, found)

    def _finding(self, project: ProjectContext, found: TaintFinding) -> Finding:
        source = found.source
        location = Location(found.path, found.line, found.column, found.end_line, found.end_column)
        flow = [_flow_step(project, step) for step in _dedupe(found.trace)]
        flow.append(
            FlowStep(
                location, f"reaches {found.what}, which {self.effect}", project.source_line(found.path, found.line)
            )
        )
        # The source's line is in the flow's first step, not in the message: messages are stored in baselines,
        # which must not change when code moves.
        where = "" if source.path == found.path else f" (in {source.path})"
        message = (
            f"{_SOURCE_WORDS.get(source.kind, source.kind)} from {_describe(source.description)}{where} "
            f"reaches {found.what}, which {self.effect}"
        )
        return project.finding(
            self,
            location,
            message,
            severity=_severity(self.severity, source.kind),
            # High confidence only for a sink matched by its qualified name on a source recognised for certain.
            confidence=(
                self.confidence if found.confident and source.certain else min(self.confidence, Confidence.MEDIUM)
            ),
            snippet=project.source_line(found.path, found.line),
            scope=found.function.replace(".<module>", ""),
            flow=flow,
            properties={
                "source": source.description,
                "source_kind": source.kind,
                "source_path": source.path,
                "source_line": source.line,
                "sink_kind": found.kind,
            },
            fix=self.sink_fix(project, found),
        )

    def sink_fix(self, project: ProjectContext, found: TaintFinding) -> Fix | None:
        """The edits that make the sink safe, for the rules that can write them (TNT101 parameterises SQL)."""
        return None


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The analysis builds many small acyclic objects (values, labels): reference counting frees them, and the
    cyclic collector, triggered by the allocations, only re-walks the parsed trees and indexes held meanwhile
    (measured: nearly half of the analysis's time on Django). It runs again as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _severity(severity: Severity, source_kind: str) -> Severity:
    """Input from the local user (or the environment) crosses no trust boundary in most programs; request data and
    values that are not input at all (a predictable random value) keep the rule's severity."""
    if source_kind == "local":
        return Severity(max(Severity.LOW, severity - 2))
    if source_kind == "environment":
        return Severity.LOW
    return severity


def _describe(description: str) -> str:
    return (
        description
        if description.startswith(("path parameter", "parameter", "request parameter"))
        else f"`{description}`"
    )


def _dedupe(trace: Any) -> list[Any]:
    kept: list[Any] = []
    for step in trace:
        if kept and kept[-1][:3] == step[:3]:
            continue
        kept.append(step)
    return kept


def _flow_step(project: ProjectContext, step: tuple[str, int, int, str]) -> FlowStep:
    path, line, column, message = step
    return FlowStep(Location(path, line, column), message, project.source_line(path, line))
