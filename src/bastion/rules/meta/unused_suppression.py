"""BST001: a suppression comment that suppresses nothing."""

from __future__ import annotations

from bastion.core.rule import Rule
from bastion.core.severity import Confidence, Severity


class UnusedSuppression(Rule):
    """## What it does
    Reports a suppression comment (`# bastion: ignore[...]`, or a peer tool's `# nosec`, `# noqa: S...`,
    `# pragma: allowlist secret`) that matched no finding in this scan. Only reported with
    `--report-unused-suppressions`.

    ## Why is this bad?
    A stale suppression hides the next real problem on that line: when the code changes, the comment stays,
    and a new finding of the same rule is silenced without anyone looking at it.

    ## Example
    ```python
    value = int(text)  # bastion: ignore[PAT101]
    ```

    ## Use instead
    ```python
    value = int(text)
    ```

    ## References
    - ruff's `RUF100` (unused `noqa`), which this follows.
    """

    code = "BST001"
    slug = "unused-suppression"
    summary = "Suppression comment that matches no finding"
    severity = Severity.INFO
    confidence = Confidence.HIGH
    cwe = (1164,)
    fix_hint = "remove the stale suppression comment"
    tags = ("maintainability",)
