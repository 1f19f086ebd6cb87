"""Dockerfile, compose and CI parsing: inputs that must be recognised and inputs that must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from bastion.concepts.deploy import (
    compose_entries,
    dockerfile_stages,
    env_pairs,
    image_problems,
    is_compose_file,
    is_dockerfile,
    is_secret_name,
    is_workflow,
    parse_dockerfile,
    parse_image,
    pipes_to_shell,
    security_tool_lines,
)
from tests.foundation.conftest import write_tree
from tests.harness import scan_fixture


def test_dockerfile_continuations_comments_and_heredocs() -> None:
    text = (
        "# syntax=docker/dockerfile:1\n"
        "FROM python:3.12-slim AS base\n"
        "RUN apt-get update \\\n"
        "    # a comment inside the instruction\n"
        "    && apt-get install -y curl\n"
        "RUN <<EOF\n"
        "USER root\n"
        "EOF\n"
        "user app\n"
    )
    instructions = parse_dockerfile(text)
    assert [(i.keyword, i.line) for i in instructions] == [("FROM", 2), ("RUN", 3), ("RUN", 6), ("USER", 9)]
    assert "apt-get install" in instructions[1].arguments
    stages = dockerfile_stages(instructions)
    assert len(stages) == 1 and stages[0].name == "base" and stages[0].users[0].arguments == "app"


@pytest.mark.parametrize(
    ("image", "repository", "tag", "digest"),
    [
        ("python:3.12-slim", "python", "3.12-slim", None),
        ("registry.example.com:5000/team/app", "registry.example.com:5000/team/app", None, None),
        ("python@sha256:abc", "python", None, "sha256:abc"),
    ],
)
def test_image_references(image: str, repository: str, tag: str | None, digest: str | None) -> None:
    reference = parse_image(image)
    assert (reference.repository, reference.tag, reference.digest) == (repository, tag, digest)


def test_image_problems_judge_only_what_they_can() -> None:
    (stage,) = dockerfile_stages(parse_dockerfile("FROM python:3.12\n"))
    assert image_problems(stage, final=True, stage_names=set())
    assert not image_problems(stage, final=False, stage_names=set())
    (variable,) = dockerfile_stages(parse_dockerfile("FROM ${BASE}\n"))
    assert not image_problems(variable, final=True, stage_names=set())


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("DATABASE_PASSWORD", True),
        ("SECRET_KEY", True),
        ("API_KEY", True),
        ("GITHUB_TOKEN", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("PASSWORD_FILE", False),
        ("TOKEN_URL", False),
        ("PASSWORD_HASHER", False),
        ("KEY", False),
        ("DEBUG", False),
        ("MONKEY", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_env_pairs_forms() -> None:
    (env,) = parse_dockerfile('ENV A=1 B="two words" C\n')
    assert list(env_pairs(env)) == [("A", "1"), ("B", "two words"), ("C", None)]
    (legacy,) = parse_dockerfile("ENV KEY some value\n")
    assert list(env_pairs(legacy)) == [("KEY", "some value")]


@pytest.mark.parametrize(
    ("command", "piped"),
    [
        ("curl -sSL https://x.example/i.sh | sh", True),
        ("wget -qO- https://x.example/i.sh | sudo bash", True),
        ('sh -c "$(curl -fsSL https://x.example/i.sh)"', True),
        ("curl https://x.example/get-pip.py | python3 -", True),
        ("curl https://x.example/data.json | python -m json.tool", False),
        ("curl -o /tmp/i.sh https://x.example/i.sh && sh /tmp/i.sh", False),
        ("apt-get install -y curl", False),
    ],
)
def test_pipe_to_shell(command: str, piped: bool) -> None:
    assert pipes_to_shell(command) is piped


def test_compose_lines_and_bad_yaml() -> None:
    text = "services:\n  web:\n    privileged: true\n    environment:\n      - A=1\n      - B\n"
    assert compose_entries("services: [unclosed\n") == []
    assert compose_entries("just a string") == []
    entries = compose_entries("services:\n  web:\n    privileged: true\n    network_mode: host\n")
    assert [(e.key, e.value, e.line) for e in entries] == [("privileged", True, 3), ("network_mode", "host", 4)]
    assert [(e.key, e.value, e.line) for e in compose_entries(text)] == [
        ("privileged", True, 3),
        ("environment", ("A", "1"), 5),
        ("environment", ("B", None), 6),
    ]


@pytest.mark.parametrize(
    ("name", "dockerfile", "compose"),
    [
        ("Dockerfile", True, False),
        ("Dockerfile.prod", True, False),
        ("api.dockerfile", True, False),
        ("Containerfile", True, False),
        ("docker-compose.yml", False, True),
        ("compose.prod.yaml", False, True),
        ("dockerfile_helpers.py", False, False),
        ("compose.py", False, False),
    ],
)
def test_file_kinds(name: str, dockerfile: bool, compose: bool) -> None:
    assert is_dockerfile(name) is dockerfile
    assert is_compose_file(name) is compose


def test_workflows_and_security_tools() -> None:
    assert is_workflow(".github/workflows/ci.yml") and is_workflow("svc/.gitlab-ci.yml")
    assert not is_workflow("docs/workflows/ci.yml")
    lines = security_tool_lines(
        "steps:\n  # - run: bandit -r .\n  - run: pytest\n  - run: pip-audit -r requirements.txt\n"
    )
    assert lines == [(4, "pip-audit")]
    assert security_tool_lines("  - run: ruff check --select S,B .\n")
    assert not security_tool_lines("  - run: ruff check --select E,F .\n")


def test_a_variant_of_the_projects_own_image_is_judged_by_that_image(tmp_path: Path) -> None:
    """Shaped like an app whose root Dockerfile builds its image and whose `docker/<variant>/Dockerfile` adds a
    wallet backend `FROM <app>/<app>`: the root image's finding says it once; a variant of someone else's image
    is judged on its own."""
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "Dockerfile": 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "-m", "shop"]\n',
            "docker/payments/Dockerfile": 'ARG TAG=latest\nFROM shop/shop:${TAG}\nCMD ["/entrypoint.sh"]\n',
            "docker/other/Dockerfile": 'FROM someone/else:1.0\nCMD ["/entrypoint.sh"]\n',
        },
    )
    result = scan_fixture(tmp_path, "CFG401")
    assert sorted((f.location.path, f.location.line) for f in result.findings) == [
        ("Dockerfile", 1),
        ("docker/other/Dockerfile", 1),
    ]
