"""The one request every command builds: what to scan, with which rules and settings, against which services,
and how the result is to be shown.

The command line builds a `ScanRequest` from its flags (`bastion.cli.options`: each option's parameter name is a
field name here or in `ReportOptions`) and hands it to `bastion.api.run`; commands differ only in the request
they build. A field marked `config_key(...)` overrides that key of `[tool.bastion]` when it is set (not None).
The request is frozen and checked when it is built, so a contradiction is a usage error before any work starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bastion.core.advisory_ids import EXAMPLES as ADVISORY_ID_EXAMPLES
from bastion.core.advisory_ids import is_advisory_id
from bastion.core.errors import UsageError
from bastion.report.options import STATISTICS_FORMATS, ReportOptions

# The families a command may restrict itself to (`bastion deps`: DEP, `bastion secrets`: SEC).
RESTRICTABLE_FAMILIES = ("DEP", "SEC")


def config_key(key: str, *, extends: bool = False) -> Any:
    """A request field that overrides `[tool.bastion]` key `key` when set (not None). With `extends`, the
    command-line value is appended to the file's (`--ignore` adds to the configured ignores)."""
    return field(default=None, metadata={"config": key, "extends": extends})


@dataclass(frozen=True)
class ScanRequest:
    paths: tuple[Path, ...] = ()

    # Configuration: which file (None: search upwards from the first path), or none at all (`isolated`).
    config_file: Path | None = None
    isolated: bool = False
    # Command-line values for configuration keys; None keeps the file's value.
    select: tuple[str, ...] | None = config_key("select")
    extend_select: tuple[str, ...] | None = config_key("extend-select")
    ignore: tuple[str, ...] | None = config_key("ignore", extends=True)
    exclude: tuple[str, ...] | None = config_key("exclude")
    extend_exclude: tuple[str, ...] | None = config_key("extend-exclude")
    fail_on: str | None = config_key("fail-on")
    max_file_size: str | None = config_key("max-file-size")
    # Report findings in test, CI, docs and example code (at info) instead of holding them back.
    include_tests: bool | None = config_key("include-tests")
    # Only this family's rules run (`bastion deps`, `bastion secrets`); `select` may narrow it further.
    family: str | None = None

    # How the work is done.
    jobs: int | None = None
    # CPU seconds one file's analysis may take (None: the default; 0: no limit). From the command line only: a
    # scanned tree's configuration must not be able to lift the bound on hostile input.
    file_time_limit: float | None = None
    # Analyse every file afresh, and keep nothing in the result cache.
    no_cache: bool = False
    # Scan every commit of the git history instead of the files (`bastion secrets --history`; SEC rules only).
    history: bool = False
    # Scan only the files changed since this git commit (`--diff REF`), and report what concerns them.
    diff: str | None = None
    # With `diff`: report only the findings on changed lines (`--new-only`).
    new_only: bool = False
    # Keep the collectors' facts in the result (`bastion checklist` reads the evidence in them).
    keep_facts: bool = False
    # Lines of code kept before and after each finding (`Finding.excerpt`; the HTML report shows them); 0: none.
    excerpt_lines: int = 0

    # Accepted findings: report only those not in `baseline`, or record today's in `write_baseline`.
    baseline: Path | None = None
    write_baseline: Path | None = None
    report_unused_suppressions: bool = False

    # The dependency audit's advisory source: `db` (offline OSV data), none (`offline`), or OSV online.
    db: Path | None = None
    offline: bool = False
    osv_url: str | None = None
    timeout: float | None = None
    cache_dir: Path | None = None
    # Installed environments to audit too (`bastion deps --env`): None for none, () for the running Python's.
    env_paths: tuple[Path, ...] | None = None
    # Advisories not to report (`--ignore-vuln`, any id of the advisory), besides the configuration's `deps.ignore`.
    ignore_vulns: tuple[str, ...] = ()

    # Report only findings at or above this severity (and let only those decide the exit code); None: all.
    min_severity: str | None = None

    # How the result is shown (the API does not print; the reporters and the CLI read this).
    report: ReportOptions = field(default_factory=ReportOptions)

    def __post_init__(self) -> None:
        if self.baseline is not None and self.write_baseline is not None:
            raise UsageError("--baseline and --write-baseline cannot be used together")
        if self.family is not None and self.family not in RESTRICTABLE_FAMILIES:
            raise ValueError(f"family {self.family!r} cannot be run alone; expected one of {RESTRICTABLE_FAMILIES}")
        if self.history:
            if self.family != "SEC":
                raise ValueError("a history scan runs the SEC rules only: set family='SEC'")
            if len(self.paths) > 1:
                raise UsageError("--history scans one repository: give one PATH (default: the current directory)")
            if self.diff is not None:
                raise UsageError("--history scans every commit; --diff scans the files changed since one: pick one")
        if self.new_only and self.diff is None:
            raise UsageError("--new-only reports findings on the lines changed since a git commit: give --diff REF")
        malformed = [text for text in self.ignore_vulns if not is_advisory_id(text)]
        if malformed:
            raise UsageError(
                f"--ignore-vuln {malformed[0]}: not an advisory id (such as {ADVISORY_ID_EXAMPLES}); it ignores "
                "one advisory, by any of its ids"
            )
        report = self.report
        if report.quiet and report.verbose:
            raise UsageError("--quiet and --verbose cannot be used together")
        if report.statistics and report.fmt not in STATISTICS_FORMATS:
            raise UsageError(f"--statistics is shown as {' or '.join(STATISTICS_FORMATS)}, not {report.fmt}")
        if report.statistics and self.write_baseline is not None:
            raise UsageError("--statistics shows counts; it writes no baseline")

    @property
    def targets(self) -> list[Path]:
        """The paths to scan; the current directory when none was given."""
        return list(self.paths) or [Path()]

    def config_overrides(self) -> tuple[dict[str, Any], frozenset[str]]:
        """The configuration keys this request sets, and which of them extend the file's value."""
        overrides: dict[str, Any] = {}
        extending: set[str] = set()
        for item in fields(self):
            key = item.metadata.get("config")
            value = getattr(self, item.name)
            if key is None or value is None:
                continue
            overrides[key] = value
            if item.metadata.get("extends"):
                extending.add(key)
        return overrides, frozenset(extending)


def build_request(values: dict[str, Any]) -> ScanRequest:
    """A request from option values keyed by field name (of `ScanRequest` or of `ReportOptions`). An unknown
    name is a programming error (an option whose parameter name matches no field), never silently dropped."""
    report_names = {item.name for item in fields(ReportOptions)}
    own_names = {item.name for item in fields(ScanRequest)} - {"report"}
    unknown = set(values) - report_names - own_names
    if unknown:
        raise TypeError(f"no request field for option(s) {', '.join(sorted(unknown))}")
    report = ReportOptions(**{name: value for name, value in values.items() if name in report_names})
    return ScanRequest(**{name: value for name, value in values.items() if name in own_names}, report=report)
