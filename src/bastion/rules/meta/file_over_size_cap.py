"""BST101: a file bigger than the size cap was not analysed."""

from __future__ import annotations

from bastion.core.notice import Notice, NoticeKind
from bastion.core.severity import Severity
from bastion.rules.meta.not_analysed import NotAnalysedRule, file_severity


class FileOverSizeCap(NotAnalysedRule):
    """## What it does
    Reports each file that was not analysed because it is bigger than the size cap (`max-file-size`, 2 MB by
    default), at its first line. Python source is medium; configuration, manifests, Dockerfiles and templates low;
    other files (assets such as a vendored JavaScript bundle, documents, data), which only the secret rules read,
    info.

    ## Why is this bad?
    Nothing in the file was checked. Padding a file past the cap (a long comment, a blob of data) used to turn
    any flaw in it into "No findings", exit 0; a repository's own configuration can also lower the cap until
    nothing is read.

    ## Example
    A 3 MB `app/views.py`, or `max-file-size = "10B"` in the project's configuration.

    ```text
    app/views.py: file is 3.0 MB, over the 2.0 MB size cap (max-file-size)
    ```

    ## Use instead
    Split generated or vendored data out of source files, exclude what is not yours to audit, or raise the cap
    for this run (`--max-file-size 8MB`). A file you accept not to analyse can go in the baseline.

    ```text
    app/views.py: analysed
    ```

    ## References
    - [OWASP: Static Code Analysis](https://owasp.org/www-community/controls/Static_Code_Analysis)
    """

    code = "BST101"
    slug = "file-over-size-cap"
    summary = "File not analysed: bigger than the size cap"
    severity = Severity.LOW
    notice_kinds = frozenset({NoticeKind.TOO_LARGE})
    fix_hint = "raise --max-file-size for this file's size, split the file, or exclude it if it is not yours"
    doc_examples_untestable = True

    @classmethod
    def severity_for(cls, notice: Notice) -> Severity:
        return file_severity(notice.path)
