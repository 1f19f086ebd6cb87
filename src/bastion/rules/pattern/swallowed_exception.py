"""PAT903: every exception caught and silently dropped (opt-in)."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._syntax import catches_everything


class SwallowedException(AstRule):
    """## What it does
    Finds `except:`, `except Exception:` and `except BaseException:` handlers whose only statement is `pass`,
    `continue` or `...`. Off by default: select it with `--select PAT903`.

    ## Why is this bad?
    A handler that drops every exception hides failures that matter for security: a signature check that
    raised, a permission lookup that failed, an audit log that could not be written. The code goes on as if
    all went well, and nobody learns that it did not.

    ## Example
    ```python
    def record_audit(event, store):
        try:
            store.write(event)
        except Exception:
            pass
    ```

    ## Use instead
    ```python
    import logging

    log = logging.getLogger(__name__)


    def record_audit(event, store):
        try:
            store.write(event)
        except OSError:
            log.exception("could not write audit event %s", event.id)
    ```
    Catch the exceptions you expect, and log (or re-raise) what you catch.

    ## References
    - [CWE-703: Improper Check or Handling of Exceptional Conditions](https://cwe.mitre.org/data/definitions/703.html)
    - [CWE-390: Detection of Error Condition Without Action](https://cwe.mitre.org/data/definitions/390.html)
    """

    code = "PAT903"
    slug = "swallowed-exception"
    summary = "Every exception caught and silently dropped (`except Exception: pass`)"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    cwe = (703, 390)
    fix_hint = "catch the specific exceptions you expect and log what you catch"
    bandit = ("B110", "B112")
    ruff = ("S110", "S112")
    default_enabled = False
    node_types = (ast.ExceptHandler,)

    def check(self, node: ast.ExceptHandler, ctx: ModuleContext) -> Iterable[Finding]:
        if len(node.body) != 1 or not catches_everything(node.type):
            return ()
        statement = node.body[0]
        if isinstance(statement, ast.Pass):
            action = "pass"
        elif isinstance(statement, ast.Continue):
            action = "continue"
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            action = "..."
        else:
            return ()
        return (ctx.finding(self, node, f"every exception is caught and dropped (`{action}`)"),)
