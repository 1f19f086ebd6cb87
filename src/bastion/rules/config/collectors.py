"""Fact collectors of the CFG family: web-app facts from Python modules, deployment facts from text files."""

from __future__ import annotations

from pathlib import PurePosixPath

from bastion.concepts.deploy import (
    DeployFile,
    deploy_facts,
    is_dockerfile,
    is_pre_commit_config,
    is_workflow,
)
from bastion.concepts.webcollect import collect_web_facts
from bastion.concepts.webfacts import ModuleWebFacts
from bastion.rules.base import FactCollector
from bastion.semantic.module import PythonModule
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument


class WebFactsCollector(FactCollector):
    """Apps, settings, extensions, routes and their guards (see `concepts.webcollect`)."""

    name = "cfg-web"
    fact_types = (ModuleWebFacts,)

    def collect_module(self, module: PythonModule) -> ModuleWebFacts | None:
        return collect_web_facts(module)


class DeployFactsCollector(FactCollector):
    """Dockerfiles (final stage, USER), CI workflows and pre-commit configurations (security tools they run)."""

    name = "cfg-deploy"
    fact_types = (DeployFile,)

    def wants_text(self, file: SourceFile) -> bool:
        rel = file.rel
        return is_dockerfile(PurePosixPath(rel).name) or is_workflow(rel) or is_pre_commit_config(rel)

    def collect_text(self, document: TextDocument) -> DeployFile | None:
        return deploy_facts(document.rel, document.text)
