"""CFG401: the container runs as root."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.concepts.deploy import DeployFile, Instruction, dockerfile_stages, parse_dockerfile, runs_as_root
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
    and drops to the app's user in its entrypoint: not reported. Nor are a final command that starts a server whose
    workers drop to their own user (`apache2ctl -D FOREGROUND`, `nginx`, `httpd`), a base image that other
    Dockerfiles of the project build on and switch away from root (`docker/base/Dockerfile` under
    `FROM shop/base`), and a variant built `FROM` the project's own image (`FROM shop/shop` beside a root
    Dockerfile and a `shop/` package): that image's own finding says it once.

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
        dockerfiles = [
            facts
            for facts in project.facts_of(DeployFactsCollector).values()
            if isinstance(facts, DeployFile) and facts.kind == "dockerfile"
        ]
        own_images = _own_image_names(project, dockerfiles)
        for facts in dockerfiles:
            if not runs_as_root(facts.user, facts.final_image):
                continue
            if not facts.user_line and _drops_privileges(project, facts):
                continue
            if _image_name(facts.final_image) in own_images or _base_of_others(facts, dockerfiles):
                continue  # judged where the image it builds on, or the images built on it, are
            if _server_drops_privileges(project, facts):
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


def _final_instructions(project: ProjectContext, facts: DeployFile) -> list[Instruction]:
    """The instructions of the Dockerfile's final stage (none when it cannot be read)."""
    document = project.document(facts.path)
    stages = dockerfile_stages(parse_dockerfile(document.text)) if document is not None else []
    return list(stages[-1].instructions) if stages else []


def _drops_privileges(project: ProjectContext, facts: DeployFile) -> bool:
    """The final stage installs or runs a privilege-dropping tool."""
    return any(
        item.keyword in ("RUN", "ENTRYPOINT", "CMD") and _PRIVILEGE_DROP.search(item.arguments)
        for item in _final_instructions(project, facts)
    )


def _image_name(image: str) -> str:
    """`lnbits/lnbits:${TAG}` -> `lnbits`: the last part of the repository name, without tag or digest."""
    return image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()


def _own_image_names(project: ProjectContext, dockerfiles: list[DeployFile]) -> frozenset[str]:
    """Names of images this project builds itself: a root Dockerfile's image is named after the project's top-level
    package folders (`lnbits/lnbits` for a root Dockerfile beside `lnbits/`). A variant image built `FROM` one of
    them inherits its user, and the root image's own finding says so once."""
    if not any("/" not in facts.path for facts in dockerfiles):
        return frozenset()
    return frozenset(
        source.rel.split("/", 1)[0].lower()
        for source in project.files
        if source.rel.count("/") == 1 and source.rel.endswith("/__init__.py")
    )


def _base_of_others(facts: DeployFile, dockerfiles: list[DeployFile]) -> bool:
    """A base image (`extras/docker/base/Dockerfile`) that other Dockerfiles of the project build on
    (`FROM wger/base:latest`): the images that run are those, each judged on its own user."""
    folder = facts.path.rsplit("/", 2)[-2].lower() if facts.path.count("/") >= 1 else ""
    if not folder:
        return False
    return any(
        other is not facts and _image_name(other.final_image) == folder and not runs_as_root(other.user, "")
        for other in dockerfiles
    )


# Servers whose master process starts as root to bind a low port, then serves through unprivileged workers
# (Apache's `User www-data`, nginx's `user nginx`).
_SELF_DROPPING_SERVER = patterns.compile(r"(?i)(^|[\s\"'/])(apache2ctl|apachectl|apache2|httpd|nginx)($|[\s\"'])")


def _server_drops_privileges(project: ProjectContext, facts: DeployFile) -> bool:
    """The final stage's command starts a server that drops to an unprivileged worker user itself."""
    commands = [item for item in _final_instructions(project, facts) if item.keyword in ("CMD", "ENTRYPOINT")]
    return bool(commands) and bool(_SELF_DROPPING_SERVER.search(commands[-1].arguments))


_USER = patterns.compile(r"^(\s*USER\s+)(\S+)", ignore_case=True)
_INDENT = patterns.compile(r"\s*")
