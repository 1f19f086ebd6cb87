"""BST002: a suppression comment that does not parse, or names no rule: it silences nothing."""

from __future__ import annotations

from bastion.core.rule import Rule
from bastion.core.severity import Confidence, Severity


class MalformedSuppression(Rule):
    """## What it does
    Reports a suppression comment that bastion cannot read as one: a code outside the brackets
    (`# bastion: ignore PAT101`), a space before them (`ignore [PAT101]`), a code that is no code (`PAT-101`,
    `PAT1O1`, `FOO-1`) or names no rule (`PAT999`), empty brackets, a misspelt directive (`ignroe[...]`), or a
    peer's id that is no id (`# nosec B6O2`, `# noqa: S6O2`). Such a comment silences nothing, so the finding it
    was meant for is reported as well.

    An advisory id in the brackets (`# bastion: ignore[PYSEC-2018-28]` on a requirements line) is a suppression
    of its own kind: it silences that advisory only, not the package's other advisories.

    ## Why is this bad?
    A suppression that does not say exactly what it silences is worse than none. Read loosely, `ignore[FOO-1]`
    or `ignore PAT101` would silence every rule on the line, and `ignore[PAT1O1]` the whole `PAT1` family,
    including the next real problem written there; read strictly, it silences nothing and the author believes
    otherwise. Either way the comment lies; it must be fixed.

    ## Example
    ```python
    import subprocess


    def run(command):
        subprocess.run(command, shell=True)  # bastion: ignore PAT301
    ```

    ## Use instead
    ```python
    import subprocess


    def run(command):
        subprocess.run(command, shell=True)  # bastion: ignore[PAT301] command is a constant built above
    ```

    ## References
    - ruff's `PGH004` / invalid `noqa` warnings, which this follows for bastion's own comments.
    - [CWE-1164: Irrelevant Code](https://cwe.mitre.org/data/definitions/1164.html)
    """

    code = "BST002"
    slug = "malformed-suppression"
    summary = "Suppression comment that does not parse or names no rule; it silences nothing"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    cwe = (1164,)
    fix_hint = "write `# bastion: ignore[CODE, ...]` with rule codes or prefixes (PAT101, PAT1) or advisory ids"
    tags = ("maintainability",)
