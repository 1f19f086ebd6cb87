"""Notices: things the user must know about the scan itself (a file skipped, a service down)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bastion.core.severity import Severity


class NoticeKind(str, Enum):
    PARSE_ERROR = "parse-error"
    DECODE_ERROR = "decode-error"
    TOO_LARGE = "too-large"
    BINARY = "binary"
    SYMLINK = "symlink"
    UNREADABLE = "unreadable"
    INTERNAL_ERROR = "internal-error"
    CONFIG = "config"
    SERVICE_UNAVAILABLE = "service-unavailable"
    # The dependency audit was skipped because the user asked for it (`--offline` without `--db`).
    AUDIT_SKIPPED = "audit-skipped"
    # A dependency line, or a whole manifest, whose packages were not audited (unreadable, `${VAR}` ...).
    NOT_AUDITED = "not-audited"
    # An analysis stopped before its end on this file: too deep to follow, a time budget spent.
    CUT_SHORT = "cut-short"
    # No file at all was analysed.
    NOTHING_SCANNED = "nothing-scanned"
    INFO = "info"

    @property
    def blocking(self) -> bool:
        """A blocking notice means part of the audit did not run: the scan cannot be called clean (exit 2)."""
        return self in (NoticeKind.INTERNAL_ERROR, NoticeKind.SERVICE_UNAVAILABLE)


@dataclass(frozen=True, slots=True)
class Notice:
    kind: NoticeKind
    message: str
    path: str | None = None
    line: int | None = None
    # The rule whose work the notice is about (it crashed, was skipped, lost its service), when there is one.
    rule: str | None = None
    # How serious the gap is, when the stage that saw it knows better than its kind (the severity of the BST1xx
    # finding made of it): a taint path cut short while carrying request data matters more than one that was not.
    severity: Severity | None = None

    def render(self) -> str:
        where = self.path or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path or "", self.line or 0, self.kind.value, self.message)
