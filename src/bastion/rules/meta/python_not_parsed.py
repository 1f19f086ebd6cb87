"""BST103: a Python file that does not parse was not analysed."""

from __future__ import annotations

import sys

from bastion.core.notice import Notice, NoticeKind
from bastion.core.severity import Severity
from bastion.rules.meta.not_analysed import NotAnalysedRule, file_severity

_RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


class PythonNotParsed(NotAnalysedRule):
    """## What it does
    Reports each Python file that the Python running bastion cannot parse: a syntax error, syntax of a newer
    Python (PEP 758's `except A, B:` before 3.14, PEP 701 f-strings before 3.12, `type` statements before 3.12),
    or code nested too deeply for the parser. The finding sits on the line the parser stopped at.

    ## Why is this bad?
    No pattern, taint or secret rule saw the file's code. A module written for a newer Python than the one in
    CI, or a template with a `.py` name, is silently out of the audit, even when it is the authentication module.

    ## Example
    ```python
    try:
        connect()
    except ValueError, TypeError:
        pass
    ```

    ## Use instead
    Run bastion with the Python the project targets (so it knows the same syntax), or fix the syntax error.

    ```python
    try:
        connect()
    except (ValueError, TypeError):
        pass
    ```

    ## References
    - [PEP 758: Allow except and except* expressions without parentheses](https://peps.python.org/pep-0758/)
    - [Python docs: ast.parse](https://docs.python.org/3/library/ast.html#ast.parse)
    """

    code = "BST103"
    slug = "python-not-parsed"
    summary = "Python file not analysed: it does not parse"
    severity = Severity.MEDIUM
    notice_kinds = frozenset({NoticeKind.PARSE_ERROR})
    fix_hint = "fix the syntax, or run bastion with the Python version the project targets"

    @classmethod
    def message_for(cls, notice: Notice) -> str:
        reason = notice.message.removesuffix("; skipped")
        if "run bastion with Python" in reason:  # the engine recognised a newer Python's syntax and said which
            return f"not analysed: {reason} (parsed with Python {_RUNNING})"
        return (
            f"not analysed: {reason} (parsed with Python {_RUNNING}; if the file uses syntax of a newer Python, "
            "run bastion with that version)"
        )

    @classmethod
    def severity_for(cls, notice: Notice) -> Severity:
        return file_severity(notice.path)
