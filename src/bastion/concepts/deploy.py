"""Deployment files: Dockerfiles, docker-compose files, CI workflows and pre-commit configurations.

Dockerfiles are read with a small parser of Docker's instruction syntax (line continuations, comments, heredocs,
build stages); compose files with PyYAML's node API, which keeps the line of every key. Nothing here runs or
builds anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import yaml

from bastion.core import patterns
from bastion.core.secret_identity import redact as redact_secret

_DOCKERFILE_NAME = patterns.compile(
    r"^(Dockerfile|Containerfile)([._-].*)?$|.+\.(dockerfile|containerfile)$", ignore_case=True
)
_COMPOSE_NAME = patterns.compile(r"^(docker-)?compose([._-].*)?\.ya?ml$", ignore_case=True)
_HEREDOC = patterns.compile(r"<<-?\s*[\"']?(\w+)[\"']?")
_CONTINUATION = patterns.compile(r"\\\s*$")
_SECRET_WORDS = frozenset(
    {"PASSWORD", "PASSWD", "PWD", "SECRET", "SECRETS", "TOKEN", "CREDENTIAL", "CREDENTIALS", "APIKEY", "AUTHTOKEN"}
)
_KEY_QUALIFIERS = frozenset({"API", "PRIVATE", "ACCESS", "SECRET", "SSH", "SIGNING", "ENCRYPTION", "AUTH", "MASTER"})
_NOT_SECRET_WORDS = frozenset(
    {
        "HASHER",
        "LENGTH",
        "MIN",
        "MAX",
        "FILE",
        "PATH",
        "DIR",
        "URL",
        "URI",
        "ENDPOINT",
        "HOST",
        "PORT",
        "USER",
        "USERNAME",
        "NAME",
        "ALGORITHM",
        "TYPE",
        "ENABLED",
        "EXPIRY",
        "EXPIRES",
        "TTL",
        "LIFETIME",
        "HEADER",
        "ID",
    }
)
_PIPE_TO_SHELL = patterns.compile(
    r"\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(-\S+\s+)*(ba|z|da|k|fi)?sh\b|\b(ba)?sh\s+-c\s+[\"']?\$\(\s*(curl|wget)\b"
    r"|\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?python[0-9.]*(\s+-)?\s*($|[;&|)])",
    ignore_case=True,
)
_OFFICIAL_PYTHON = frozenset({"python", "library/python", "docker.io/library/python", "docker.io/python"})
_MINIMAL_TAGS = ("slim", "alpine", "distroless")
_VARIABLE = patterns.compile(r"^\$\{?\w+\}?$")


_NOT_DOCKERFILE_SUFFIXES = (
    ".py",
    ".pyi",
    ".md",
    ".rst",
    ".txt",
    ".json",
    ".yml",
    ".yaml",
    ".toml",
    ".sh",
    ".cfg",
    ".ini",
)


def is_dockerfile(name: str) -> bool:
    return bool(_DOCKERFILE_NAME.match(name)) and not name.lower().endswith(_NOT_DOCKERFILE_SUFFIXES)


def is_compose_file(name: str) -> bool:
    return bool(_COMPOSE_NAME.match(name))


def is_workflow(rel: str) -> bool:
    path = PurePosixPath(rel)
    return (
        path.suffix in (".yml", ".yaml") and len(path.parts) >= 3 and path.parts[-3:-1] == (".github", "workflows")
    ) or path.name == ".gitlab-ci.yml"


def is_pre_commit_config(rel: str) -> bool:
    return PurePosixPath(rel).name == ".pre-commit-config.yaml"


def ci_root(rel: str) -> str:
    """The project directory a CI or pre-commit file belongs to ("" for the scan root)."""
    path = PurePosixPath(rel)
    if ".github" in path.parts:
        return "/".join(path.parts[: path.parts.index(".github")])
    return str(path.parent) if str(path.parent) != "." else ""


_NAME_SEPARATORS = patterns.compile(r"[^A-Za-z0-9]+")


def is_secret_name(name: str) -> bool:
    words = {word for word in _NAME_SEPARATORS.split(name.upper()) if word}
    if words & _NOT_SECRET_WORDS:
        return False
    if words & _SECRET_WORDS:
        return True
    return "KEY" in words and bool(words & _KEY_QUALIFIERS)


def redact(value: str) -> str:
    """At most four characters and a quarter of the value, `…` and the length (`core.secret_identity`)."""
    return redact_secret(value) if value else value


# -- Dockerfile ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case
    arguments: str
    line: int


@dataclass
class Stage:
    line: int
    image: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    @property
    def users(self) -> list[Instruction]:
        return [item for item in self.instructions if item.keyword == "USER"]


def parse_dockerfile(text: str) -> list[Instruction]:
    instructions: list[Instruction] = []
    lines = text.splitlines()
    position = 0
    while position < len(lines):
        raw = lines[position]
        start = position + 1
        position += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parts = [_CONTINUATION.sub("", raw)]
        continued = _CONTINUATION.search(raw) is not None
        while continued and position < len(lines):
            raw = lines[position]
            position += 1
            if not raw.strip() or raw.strip().startswith("#"):
                continue  # comments and blank lines may sit inside a continued instruction
            parts.append(_CONTINUATION.sub("", raw))
            continued = _CONTINUATION.search(raw) is not None
        text_line = " ".join(part.strip() for part in parts)
        keyword, _, arguments = text_line.partition(" ")
        heredoc = _HEREDOC.search(arguments)
        if heredoc is not None and keyword.upper() in ("RUN", "COPY"):
            terminator = heredoc.group(1)
            body = []
            while position < len(lines) and lines[position].strip() != terminator:
                body.append(lines[position])
                position += 1
            position += 1
            arguments = arguments + "\n" + "\n".join(body)
        instructions.append(Instruction(keyword.upper(), arguments.strip(), start))
    return instructions


def dockerfile_stages(instructions: list[Instruction]) -> list[Stage]:
    stages: list[Stage] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            words = [w for w in instruction.arguments.split() if not w.startswith("--")]
            image = words[0] if words else ""
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(instruction.line, image, name))
        elif stages:
            stages[-1].instructions.append(instruction)
    return stages


@dataclass(frozen=True)
class ImageReference:
    repository: str
    tag: str | None
    digest: str | None


def parse_image(image: str) -> ImageReference:
    digest_part = None
    if "@" in image:
        image, digest_part = image.split("@", 1)
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        return ImageReference(image[:colon], image[colon + 1 :], digest_part)
    return ImageReference(image, None, digest_part)


def image_problems(stage: Stage, final: bool, stage_names: set[str]) -> list[str]:
    """What is wrong with a stage's base image: `latest` (or no tag), or a full-size Python image in production."""
    if not stage.image or "$" in stage.image or stage.image.lower() in stage_names or stage.image == "scratch":
        return []
    reference = parse_image(stage.image)
    problems = []
    if reference.digest is None and (reference.tag is None or reference.tag == "latest"):
        problems.append(f"`{stage.image}` is not pinned (the `latest` tag changes under you)")
    if final and reference.repository.lower() in _OFFICIAL_PYTHON:
        tag = (reference.tag or "latest").lower()
        if not any(marker in tag for marker in _MINIMAL_TAGS):
            problems.append(
                f"`{stage.image}` is the full Python image (compilers and hundreds of packages); use a `-slim` tag"
            )
    return problems


_SHELL_WORD = patterns.compile(r"(?:[^\s\"']+|\"[^\"]*\"|'[^']*')+")


def env_pairs(instruction: Instruction) -> Iterator[tuple[str, str | None]]:
    """`ENV A=1 B="2"`, legacy `ENV KEY value`, `ARG NAME[=default]`: (name, value or None)."""
    arguments = instruction.arguments
    if instruction.keyword == "ENV" and "=" not in arguments.split(" ", 1)[0]:
        name, _, value = arguments.partition(" ")
        yield name, value.strip().strip("\"'")
        return
    for token in _SHELL_WORD.findall(arguments):
        if token.startswith("--"):
            continue
        name, equals, value = token.partition("=")
        yield name, value.strip("\"'") if equals else None


def is_literal_value(value: str | None) -> bool:
    return bool(value) and not _VARIABLE.match(value or "")


def pipes_to_shell(command: str) -> bool:
    return bool(_PIPE_TO_SHELL.search(command))


# -- compose --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComposeEntry:
    service: str
    key: str
    value: object
    line: int


def compose_entries(text: str) -> list[ComposeEntry]:
    """Every `services.<name>.<key>` with its value and line; environment entries one by one (key `environment`,
    value `(NAME, VALUE)`). An unreadable file gives no entries."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError):  # the pure-Python loader recurses once per level
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    services = _mapping_value(root, "services")
    if not isinstance(services, yaml.MappingNode):
        return []
    entries: list[ComposeEntry] = []
    for service_key, service in services.value:
        if not isinstance(service, yaml.MappingNode):
            continue
        name = str(service_key.value)
        for key_node, value_node in service.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key == "environment":
                entries.extend(_environment(name, value_node))
            elif isinstance(value_node, yaml.ScalarNode):
                entries.append(ComposeEntry(name, key, _scalar(value_node), line))
            elif isinstance(value_node, yaml.SequenceNode):
                for item in value_node.value:
                    if isinstance(item, yaml.ScalarNode):
                        entries.append(ComposeEntry(name, key, _scalar(item), item.start_mark.line + 1))
    return entries


def _mapping_value(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    for key_node, value_node in node.value:
        if getattr(key_node, "value", None) == key and isinstance(value_node, yaml.Node):
            return value_node
    return None


def _scalar(node: yaml.ScalarNode) -> object:
    if node.tag.endswith(":bool"):
        return node.value.lower() in ("true", "yes", "on")
    return node.value


def _environment(service: str, node: yaml.Node) -> Iterator[ComposeEntry]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            value = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
            yield ComposeEntry(service, "environment", (str(key_node.value), value), key_node.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.ScalarNode):
                name, equals, value = str(item.value).partition("=")
                yield ComposeEntry(service, "environment", (name, value if equals else None), item.start_mark.line + 1)


# -- CI and pre-commit --------------------------------------------------------------------------------------------

_SECURITY_TOOLS = patterns.compile(
    r"\bbastion\b|\bbandit\b|\bsemgrep\b|pip[-_]audit|\bsafety\s+(check|scan)|codeql-action|github/codeql|gitleaks"
    r"|trufflehog|detect-secrets|\bsnyk\b|osv-scanner|\btrivy\b|\bgrype\b|dependency-review-action"
    r"|ossf/scorecard|\bpysa\b|\bzizmor\b|ruff\b.*--(extend-)?select[= ][^\n]*\bS\d*\b",
    ignore_case=True,
)


def security_tool_lines(text: str) -> list[tuple[int, str]]:
    """Lines of a CI or pre-commit file that run a security tool (comment lines do not count)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split(" #", 1)[0]
        if content.lstrip().startswith("#"):
            continue
        match = _SECURITY_TOOLS.search(content)
        if match:
            found.append((number, match.group(0)))
    return found


@dataclass(frozen=True)
class DeployFile:
    """Facts about one deployment file, for project-level rules and the checklist."""

    path: str
    kind: str  # dockerfile | compose | workflow | pre-commit
    # Dockerfile: the final stage's FROM line, its last USER line and user ("" when none).
    final_from_line: int = 0
    final_image: str = ""
    user_line: int = 0
    user: str = ""
    # CI / pre-commit: lines that run a security tool.
    security_lines: tuple[tuple[int, str], ...] = ()
    first_line: str = ""


def deploy_facts(rel: str, text: str) -> DeployFile | None:
    name = PurePosixPath(rel).name
    first = next((line for line in text.splitlines() if line.strip()), "")[:200]
    if is_dockerfile(name):
        stages = dockerfile_stages(parse_dockerfile(text))
        if not stages:
            return None
        final = stages[-1]
        users = final.users
        last = users[-1] if users else None
        return DeployFile(
            rel,
            "dockerfile",
            final_from_line=final.line,
            final_image=final.image,
            user_line=last.line if last else 0,
            user=last.arguments.split()[0] if last and last.arguments else "",
            first_line=first,
        )
    if is_workflow(rel):
        return DeployFile(rel, "workflow", security_lines=tuple(security_tool_lines(text)), first_line=first)
    if is_pre_commit_config(rel):
        return DeployFile(rel, "pre-commit", security_lines=tuple(security_tool_lines(text)), first_line=first)
    return None


def runs_as_root(user: str, image: str) -> bool:
    if not user:
        return not any(marker in image.lower() for marker in ("nonroot", "rootless", "non-root"))
    name = user.split(":", 1)[0].strip()
    return name in ("root", "0")
