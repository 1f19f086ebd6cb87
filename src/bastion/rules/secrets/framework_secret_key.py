"""SEC202: Django's or Flask's `SECRET_KEY` set to a literal."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.secrets.literal_checks import framework_key_finding
from bastion.rules.secrets.support import SUPERSEDED_CONFIGURATION_RULES
from bastion.secrets.python_literals import NODE_TYPES, literal_secrets


class FrameworkSecretKey(AstRule):
    """## What it does
    Finds a Django or Flask `SECRET_KEY` set to a literal: `SECRET_KEY = "…"` in a settings module,
    `app.secret_key = "…"`, `app.config["SECRET_KEY"] = "…"`, `app.config.update(SECRET_KEY="…")`, or a literal
    fallback `os.environ.get("SECRET_KEY", "dev")`. Unlike other secrets, short and placeholder values are
    reported too: `"dev"` or `"changeme"` in production is the worst case, and the message says when the key
    is weak or is Django's generated `django-insecure-` development key. A key set in a test or development
    profile (`class TestingConfig`, `class DevelopmentConfig`, a `settings_dev.py` module) is held back like test
    code.

    ## Why is this bad?
    The key signs session cookies, password-reset links, CSRF tokens and `itsdangerous`/`signing` payloads.
    Whoever knows it can log in as any user by forging a session cookie, and on some stacks turn a forged
    pickle-serialised session into code execution.

    ## Example
    ```python
    from flask import Flask

    app = Flask(__name__)
    app.config["SECRET_KEY"] = "dev"
    ```

    ## Use instead
    ```python
    import os

    from flask import Flask

    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    ```

    ## References
    - [Django: SECRET_KEY](https://docs.djangoproject.com/en/stable/ref/settings/#secret-key)
    - [Flask: SECRET_KEY](https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY)
    - [CWE-321: Use of Hard-coded Cryptographic Key](https://cwe.mitre.org/data/definitions/321.html)
    """

    code = "SEC202"
    supersedes = SUPERSEDED_CONFIGURATION_RULES
    slug = "hardcoded-secret-key"
    summary = "Django's or Flask's `SECRET_KEY` set to a literal"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (321, 798)
    fix_hint = "generate a new random key, load it from the environment or a secrets manager, purge the old one"
    tags = ("secrets",)
    # bandit and ruff report `SECRET_KEY = "…"` as a hard-coded password: their suppressions apply here too.
    bandit = ("B105",)
    ruff = ("S105",)
    node_types = NODE_TYPES

    def check(self, node: ast.AST, ctx: ModuleContext) -> Iterator[Finding]:
        for literal in literal_secrets(node, ctx.parent, ctx.qualified_name):
            yield from framework_key_finding(self, literal, ctx)
