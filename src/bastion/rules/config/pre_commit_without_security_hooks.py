"""CFG410: pre-commit configuration with no security hook."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.concepts.deploy import DeployFile
from bastion.core.finding import Finding, Location
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import ProjectContext, ProjectRule
from bastion.rules.config.collectors import DeployFactsCollector


class PreCommitWithoutSecurityHooks(ProjectRule):
    """## What it does
    Finds `.pre-commit-config.yaml` files that run no security hook (bastion, bandit, semgrep, detect-secrets,
    gitleaks, trufflehog, pip-audit, safety, zizmor, or ruff with `S` rules selected in its arguments). Informational.

    Off by default (select it with `--select CFG410`): a project whose CI runs no security check already gets
    `CFG409`, and one whose CI does needs no hook as well; on six real apps every finding repeated `CFG409`'s advice.

    ## Why is this bad?
    The pre-commit hook is the cheapest place to stop a key or an obvious `eval` from ever entering the history;
    a secret that reaches a commit must be rotated even when the commit is later removed.

    ## Example
    ```yaml file=.pre-commit-config.yaml
    repos:
      - repo: https://github.com/psf/black
        rev: 24.8.0
        hooks:
          - id: black
    ```

    ## Use instead
    ```yaml file=.pre-commit-config.yaml
    repos:
      - repo: https://github.com/psf/black
        rev: 24.8.0
        hooks:
          - id: black
      - repo: https://github.com/gitleaks/gitleaks
        rev: v8.21.2
        hooks:
          - id: gitleaks
    ```

    ## References
    - [pre-commit](https://pre-commit.com/)
    - [CWE-1127: Compilation with Insufficient Warnings or Errors](https://cwe.mitre.org/data/definitions/1127.html)
    """

    pure = True

    code = "CFG410"
    slug = "pre-commit-without-security-hooks"
    summary = "pre-commit configuration runs no security hook"
    severity = Severity.INFO
    confidence = Confidence.MEDIUM
    cwe = (1127,)
    fix_hint = "add a secrets hook (gitleaks, detect-secrets) and bastion or bandit to .pre-commit-config.yaml"
    tags = ("ci", "deployment")
    # Its subject is the CI configuration itself, which the test-path policy counts as CI code.
    held_back_in_test_paths = False
    default_enabled = False
    collectors = (DeployFactsCollector,)

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        for facts in project.facts_of(DeployFactsCollector).values():
            if isinstance(facts, DeployFile) and facts.kind == "pre-commit" and not facts.security_lines:
                yield project.finding(
                    self,
                    Location(facts.path, 1),
                    "the pre-commit configuration runs no security hook",
                    snippet=project.source_line(facts.path, 1),
                )
