"""How a result is shown: the part of a request that only the reporters and the command line read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ReportOptions:
    # Report format: a reporter's name (`bastion.report.FORMATS`; the checklist has its own).
    fmt: str = "text"
    # Write the report to this file; the summary still goes to the terminal.
    output: Path | None = None
    # Also list the findings that suppression comments silenced.
    show_suppressed: bool = False
    # No progress bar, even on a terminal.
    no_progress: bool = False
