"""How a result is shown: the part of a request that only the reporters and the command line read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The report formats (`bastion.report.formats` has their renderers).
FORMATS = ("text", "json", "sarif", "html", "github", "gitlab", "junit")
# `--sort`: the order findings are listed in (text groups them by file only in `file` order).
SORT_ORDERS = ("file", "severity", "rule")
# Formats that can show `--statistics` (counts per rule instead of the findings).
STATISTICS_FORMATS = ("text", "json")


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
    # The order of the findings: by file (then line), by severity (most severe first), or by rule code.
    sort: str = "file"
    # Counts per rule instead of the findings (text and JSON).
    statistics: bool = False
    # Only the findings: no summary, notices or progress on the terminal.
    quiet: bool = False
    # Also say, on stderr, what ran: the configuration file, rules, files and the time it took.
    verbose: bool = False
    # Exit 0 even when findings reach --fail-on (an incomplete audit still exits 2).
    exit_zero: bool = False

    def __post_init__(self) -> None:
        if self.sort not in SORT_ORDERS:
            raise ValueError(f"unknown sort order {self.sort!r}; expected one of {', '.join(SORT_ORDERS)}")
