"""`fix(request, settings)`: apply the fixes of a scan's findings to a fixpoint, then write them (or only show them).

The rounds (`bastion.fix.engine`) re-scan the edited texts in memory through `scan(..., ScanOptions(overlay=...))`,
so nothing is written until every edit has been checked; then each changed file is written atomically, unless it
changed on disk meanwhile. Files are edited only inside the paths the request names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from bastion.api.execute import resolve_config, scan_options
from bastion.api.request import ScanRequest
from bastion.api.scan import ProgressCallback, scan
from bastion.core.errors import UsageError
from bastion.core.result import ScanResult
from bastion.fix.engine import FixOutcome, FixSettings, run_fixes
from bastion.fix.writing import NotEditable, write_fixed
from bastion.rules.base import ScanServices


@dataclass
class FixReport:
    outcome: FixOutcome
    # Whether the changes were written (False for `--diff`).
    written: bool
    # Files not written, with why (changed on disk meanwhile ...).
    not_written: dict[str, str] = field(default_factory=dict)

    @property
    def result(self) -> ScanResult:
        """The scan of the fixed text: what is left."""
        return self.outcome.result

    @property
    def changed(self) -> list[str]:
        """Files changed (written, or that would be with `write`)."""
        return [rel for rel in self.outcome.changed if rel not in self.not_written]


def fix(
    request: ScanRequest,
    settings: FixSettings,
    *,
    write: bool = True,
    services: ScanServices | None = None,
    progress: ProgressCallback | None = None,
) -> FixReport:
    """Fix what the request's scan finds. `services` replaces the ones the request would build; `progress` is
    shown for the first scan (the later ones re-read only what the fixes changed, in memory)."""
    targets = request.targets
    for target in targets:
        if not target.exists():
            raise UsageError(f"{target}: no such file or directory")
    loaded = resolve_config(request)
    options = scan_options(request, loaded, services=services)
    allowed = [target.resolve() for target in targets]
    scans = 0

    def rescan(overlay: Mapping[str, str]) -> ScanResult:
        nonlocal scans
        scans += 1
        return scan(targets, replace(options, overlay=dict(overlay), progress=progress if scans == 1 else None))

    outcome = run_fixes(rescan, loaded.root, allowed, settings)
    report = FixReport(outcome, written=write)
    if write:
        for rel in outcome.changed:
            try:
                write_fixed(outcome.files[rel], outcome.texts[rel], allowed)
            except NotEditable as error:
                report.not_written[rel] = str(error)
    return report
