"""BST107: the dependency vulnerability audit was skipped on request."""

from __future__ import annotations

from bastion.core.notice import Notice, NoticeKind
from bastion.core.severity import Severity
from bastion.rules.meta.not_analysed import NotAnalysedRule


class DependencyAuditSkipped(NotAnalysedRule):
    """## What it does
    Reports, at each manifest with pinned packages, that they were not checked for known vulnerabilities because
    the scan ran with `--offline` and no `--db` (as the pre-commit hooks do). Info severity: the user asked for
    it, and the default `--fail-on` does not fail on it; it keeps the report (and the checklist, which says
    UNKNOWN for the dependency item) from reading as "no vulnerable dependency".

    ## Why is this bad?
    Nothing checked the pins. A report that lists no vulnerable dependency must say whether it looked.

    ## Example
    ```sh
    bastion scan . --offline
    ```

    ## Use instead
    Audit offline against OSV's PyPI export, downloaded beforehand, or online.

    ```sh
    bastion scan . --offline --db osv-pypi-all.zip
    ```

    ## References
    - [OSV: data dumps](https://google.github.io/osv.dev/data/#data-dumps)
    """

    code = "BST107"
    slug = "dependency-audit-skipped"
    summary = "Dependency audit skipped: --offline without --db"
    severity = Severity.INFO
    notice_kinds = frozenset({NoticeKind.AUDIT_SKIPPED})
    fix_hint = "give --db PATH (OSV's PyPI all.zip, downloaded beforehand) to audit offline"
    doc_examples_untestable = True

    @classmethod
    def message_for(cls, notice: Notice) -> str:
        return notice.message
