"""The vulnerable example app: every marked mistake is found, and nothing unmarked is reported."""

from __future__ import annotations

from pathlib import Path

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from bastion.core.rule import all_rules
from tests.conftest import make_services
from tests.harness import read_expectations

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _expected(folder: Path) -> set[tuple[str, int, str]]:
    expected: set[tuple[str, int, str]] = set()
    for rule in all_rules():
        expected |= read_expectations(folder, rule.code).expected
    return expected


def test_vulnerable_app_findings_match_its_markers() -> None:
    folder = EXAMPLES / "vulnerable-flask-app"
    result = scan([folder], ScanOptions(config=BastionConfig(), root=folder, jobs=1, services=make_services()))
    found = {(f.location.path, f.location.line, f.code) for f in result.findings}
    expected = _expected(folder)
    missing = sorted(expected - found)
    unexpected = sorted(found - expected)
    assert not missing, f"marked but not reported: {missing}"
    assert not unexpected, f"reported but not marked: {unexpected}"
    assert not [n for n in result.notices if n.kind.blocking], result.notices
