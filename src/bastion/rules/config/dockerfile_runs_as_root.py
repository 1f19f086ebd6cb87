"""CFG401: the container runs as root."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.concepts.deploy import DeployFile, dockerfile_stages, parse_dockerfile, runs_as_root
from bastion.core import patterns
from bastion.core.finding import Finding, Location
from bastion.core.fix import Applicability, Edit, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import ProjectContext, ProjectRule
from bastion.rules.config.collectors import DeployFactsCollector


class DockerfileRunsAsRoot(ProjectRule):
    """## What it does
    Finds Dockerfiles whose final stage has no `USER` instruction (so the process runs as root, unless the base
    image is a `nonroot` variant) or whose last `USER` is `root` or `0`. Earlier build stages do not matter: only
    the final image runs. A final stage with no `USER` that installs or calls a privilege-dropping tool (`gosu`,
    `su-exec`, s6-overlay's `s6-setuidgid`, `setpriv`) starts as root on purpose, to fix the ownership of volumes,
    and drops to the app's user in its entrypoint: not reported.

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

    ## Fix safety
    The fix makes the final stage switch to an unprivileged user: `USER root` names the configured user instead,
    or a `USER` line goes before the final stage's `CMD`/`ENTRYPOINT` (at the end when it has neither). The user
    is `[tool.bastion.fix] container-user`, by default the numeric UID `10001`, which needs no account in the
    image and satisfies Kubernetes' `runAsNonRoot`. It is unsafe: the process can no longer write to files and
    directories that belong to root (give it what it must write with `COPY --chown` or a `RUN chown`), bind ports
    below 1024, or look itself up in `/etc/passwd` (create the user with `useradd` if a program needs that).

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
    fix = FixAvailability.ALWAYS
    fix_applicability = Applicability.UNSAFE
    collectors = (DeployFactsCollector,)

    def check_project(self, project: ProjectContext) -> Iterator[Finding]:
        for facts in project.facts_of(DeployFactsCollector).values():
            if not isinstance(facts, DeployFile) or facts.kind != "dockerfile":
                continue
            if not runs_as_root(facts.user, facts.final_image):
                continue
            if not facts.user_line and _drops_privileges(project, facts):
                continue
            if facts.user_line:
                line, message = facts.user_line, f"the final stage switches to `USER {facts.user}`: it runs as root"
            else:
                line, message = facts.final_from_line, "the final stage has no USER instruction: it runs as root"
            yield project.finding(
                self,
                Location(facts.path, line),
                message,
                snippet=project.source_line(facts.path, line),
                fix=self._unprivileged(project, facts),
            )

    def _unprivileged(self, project: ProjectContext, facts: DeployFile) -> Fix | None:
        document = project.document(facts.path)
        if document is None:
            return None
        user = self.config.fix.container_user
        message = f"Run as an unprivileged user: `USER {user}`"
        if facts.user_line:
            match = _USER.match(document.line(facts.user_line))
            if match is None:
                return None
            start = len(match.group(1)) + 1
            edit = Edit(facts.user_line, start, facts.user_line, start + len(match.group(2)), user)
            return Fix(message, Applicability.UNSAFE, (edit,))
        stages = dockerfile_stages(parse_dockerfile(document.text))
        command = next((item for item in stages[-1].instructions if item.keyword in ("CMD", "ENTRYPOINT")), None)
        if command is not None:
            indent = _INDENT.match(document.line(command.line))
            edit = Edit.insertion(command.line, 1, f"{indent.group(0) if indent else ''}USER {user}\n")
        else:
            last = len(document.lines)
            text = document.line(last)
            edit = Edit.insertion(last, len(text) + 1, f"USER {user}\n" if not text else f"\nUSER {user}\n")
        return Fix(message, Applicability.UNSAFE, (edit,))


# Tools an entrypoint uses to start the app as another user (`exec gosu "$PUID" ...`, s6-overlay's `s6-setuidgid`):
# an image that installs or calls one starts as root on purpose, to fix ownership of volumes, then drops to that user.
_PRIVILEGE_DROP = patterns.compile(r"(?i)(^|[\s\"'/])(gosu|su-exec|s6-setuidgid|setpriv|runuser|chpst)($|[\s\"';&|])")


def _drops_privileges(project: ProjectContext, facts: DeployFile) -> bool:
    """The final stage installs or runs a privilege-dropping tool."""
    document = project.document(facts.path)
    if document is None:
        return False
    stages = dockerfile_stages(parse_dockerfile(document.text))
    return bool(stages) and any(
        item.keyword in ("RUN", "ENTRYPOINT", "CMD") and _PRIVILEGE_DROP.search(item.arguments)
        for item in stages[-1].instructions
    )


_USER = patterns.compile(r"^(\s*USER\s+)(\S+)", ignore_case=True)
_INDENT = patterns.compile(r"\s*")
