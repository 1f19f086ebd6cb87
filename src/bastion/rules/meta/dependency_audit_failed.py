"""BST106: the dependency vulnerability audit could not run."""

from __future__ import annotations

from bastion.core.notice import Notice, NoticeKind
from bastion.core.severity import Severity
from bastion.rules.meta.not_analysed import NotAnalysedRule


class DependencyAuditFailed(NotAnalysedRule):
    """## What it does
    Reports, at each manifest with pinned packages, that they were not checked for known vulnerabilities because
    the advisory source failed: the OSV server could not be reached or answered garbage, or the offline database
    (`--db`) could not be used. Every other finding is still reported; the exit code is 2 (the audit is
    incomplete) unless this finding is accepted by a baseline or switched off with `--ignore BST106`.

    ## Why is this bad?
    An audit that could not ask must not say "no vulnerabilities". A network hiccup, a proxy or a firewall that
    blocks the advisory server would otherwise pass a vulnerable pin.

    ## Example
    A scan in CI behind a proxy that blocks the advisory server:

    ```sh
    bastion scan .
    ```

    ## Use instead
    Give the scan a source it can reach: the network, or OSV's PyPI export downloaded beforehand.

    ```sh
    bastion scan . --db osv-pypi-all.zip
    ```

    ## References
    - [OSV: API](https://google.github.io/osv.dev/api/)
    """

    code = "BST106"
    slug = "dependency-audit-failed"
    summary = "Dependency audit could not run: the advisory source failed"
    severity = Severity.HIGH
    marks_incomplete = True
    notice_kinds = frozenset({NoticeKind.SERVICE_UNAVAILABLE})
    fix_hint = "make the advisory server reachable, or audit offline with --db PATH (OSV's PyPI all.zip)"
    doc_examples_untestable = True

    @classmethod
    def message_for(cls, notice: Notice) -> str:
        return notice.message
