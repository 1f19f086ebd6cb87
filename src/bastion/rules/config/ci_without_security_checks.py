"""CFG409: CI runs no security checks."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.concepts.deploy import DeployFile, ci_root
from bastion.core.finding import Finding, Location
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import ProjectContext, ProjectRule
from bastion.rules.config.collectors import DeployFactsCollector

_MAIN_WORKFLOW_WORDS = ("ci", "test", "build", "main", "check", "lint", "push")


class CiWithoutSecurityChecks(ProjectRule):
    """## What it does
    Looks at a project's CI (GitHub Actions workflows in `.github/workflows/`, `.gitlab-ci.yml`) as a whole and
    reports, on its main workflow, when none of them runs a security tool: bastion, bandit, semgrep, CodeQL,
    pip-audit, safety, gitleaks, trufflehog, detect-secrets, osv-scanner, trivy, grype, Snyk, GitHub's dependency
    review, zizmor (an audit of the workflows themselves), or ruff with its `S` rules selected on its command
    line. Informational. Workflows in a subfolder of a project that has CI of its own
    (`themes/core/.github/workflows/` beside the root's `.github/workflows/`) are vendored code's: GitHub and
    GitLab run only the repository's own, so they are not judged.

    ## Why is this bad?
    Without an automatic check, a vulnerable dependency, a committed key or a `shell=True` reaches the main branch
    as soon as a reviewer misses it; the CI is where every change passes.

    ## Example
    ```yaml file=.github/workflows/ci.yml
    name: CI
    on: [push]
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - run: python -m pytest
    ```

    ## Use instead
    ```yaml file=.github/workflows/ci.yml
    name: CI
    on: [push]
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - run: python -m pytest
          - run: bastion scan --format sarif -o bastion.sarif
    ```

    ## References
    - [GitHub: Code scanning with SARIF](https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning)
    - [OWASP DevSecOps Guideline](https://owasp.org/www-project-devsecops-guideline/)
    - [CWE-1127: Compilation with Insufficient Warnings or Errors](https://cwe.mitre.org/data/definitions/1127.html)
    """

    pure = True

    code = "CFG409"
    slug = "ci-without-security-checks"
    summary = "CI runs no security checks"
    severity = Severity.INFO
    confidence = Confidence.MEDIUM
    cwe = (1127,)
    fix_hint = "add a bastion (or bandit/semgrep, pip-audit, gitleaks) step to the CI workflow"
    tags = ("ci", "deployment")
    # Its subject is the CI configuration itself, which the test-path policy counts as CI code.
    held_back_in_test_paths = False
    collectors = (DeployFactsCollector,)

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        by_root: dict[str, list[DeployFile]] = {}
        for facts in project.facts_of(DeployFactsCollector).values():
            if isinstance(facts, DeployFile) and facts.kind == "workflow":
                by_root.setdefault(ci_root(facts.path), []).append(facts)
        for root, workflows in sorted(by_root.items()):
            if any(other != root and (not other or root.startswith(other + "/")) for other in by_root):
                # GitHub and GitLab run only the repository's own `.github/workflows` / `.gitlab-ci.yml`: a nested
                # one belongs to vendored code (a theme, a plugin) and never runs here.
                continue
            if any(workflow.security_lines for workflow in workflows):
                continue
            main = min(workflows, key=_main_first)
            yield project.finding(
                self,
                Location(main.path, 1),
                f"none of the {len(workflows)} CI workflow(s) of {root or 'the project'} runs a security check",
                snippet=project.source_line(main.path, 1),
            )


def _main_first(workflow: DeployFile) -> tuple[int, str]:
    name = workflow.path.rsplit("/", 1)[-1].lower()
    return (0 if any(word in name for word in _MAIN_WORKFLOW_WORDS) else 1, workflow.path)
