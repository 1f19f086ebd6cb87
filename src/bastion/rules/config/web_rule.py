"""The shared shape of the CFG rules that judge a whole web application from collected facts."""

from __future__ import annotations

import weakref
from collections.abc import Iterator

from bastion.concepts.web_checks import Verdict
from bastion.concepts.webapp import ProjectModel, build_model
from bastion.core.finding import Finding, Location
from bastion.rules.base import ProjectContext, ProjectRule
from bastion.rules.config.collectors import WebFactsCollector

# One entry per live scan: the model is built once per scan and shared by every CFG rule. Keyed by id with a
# weak reference to check it (ProjectContext is not hashable), so that a finished scan's model is dropped.
_models: dict[int, tuple[weakref.ref[ProjectContext], ProjectModel]] = {}


def project_model(project: ProjectContext) -> ProjectModel:
    entry = _models.get(id(project))
    if entry is not None and entry[0]() is project:
        return entry[1]
    for key in [key for key, (ref, _) in _models.items() if ref() is None]:
        del _models[key]
    model = build_model(project.facts_of(WebFactsCollector))
    _models[id(project)] = (weakref.ref(project), model)
    return model


class WebAppRule(ProjectRule):
    """A rule whose decision is a `concepts.web_checks` verdict: its problems become findings."""

    collectors = (WebFactsCollector,)

    def verdict(self, model: ProjectModel) -> Verdict:
        raise NotImplementedError

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        verdict = self.verdict(project_model(project))
        for problem in verdict.problems:
            site = problem.site
            yield project.finding(
                self,
                Location(site.path, site.line, site.column),
                problem.message,
                severity=problem.severity,
                confidence=problem.confidence,
                snippet=site.snippet or project.source_line(site.path, site.line),
                context=problem.context,
            )
