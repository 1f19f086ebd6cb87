"""A range no lock file pins: DEP201 says which kind of declaration it is (info with a lower bound, low without),
DEP101 audits its lower bound and reports it one level below the same release pinned, without an automatic fix."""

from __future__ import annotations

from pathlib import Path

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.deps.versions import lower_bound
from tests.conftest import make_services


def _findings(folder: Path, text: str) -> list[Finding]:
    folder.mkdir()
    (folder / "requirements.txt").write_text(text, encoding="utf-8")
    config = BastionConfig.model_validate({"select": ["DEP101", "DEP201"]})
    result = scan([folder], ScanOptions(config=config, root=folder, jobs=1, services=make_services()))
    return result.findings


def test_lower_bounds() -> None:
    assert lower_bound(">=2.0") == "2.0"
    assert lower_bound("~=4.2.0") == "4.2.0"
    assert lower_bound("<3.9,>=3.8") == "3.8"
    assert lower_bound("==5.*") == "5"
    assert lower_bound(">=1.0,>=1.4") == "1.4"
    for unbounded in ("<3", ">2.0", "!=1.5", "", ">=1.0,!=1.0", "not a specifier"):
        assert lower_bound(unbounded) is None


def test_dep201_severity_says_which_declaration_it_is(tmp_path: Path) -> None:
    findings = _findings(tmp_path / "app", "flask>=2.0\nnumpy\npyyaml<6\n")
    by_line = {f.location.line: f for f in findings if f.code == "DEP201"}
    assert by_line[1].severity is Severity.INFO and "lower bound 2.0" in by_line[1].message
    assert by_line[2].severity is Severity.LOW and "has no version" in by_line[2].message
    assert by_line[3].severity is Severity.LOW and "no lower bound" in by_line[3].message


def test_a_vulnerable_lower_bound_is_weaker_than_a_vulnerable_pin(tmp_path: Path) -> None:
    pinned = [f for f in _findings(tmp_path / "pinned", "urllib3==1.24\n") if f.code == "DEP101"]
    ranged = [f for f in _findings(tmp_path / "ranged", "urllib3>=1.24\n") if f.code == "DEP101"]
    assert pinned and len(ranged) == len(pinned)
    levels = (Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)
    for pin, bound in zip(
        sorted(pinned, key=lambda f: f.properties["id"]), sorted(ranged, key=lambda f: f.properties["id"]), strict=True
    ):
        assert pin.properties["id"] == bound.properties["id"]
        assert levels.index(bound.severity) == max(1, levels.index(pin.severity) - 1)
        assert bound.confidence is Confidence.MEDIUM and pin.confidence is Confidence.HIGH
        assert "`urllib3>=1.24` admits urllib3 1.24 (its lower bound)" in bound.message
        assert bound.properties["pinned"] is False and pin.properties["pinned"] is True
        assert bound.fix is None
        assert bound.fix_hint.startswith("raise the lower bound to ")


def test_a_lock_file_decides_instead(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "uv.lock").write_text("version = 1\n", encoding="utf-8")
    (folder / "requirements.txt").write_text("urllib3>=1.24\n", encoding="utf-8")
    config = BastionConfig.model_validate({"select": ["DEP101", "DEP201"]})
    result = scan([folder], ScanOptions(config=config, root=folder, jobs=1, services=make_services()))
    assert not [f for f in result.findings if f.location.path == "requirements.txt"]
