"""CFG401: the container runs as root."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.concepts.deploy import DeployFile, runs_as_root
from bastion.core.finding import Finding, Location
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import ProjectContext, ProjectRule
from bastion.rules.config.collectors import DeployFactsCollector


class DockerfileRunsAsRoot(ProjectRule):
    """## What it does
    Finds Dockerfiles whose final stage has no `USER` instruction (so the process runs as root, unless the base
    image is a `nonroot` variant) or whose last `USER` is `root` or `0`. Earlier build stages do not matter: only
    the final image runs.

    ## Why is this bad?
    Root in the container is root on the host's kernel: a code-execution bug in the app, plus any container escape
    or a writable mounted volume, gives the attacker the machine. As a plain user the same bug stays contained.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    COPY . /srv/app
    CMD ["python", "-m", "app"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN useradd --create-home app
    COPY . /srv/app
    USER app
    CMD ["python", "-m", "app"]
    ```

    ## References
    - [Docker: Dockerfile best practices, USER](https://docs.docker.com/build/building/best-practices/#user)
    - [CWE-250: Execution with Unnecessary Privileges](https://cwe.mitre.org/data/definitions/250.html)
    """

    pure = True

    code = "CFG401"
    slug = "dockerfile-runs-as-root"
    summary = "The container runs as root (no `USER`, or `USER root` last)"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (250,)
    fix_hint = "create an unprivileged user and switch to it with USER before CMD"
    tags = ("docker", "deployment")
    collectors = (DeployFactsCollector,)

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        for facts in project.facts_of(DeployFactsCollector).values():
            if not isinstance(facts, DeployFile) or facts.kind != "dockerfile":
                continue
            if not runs_as_root(facts.user, facts.final_image):
                continue
            if facts.user_line:
                line, message = facts.user_line, f"the final stage switches to `USER {facts.user}`: it runs as root"
            else:
                line, message = facts.final_from_line, "the final stage has no USER instruction: it runs as root"
            yield project.finding(
                self, Location(facts.path, line), message, snippet=project.source_line(facts.path, line)
            )
