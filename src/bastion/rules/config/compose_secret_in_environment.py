"""CFG408: a secret written into a compose file's `environment:`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from bastion.concepts.deploy import compose_entries, is_compose_file, is_secret_name, redact
from bastion.core.finding import Finding
from bastion.core.secret_identity import secret_fingerprint
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import TextContext, TextRule
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument


class ComposeSecretInEnvironment(TextRule):
    """## What it does
    Finds `environment:` entries of docker-compose services whose name says they hold a secret (`PASSWORD`,
    `SECRET_KEY`, `API_KEY`, `TOKEN`...) and whose value is written in the file rather than taken from the
    environment (`${DB_PASSWORD}`) or from a secrets file (`*_FILE: /run/secrets/...`). The value is never shown
    whole.

    ## Why is this bad?
    The compose file is committed and shared: everyone with the repository has the database password, and rotating
    it means a commit that stays in the history.

    ## Example
    ```yaml file=docker-compose.yml
    services:
      db:
        image: postgres:16
        environment:
          POSTGRES_PASSWORD: example-only-pw
    ```

    ## Use instead
    ```yaml file=docker-compose.yml
    services:
      db:
        image: postgres:16
        environment:
          POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
    ```

    ## References
    - [Docker Compose: Use secrets](https://docs.docker.com/compose/how-tos/use-secrets/)
    - [Docker Compose: Interpolation](https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/)
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    """

    code = "CFG408"
    slug = "compose-secret-in-environment"
    summary = "Secret written into a compose file's `environment:`"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (798, 260)
    fix_hint = "use ${VARIABLE} interpolation from an untracked .env, or compose secrets"
    tags = ("docker", "deployment", "secrets")

    def applies_to(self, file: SourceFile) -> bool:
        return is_compose_file(PurePosixPath(file.rel).name)

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        for entry in compose_entries(document.text):
            if entry.key != "environment" or not isinstance(entry.value, tuple):
                continue
            name, value = entry.value
            if not is_secret_name(name) or not value or "${" in value or value.startswith("$"):
                continue
            line = document.line(entry.line)
            yield ctx.finding(
                self,
                entry.line,
                f"service `{entry.service}` has `{name}` written in the file (`{redact(value)}`)",
                snippet=line.replace(value, redact(value)).rstrip(),
                context=secret_fingerprint(value, ctx.path),
            )
