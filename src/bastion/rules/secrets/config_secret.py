"""SEC203: a secret-like key given a literal value in a config file, `.env`, Dockerfile or shell script."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import TextContext, TextRule
from bastion.rules.secrets.support import FIX_HINT, SUPERSEDED_CONFIGURATION_RULES, text_findings
from bastion.secrets.filekinds import CONFIG_KINDS, classify
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument


class ConfigSecret(TextRule):
    """## What it does
    Reads `key = value` pairs in `.env*` files, INI/CFG/properties, TOML, YAML (docker-compose `environment:`
    lists included), JSON, Dockerfiles (`ENV`, `ARG`) and shell scripts (`export TOKEN=…`, `--password …`), and
    reports a secret-like key (`DB_PASSWORD`, `api_key`, `client-secret`, `spring.datasource.password`) given a
    literal value. Values that point elsewhere are not reported: `${DB_PASSWORD}`, `{{ vault_db }}`,
    `!vault`, `ENC[…]`, `/run/secrets/db`, `arn:aws:secretsmanager:…`; neither are placeholders, booleans or
    numbers. Random-looking values are reported with high confidence; `.env.example` files, tests and values
    marked as fake at low severity. A value in a test runner's table of `pyproject.toml` or `setup.cfg`
    (`[tool.pytest_env]`, `[tool:pytest]`, `[tool.tox]`) is held back like test code. So is a value that repeats
    the user or database name set within a few lines of it (`POSTGRES_USER: shop` beside `POSTGRES_PASSWORD: shop`,
    `DB_CREDENTIALS=shop:shop`): the default of a quick-start compose file or a local development task, which
    anyone who reads the user name knows, not a leaked credential (`--include-tests` shows it, at info).

    ## Why is this bad?
    Config files are the most common place credentials leak from: a `.env` committed once, a compose file with
    the database password, a Dockerfile `ENV` that is baked into every image layer and shown by
    `docker history`.

    ## Example
    ```dotenv
    DATABASE_URL_HOST=db.internal
    DATABASE_PASSWORD=Tr0ub4dor-3
    ```

    ## Use instead
    ```dotenv
    DATABASE_URL_HOST=db.internal
    DATABASE_PASSWORD=${DATABASE_PASSWORD}
    ```

    Keep real values out of the repository: an uncommitted `.env`, the CI's secret store, Docker/Kubernetes
    secrets or a secrets manager.

    ## References
    - [The Twelve-Factor App: Config](https://12factor.net/config)
    - [Docker: manage sensitive data with secrets](https://docs.docker.com/engine/swarm/secrets/)
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    """

    code = "SEC203"
    supersedes = SUPERSEDED_CONFIGURATION_RULES
    slug = "secret-in-config"
    summary = "a secret-like key given a literal value in a config file, .env, Dockerfile or shell script"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (798, 260)
    fix_hint = FIX_HINT
    tags = ("secrets",)

    def applies_to(self, file: SourceFile) -> bool:
        return classify(file.rel) in CONFIG_KINDS

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        return text_findings(self, document, ctx)
