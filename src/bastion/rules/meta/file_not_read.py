"""BST102: a file that could not be read or decoded was not analysed."""

from __future__ import annotations

from bastion.core.notice import Notice, NoticeKind
from bastion.core.severity import Severity
from bastion.rules.meta.not_analysed import NotAnalysedRule, file_severity


class FileNotRead(NotAnalysedRule):
    """## What it does
    Reports each file that was not analysed because it could not be read (permissions, an I/O error), could not
    be decoded (a Python file that is not valid in its declared encoding, an unknown coding cookie), or is not
    text where text was expected (a `.py` file or a manifest full of binary data). A few NUL bytes in a text file
    do not make it binary: the rest of the file is read.

    ## Why is this bad?
    Nothing in the file was checked: a flaw or a credential in it is not reported. An invalid byte or a bogus
    coding cookie is an easy way to hide a module from an auditor that gives up on it quietly.

    ## Example
    ```text
    app/auth.py: not valid utf-8 (byte 0xff on line 3)
    ```

    ## Use instead
    Save the file as UTF-8 (or declare its real encoding, PEP 263), and make it readable by the user running the
    scan.

    ```text
    app/auth.py: analysed
    ```

    ## References
    - [PEP 263: Defining Python Source Code Encodings](https://peps.python.org/pep-0263/)
    """

    code = "BST102"
    slug = "file-not-read"
    summary = "File not analysed: it could not be read or decoded"
    severity = Severity.LOW
    notice_kinds = frozenset({NoticeKind.DECODE_ERROR, NoticeKind.UNREADABLE, NoticeKind.BINARY})
    fix_hint = "make it a readable regular file (not a pipe or device), saved as UTF-8 or with its encoding declared"
    doc_examples_untestable = True

    @classmethod
    def severity_for(cls, notice: Notice) -> Severity:
        return file_severity(notice.path)
