"""CFG102 is high when the literal key is what the app runs with, medium when the app also loads configuration
the scan cannot read (a config file chosen at run time), which may replace the default."""

from __future__ import annotations

from pathlib import Path

from bastion.core.severity import Severity
from tests.harness import FIXTURES, scan_fixture


def _severities(folder: Path) -> dict[tuple[str, int], Severity]:
    result = scan_fixture(folder, "CFG102")
    return {(f.location.path, f.location.line): f.severity for f in result.findings}


def test_a_default_the_run_time_configuration_may_replace_is_medium() -> None:
    assert _severities(FIXTURES / "CFG102" / "flask_default_config") == {
        ("configs/default.py", 2): Severity.MEDIUM,
        ("configs/default.py", 3): Severity.MEDIUM,
    }


def test_a_literal_the_app_runs_with_is_high() -> None:
    assert set(_severities(FIXTURES / "CFG102" / "flask_bad").values()) == {Severity.HIGH}
