"""BST105: the scan analysed no file at all."""

from __future__ import annotations

from bastion.core.notice import Notice, NoticeKind
from bastion.core.severity import Severity
from bastion.rules.meta.not_analysed import NotAnalysedRule


class NothingAnalysed(NotAnalysedRule):
    """## What it does
    Reports a scan that analysed no file: every file excluded (by the configuration, `.gitignore` or the default
    excludes), skipped (too large, unreadable), or none found. It points at the configuration key that excluded
    the files when there is one.

    ## Why is this bad?
    "No findings" from a scan that read nothing means nothing. A repository's own configuration can exclude
    everything (`exclude = ["**"]`), and a wrong path in CI scans an empty directory: both looked clean.

    ## Example
    ```toml file=bastion.toml
    exclude = ["**"]
    ```

    ```python
    import subprocess
    ```

    ## Use instead
    ```toml file=bastion.toml
    extend-exclude = ["tests/fixtures"]
    ```

    ```python
    import subprocess
    ```

    ## References
    - [ruff: "No Python files found under the given path(s)"](https://docs.astral.sh/ruff/linter/)
    """

    code = "BST105"
    slug = "nothing-analysed"
    summary = "Nothing analysed: the scan read no file"
    severity = Severity.HIGH
    notice_kinds = frozenset({NoticeKind.NOTHING_SCANNED})
    fix_hint = "check the scanned path and the excludes: a scan must read the code it vouches for"

    @classmethod
    def message_for(cls, notice: Notice) -> str:
        return notice.message
