"""SEC201: a literal password, token or API key given to a secret-like name in Python code."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext, TextContext, TextRule
from bastion.rules.secrets.literal_checks import password_finding
from bastion.rules.secrets.support import FIX_HINT, SUPERSEDED_CONFIGURATION_RULES, text_findings
from bastion.secrets.python_literals import NODE_TYPES, literal_secrets
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument


class HardcodedPassword(AstRule, TextRule):
    """## What it does
    Finds a string literal given to a secret-like name in Python: an assignment (`password = "…"`,
    `self.apiKey = "…"`, `config["api_key"] = "…"`), a keyword argument (`connect(password="…")`,
    `auth=("user", "…")`), a default argument (`def login(user, password="…")`), a dict entry
    (`{"secret": "…"}`), a comparison (`if token == "…"`) and a fallback (`os.getenv("API_KEY", "…")`, at lower
    severity unless it looks like a real key). Names are split into words, so `apiKey`, `X-Api-Key` and
    `DB_PASSWD` count and `NextToken`, `token_type`, `password_field` or `eos_token` do not. Values read from
    the environment or a secrets manager are not literals; `None`, `""`, placeholders (`changeme`,
    `<your-key>`, `${VAR}`), masked values (`****`) and names of other things (`"DB_PASSWORD"`) are dropped.
    Literals in tests and examples are reported at low severity. A value that looks generated is reported at high
    severity; a word (`admin`, the app's name) at medium, since it is as often a default account or a marker as a
    real password; a dict entry whose value repeats a name the same dict uses in code (`{"password": "LDAP",
    "auth_method": AuthMethod.LDAP}`) is a tag, not reported. Code cells of notebooks are read too.

    ## Why is this bad?
    The password is in every copy of the code and of its history, readable by anyone with access to either,
    and it cannot be changed without a release. Shared between environments, one leak opens them all.

    ## Example
    ```python
    import psycopg2


    def connect():
        return psycopg2.connect(host="db", user="shop", password="Tr0ub4dor-3")
    ```

    ## Use instead
    ```python
    import os

    import psycopg2


    def connect():
        return psycopg2.connect(host="db", user="shop", password=os.environ["DB_PASSWORD"])
    ```

    ## References
    - [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    - [CWE-259: Use of Hard-coded Password](https://cwe.mitre.org/data/definitions/259.html)
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    """

    code = "SEC201"
    supersedes = SUPERSEDED_CONFIGURATION_RULES
    slug = "hardcoded-password"
    summary = "a literal password, token or API key given to a secret-like name in Python"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (259, 798)
    fix_hint = FIX_HINT
    tags = ("secrets",)
    bandit = ("B105", "B106", "B107")
    ruff = ("S105", "S106", "S107")
    node_types = NODE_TYPES

    def check(self, node: ast.AST, ctx: ModuleContext) -> Iterator[Finding]:
        for literal in literal_secrets(node, ctx.parent, ctx.qualified_name):
            yield from password_finding(self, literal, ctx)

    def applies_to(self, file: SourceFile) -> bool:
        return file.suffix == ".ipynb"

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        return text_findings(self, document, ctx)
