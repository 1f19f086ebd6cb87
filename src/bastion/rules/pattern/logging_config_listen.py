"""PAT103: `logging.config.listen()` without a `verify` function."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument


class LoggingConfigListen(AstRule):
    """## What it does
    Finds `logging.config.listen()` started without a `verify` callable.

    ## Why is this bad?
    The listener accepts logging configurations over a socket and applies them. A configuration can name
    classes and factories to call, so anyone who can reach the port can make the process run code
    (`fileConfig` formats go through `eval`). The `verify` argument is the only check on what arrives.

    ## Example
    ```python
    import logging.config

    listener = logging.config.listen(9999)
    ```

    ## Use instead
    ```python
    import hmac
    import logging.config

    SIGNING_KEY = b"loaded-from-a-secret-store"


    def verified(data):
        signature, payload = data[:32], data[32:]
        expected = hmac.digest(SIGNING_KEY, payload, "sha256")
        return payload if hmac.compare_digest(signature, expected) else None


    listener = logging.config.listen(9999, verify=verified)
    ```

    ## References
    - [Python docs: logging.config.listen](https://docs.python.org/3/library/logging.config.html#logging.config.listen)
    - [CWE-94: Code Injection](https://cwe.mitre.org/data/definitions/94.html)
    """

    code = "PAT103"
    slug = "logging-config-listen"
    summary = "`logging.config.listen()` accepts configurations (and code) from the network without verification"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (94,)
    fix_hint = "pass verify= a function that checks a signature on what arrives, or do not listen"
    bandit = ("B612",)
    ruff = ("S612",)
    node_types = (ast.Call,)
    callees = frozenset({"logging.config.listen"})

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        verify = argument(node, 1, "verify")
        if verify is not None and not (isinstance(verify, ast.Constant) and verify.value is None):
            return
        yield ctx.finding(self, node, "`logging.config.listen()` applies configurations from the network unchecked")
