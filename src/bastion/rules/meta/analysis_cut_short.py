"""BST104: an analysis stopped before its end on a file."""

from __future__ import annotations

from bastion.core.notice import Notice, NoticeKind
from bastion.core.severity import Severity
from bastion.rules.meta.not_analysed import NotAnalysedRule


class AnalysisCutShort(NotAnalysedRule):
    """## What it does
    Reports an analysis that stopped before its end: taint paths through more calls than `max-call-depth` that
    were not followed, code nested too deeply for a rule or a fact collector, or a file whose analysis ran out of
    its time budget. The rest of the file was analysed. A taint cut is low where request data enters the chain
    that was cut (a likely miss), info where the cut paths only carried a function's parameters.

    ## Why is this bad?
    A flow from a request to a sink that is one call too deep, or a statement nested past the limit, is not
    reported, and nothing said so. Deep nesting and long call chains are cheap for an attacker to build.

    ## Example
    ```text
    app/views.py:40: taint paths through more than 12 calls were not followed
    ```

    ## Use instead
    Raise `[tool.bastion.taint] max-call-depth` (or the budget) for this run, or simplify the code.

    ```text
    app/views.py: analysed to the end
    ```

    ## References
    - [CodeQL: Data flow analysis](https://codeql.github.com/docs/writing-codeql-queries/about-data-flow-analysis/)
    """

    code = "BST104"
    slug = "analysis-cut-short"
    summary = "Analysis cut short: part of a file's analysis did not finish"
    severity = Severity.LOW
    notice_kinds = frozenset({NoticeKind.CUT_SHORT})
    fix_hint = "raise the limit that stopped the analysis (max-call-depth, the time budget) or simplify the code"
    doc_examples_untestable = True

    @classmethod
    def message_for(cls, notice: Notice) -> str:
        return f"analysis cut short: {notice.message}"
