"""SEC103: a password inside a URL or a connection string."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext, TextContext, TextRule
from bastion.rules.secrets.support import FIX_HINT, assembled_shape_findings, is_text_file, text_findings
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument


class UrlCredentials(AstRule, TextRule):
    """## What it does
    Finds passwords written into URLs (`postgres://user:password@host/db`, `https://user:token@git.example.com`,
    `redis://:password@cache`, `amqp://…`) and into connection strings (`Server=db;User Id=sa;Password=` followed
    by the unquoted password, which keyword scanners miss). Templated passwords (`${DB_PASSWORD}`, `%(password)s`) and
    placeholders (`user:password@`, `<password>`) are not reported; credentials for `localhost` are reported at
    low severity.

    ## Why is this bad?
    Connection URLs travel: into logs, error pages, process listings, crash reports and CI output. A password in
    one is a password in all of those, and in the repository's history.

    ## Example
    ```python
    from sqlalchemy import create_engine

    # Split in two only so that this documentation page does not trip secret scanners.
    engine = create_engine("postgresql://shop:" "Wq8Zp4Lm2Vx7@db.internal:5432/shop")
    ```

    ## Use instead
    ```python
    import os

    from sqlalchemy import create_engine

    engine = create_engine(os.environ["DATABASE_URL"])
    ```

    ## References
    - [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    """

    code = "SEC103"
    slug = "credentials-in-url"
    summary = "a password inside a URL or a connection string"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (798,)
    fix_hint = FIX_HINT
    tags = ("secrets",)
    node_types = (ast.Constant, ast.BinOp, ast.JoinedStr)

    def applies_to(self, file: SourceFile) -> bool:
        return is_text_file(file)

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        return text_findings(self, document, ctx)

    def check(self, node: ast.AST, ctx: ModuleContext) -> Iterator[Finding]:
        return assembled_shape_findings(self, node, ctx)
