"""The command-line options, in groups that commands combine, and the request they build.

Each option's parameter name is the name of a `ScanRequest` or `ReportOptions` field (`bastion.api.request`),
and a callback turns the raw value into the field's type, so a command builds its request with
`request_from(params)` and nothing in between: adding an option is a field there and an entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from bastion.api.request import ScanRequest, build_request
from bastion.core.severity import Severity
from bastion.report import FORMATS
from bastion.report.options import SORT_ORDERS

F = TypeVar("F", bound=Callable[..., Any])

SEVERITY_CHOICE = click.Choice([severity.label for severity in Severity])


def split_codes(values: Sequence[str]) -> tuple[str, ...] | None:
    """`--select PAT1,SEC --select TNT` -> ("PAT1", "SEC", "TNT"); None when the option was not given."""
    if not values:
        return None
    return tuple(part.strip().upper() for value in values for part in value.split(",") if part.strip())


def split_list(values: Sequence[str]) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _codes(_context: click.Context, _parameter: click.Parameter, values: Sequence[str]) -> tuple[str, ...] | None:
    return split_codes(values)


def _patterns(_context: click.Context, _parameter: click.Parameter, values: Sequence[str]) -> tuple[str, ...] | None:
    return split_list(values)


def combine(*decorators: Callable[[Any], Any]) -> Callable[[F], F]:
    """Apply option decorators in the order written (click lists options in reverse application order)."""

    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def format_option(choices: Sequence[str], help_text: str) -> Callable[[F], F]:
    return click.option(
        "--format", "-f", "fmt", type=click.Choice(choices), default="text", show_default=True, help=help_text
    )


OUTPUT = click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to FILE; the summary still goes to the terminal.",
)

# Which rules run and on which files; each overrides the configuration key of the same name.
SELECTION = combine(
    click.option(
        "--select",
        multiple=True,
        metavar="CODES",
        callback=_codes,
        help="Only these rules: codes or prefixes, comma-separated (PAT, PAT1, PAT101, ALL).",
    ),
    click.option(
        "--extend-select", multiple=True, metavar="CODES", callback=_codes, help="Add rules to the selection."
    ),
    click.option(
        "--ignore", multiple=True, metavar="CODES", callback=_codes, help="Skip these rules (codes or prefixes)."
    ),
    click.option(
        "--exclude",
        multiple=True,
        metavar="PATTERNS",
        callback=_patterns,
        help="Replace the default excludes (gitignore syntax, relative to the project root).",
    ),
    click.option(
        "--extend-exclude", multiple=True, metavar="PATTERNS", callback=_patterns, help="Add to the excludes."
    ),
    click.option(
        "--include-tests",
        is_flag=True,
        default=None,
        help="Also report findings in test, CI, docs and example code (at info severity); they are held back "
        "by default. The paths are the `test-paths` setting.",
    ),
)
FAIL_ON = click.option(
    "--fail-on", type=SEVERITY_CHOICE, help="Exit 1 when a finding is at or above this severity [default: low]."
)
CONFIGURATION = combine(
    click.option("--max-file-size", metavar="SIZE", help="Skip files bigger than this (e.g. 2MB)."),
    click.option(
        "--file-time-limit",
        type=click.FloatRange(min=0),
        metavar="SECONDS",
        help="Stop analysing one file after this much CPU time, with a notice (0: no limit) [default: 30].",
    ),
    click.option(
        "--config",
        "config_file",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        help="Use this configuration file instead of searching for one.",
    ),
    click.option("--isolated", is_flag=True, help="Ignore configuration files."),
    click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes [default: all cores]."),
    click.option(
        "--no-cache",
        is_flag=True,
        help="Analyse every file afresh and keep nothing; by default unchanged files' results are reused from the "
        "cache directory (--cache-dir, $BASTION_CACHE_DIR, else the user cache directory).",
    ),
)
BASELINE = click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Report only findings that are not in this baseline file.",
)
WRITE_BASELINE = click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Record the current findings as accepted, in FILE.",
)
SUPPRESSIONS = combine(
    click.option(
        "--show-suppressed",
        is_flag=True,
        help="Also list findings silenced by comments (the HTML report always holds them, folded away).",
    ),
    click.option(
        "--report-unused-suppressions",
        is_flag=True,
        help="Report suppression comments that match no finding (BST001).",
    ),
)
PROGRESS = click.option("--no-progress", is_flag=True, help="No progress bar, even on a terminal.")
# Pull requests and pre-commit: what changed since a git commit.
CHANGES = combine(
    click.option(
        "--diff",
        metavar="REF",
        help="Scan only the files changed since the git commit REF (a branch, tag, HEAD~1, a commit id): modified, "
        "added, renamed, and untracked files that are not ignored. Data flows between a changed file and the "
        "others are followed where the cache holds the others' results.",
    ),
    click.option(
        "--new-only",
        is_flag=True,
        help="With --diff: report only findings on the changed lines (for a data flow, on any of its steps).",
    ),
)
# Where the dependency audit's advisories come from.
ADVISORIES = combine(
    click.option(
        "--db",
        type=click.Path(path_type=Path, exists=True),
        help="Audit dependencies against this offline OSV data (a folder of OSV JSON files, or OSV's PyPI "
        "all.zip) instead of OSV online; no network.",
    ),
    click.option(
        "--offline",
        is_flag=True,
        help="Never use the network; without --db the vulnerability audit is skipped, with a notice.",
    ),
    click.option("--osv-url", metavar="URL", help="OSV API base URL [default: https://api.osv.dev]."),
    click.option(
        "--timeout",
        type=click.FloatRange(min=0.1, max=600),
        help="Seconds to wait for each OSV request [default: 15].",
    ),
    click.option(
        "--ignore-vuln",
        "ignore_vulns",
        multiple=True,
        metavar="ID",
        help="Do not report this advisory (any of its ids: PYSEC, GHSA, CVE); listed as suppressed. Repeatable. "
        "In the configuration: [tool.bastion.deps] ignore, with a reason and an expiry date.",
    ),
    click.option(
        "--cache-dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Where per-file results, the offline index and OSV records are cached [default: $BASTION_CACHE_DIR, "
        "else the user cache directory].",
    ),
)

# Triage of a long report: order, a severity floor, counts per rule, how much is said, the exit code.
TRIAGE = combine(
    click.option(
        "--sort",
        type=click.Choice(SORT_ORDERS),
        default="file",
        show_default=True,
        help="Order of the findings: by file and line, by severity (most severe first), or by rule code.",
    ),
    click.option(
        "--min-severity",
        type=SEVERITY_CHOICE,
        help="Report only findings at or above this severity; only they count for the exit code.",
    ),
    click.option(
        "--statistics", is_flag=True, help="Show the number of findings per rule instead of the findings (text, json)."
    ),
    click.option("--quiet", "-q", is_flag=True, help="Print the findings only: no summary, notices or progress."),
    click.option(
        "--verbose", "-v", is_flag=True, help="Also print, on stderr, the configuration, rules, files and timing."
    ),
    click.option(
        "--exit-zero", is_flag=True, help="Exit 0 even when findings reach --fail-on (2 still means incomplete)."
    ),
)

# Everything a command that scans and reports findings takes (scan, secrets, deps).
SCAN_OPTIONS = combine(
    PATHS,
    format_option(FORMATS, "Report format."),
    OUTPUT,
    SELECTION,
    FAIL_ON,
    TRIAGE,
    CONFIGURATION,
    BASELINE,
    WRITE_BASELINE,
    SUPPRESSIONS,
    PROGRESS,
    ADVISORIES,
)


def request_from(params: dict[str, Any], **fixed: Any) -> ScanRequest:
    """The request a command's parsed options describe; `fixed` holds what the command itself decides
    (`family="DEP"`, `keep_facts=True` ...)."""
    paths = params.get("paths")
    values = {**params, **fixed}
    if paths is not None:
        values["paths"] = tuple(paths)
    return build_request(values)
