"""CFG403: secrets in Dockerfile `ENV` or `ARG`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from bastion.concepts.deploy import env_pairs, is_dockerfile, is_literal_value, is_secret_name, parse_dockerfile
from bastion.concepts.deploy import redact as redact_value
from bastion.core.finding import Finding
from bastion.core.secret_identity import secret_fingerprint
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import TextContext, TextRule
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument


class DockerfileSecretInEnv(TextRule):
    """## What it does
    Finds `ENV` and `ARG` instructions whose name says it holds a secret (`PASSWORD`, `SECRET_KEY`, `API_KEY`,
    `TOKEN`, `CREDENTIALS`...; names such as `PASSWORD_FILE` or `TOKEN_URL` are not secrets). An `ENV` with a
    literal value is reported with the value redacted; an `ARG` (or an `ENV` copied from one) also, since build
    arguments are recorded in the image history.

    ## Why is this bad?
    `ENV` values are stored in the image configuration and `ARG` values in its history: anyone who can pull the
    image (a registry, a CI cache, a customer) reads them with `docker history` or `docker inspect`.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    ARG GITHUB_TOKEN
    RUN pip install git+https://${GITHUB_TOKEN}@github.com/acme/private.git
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN --mount=type=secret,id=github_token \
        pip install git+https://$(cat /run/secrets/github_token)@github.com/acme/private.git
    ```

    ## References
    - [Docker: Build secrets](https://docs.docker.com/build/building/secrets/)
    - [Docker build checks: SecretsUsedInArgOrEnv](https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/)
    - [CWE-538: Insertion of Sensitive Information into Externally-Accessible File](https://cwe.mitre.org/data/definitions/538.html)
    """

    code = "CFG403"
    slug = "dockerfile-secret-in-env"
    summary = "Secret in a Dockerfile `ENV` or `ARG`"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (538, 798)
    fix_hint = "pass secrets at build time with RUN --mount=type=secret and at run time from the environment"
    tags = ("docker", "deployment", "secrets")

    def applies_to(self, file: SourceFile) -> bool:
        return is_dockerfile(PurePosixPath(file.rel).name)

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        for instruction in parse_dockerfile(document.text):
            if instruction.keyword not in ("ENV", "ARG"):
                continue
            for name, value in env_pairs(instruction):
                if not is_secret_name(name):
                    continue
                line = document.line(instruction.line)
                if value and is_literal_value(value):
                    snippet = line.replace(value, redact_value(value))
                    yield ctx.finding(
                        self,
                        instruction.line,
                        f"`{instruction.keyword} {name}` bakes a secret (`{redact_value(value)}`) into the image",
                        snippet=snippet.rstrip(),
                        context=secret_fingerprint(value, ctx.path),
                    )
                elif instruction.keyword == "ARG":
                    yield ctx.finding(
                        self,
                        instruction.line,
                        f"build argument `{name}` holds a secret; its value is recorded in the image history",
                        context=name,
                    )
                elif value:
                    yield ctx.finding(
                        self,
                        instruction.line,
                        f"`ENV {name}` copies a secret into the image configuration",
                        context=name,
                    )
