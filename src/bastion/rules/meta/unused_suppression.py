"""BST001: a suppression comment, or an advisory ignore of the configuration, that suppresses nothing."""

from __future__ import annotations

from bastion.core.rule import Rule
from bastion.core.severity import Confidence, Severity


class UnusedSuppression(Rule):
    """## What it does
    Reports a suppression comment (`# bastion: ignore[...]`, or a peer tool's `# nosec`, `# noqa: S...`,
    `# pragma: allowlist secret`) that matched no finding in this scan, and an advisory ignore
    (`[tool.bastion.deps] ignore`, at its line in the configuration file, or `--ignore-vuln`) that named no
    advisory of any audited dependency. Only reported with `--report-unused-suppressions`; an ignore is not called
    stale when part of the dependency audit did not run (`--offline`, an unreachable server, a line not audited).

    ## Why is this bad?
    A stale suppression hides the next real problem on that line: when the code changes, the comment stays,
    and a new finding of the same rule is silenced without anyone looking at it. A stale advisory ignore is a
    decision nobody is reviewing any more: when the package comes back, at a version the advisory affects, it is
    silenced with a reason written for another situation.

    ## Example
    ```python
    value = int(text)  # bastion: ignore[PAT101]
    ```

    An advisory ignore left behind for a package the project no longer pins:

    ```toml file=pyproject.toml
    [tool.bastion.deps]
    ignore = [{ id = "PYSEC-2018-66", reason = "JSON decoder never reached" }]
    ```

    ## Use instead
    ```python
    value = int(text)
    ```

    and no `ignore` entry for an advisory that no longer concerns the project.

    ## References
    - ruff's `RUF100` (unused `noqa`), which this follows.
    """

    code = "BST001"
    slug = "unused-suppression"
    summary = "Suppression comment or advisory ignore that matches no finding"
    severity = Severity.INFO
    confidence = Confidence.HIGH
    cwe = (1164,)
    fix_hint = "remove the stale suppression comment (or advisory ignore)"
    tags = ("maintainability",)
