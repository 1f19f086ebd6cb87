"""`bastion fix` on the vulnerable example app (a copy): what the fixes resolve is gone, nothing else changes in
the findings, and every module still compiles."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from bastion.api import ScanOptions, ScanRequest, scan
from bastion.api.fixing import fix
from bastion.core.config import BastionConfig
from bastion.core.finding import Finding
from bastion.core.fix import Applicability
from bastion.fix.engine import FixSettings
from tests.conftest import make_services

EXAMPLE_APP = Path(__file__).resolve().parents[2] / "examples" / "vulnerable-flask-app"


def _keys(findings: list[Finding]) -> Counter[tuple[str, str, str]]:
    return Counter((finding.code, finding.location.path, finding.scope) for finding in findings)


@pytest.mark.parametrize("applicability", [Applicability.SAFE, Applicability.UNSAFE], ids=["safe", "unsafe"])
def test_fixing_the_example_app(tmp_path: Path, applicability: Applicability) -> None:
    app = tmp_path / "app"
    shutil.copytree(EXAMPLE_APP, app)
    options = ScanOptions(config=BastionConfig(), root=app, jobs=1, services=make_services())
    before = scan([app], options).findings
    report = fix(ScanRequest(paths=(app,), isolated=True, jobs=1), FixSettings(applicability), services=make_services())
    assert not report.outcome.dropped, report.outcome.dropped
    assert report.outcome.converged and report.written and not report.not_written
    applied = _keys([f for f in before if f.fix is not None and applicability.allows(f.fix.applicability)])
    assert sum(applied.values()) == len(report.outcome.applied) >= (3 if applicability is Applicability.SAFE else 25)
    # Scanned again from the disk: each fixed finding is gone, no finding appeared, nothing fixable is left.
    after = scan([app], options).findings
    expected = _keys(before) - applied
    assert not _keys(after) - expected, "findings appeared"
    # A fix can also settle another rule's finding on the line it edits: `debug=True` -> `False` in a `__main__`
    # runner leaves the 0.0.0.0 address of a script run by hand, which PAT805 does not report.
    fixed_lines = {
        (f.location.path, f.location.line)
        for f in before
        if f.fix is not None and applicability.allows(f.fix.applicability)
    }
    settled = expected - _keys(after)
    assert all((f.location.path, f.location.line) in fixed_lines for f in before if _keys([f]) & settled), settled
    assert not [f for f in after if f.fix is not None and applicability.allows(f.fix.applicability)]
    for path in sorted(app.rglob("*.py")):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")  # parses and compiles; nothing runs
    changed = {path.relative_to(app).as_posix() for path in app.rglob("*") if path.is_file()} & set(report.changed)
    assert changed == set(report.changed) and changed
    for path in sorted(EXAMPLE_APP.rglob("*")):
        if path.is_file() and path.relative_to(EXAMPLE_APP).as_posix() not in changed:
            assert (app / path.relative_to(EXAMPLE_APP)).read_bytes() == path.read_bytes()
