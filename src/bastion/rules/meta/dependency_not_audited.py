"""BST108: a dependency declaration that could not be audited."""

from __future__ import annotations

from bastion.core.notice import Notice, NoticeKind
from bastion.core.severity import Severity
from bastion.rules.meta.not_analysed import NotAnalysedRule


class DependencyNotAudited(NotAnalysedRule):
    """## What it does
    Reports a dependency line, an include, or a whole manifest whose packages could not be audited: a name or
    version given as `${VAR}` (bastion never fills it from its own environment), a line that is not a valid
    requirement, a pin that is not a PEP 440 version, an included file that is missing or outside the project, or
    a lock file that does not parse. Dependencies that are not from PyPI by design (VCS, URL, path) stay notices.

    ## Why is this bad?
    The package on that line was not checked for known vulnerabilities, whatever it is. A requirement that only
    becomes readable at install time is one the audit cannot vouch for.

    ## Example
    ```text file=requirements.txt
    django==${DJANGO_VERSION}
    ```

    ## Use instead
    Pin the version in the file (or in a lock file the audit reads).

    ```text file=requirements.txt
    django==4.2.16
    ```

    ## References
    - [pip: requirements file format, environment variables](https://pip.pypa.io/en/stable/reference/requirements-file-format/#using-environment-variables)
    - [PEP 440: Version Identification](https://peps.python.org/pep-0440/)
    """

    code = "BST108"
    slug = "dependency-not-audited"
    summary = "Dependency not audited: its declaration could not be read"
    severity = Severity.LOW
    notice_kinds = frozenset({NoticeKind.NOT_AUDITED})
    fix_hint = "write the dependency as a plain PEP 508 requirement pinned with == (or lock it)"

    @classmethod
    def message_for(cls, notice: Notice) -> str:
        return f"not audited: {notice.message.removesuffix('; not audited')}"
