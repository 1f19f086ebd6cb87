"""The vulnerable example app: every expected mistake is found, and nothing else is reported.

The expectations live beside the tests (`tests/example_expectations/`), not in the example, so that the report a
new user reads shows the app's own lines, without test markers. Each names its line by its text (unique in the
file), so editing the example never means renumbering them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from tests.conftest import make_services

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
EXPECTATIONS = ROOT / "tests" / "example_expectations"


def read_expected(folder: Path, sidecar: Path) -> set[tuple[str, int, str]]:
    """(file, line, code) for each `<file> | <line text> | <codes>` entry; an anchor that matches no line or
    several is an error in the sidecar."""
    expected: set[tuple[str, int, str]] = set()
    for raw in sidecar.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        path, rest = raw.split(" | ", 1)
        text, codes = rest.rsplit(" | ", 1)
        lines = (folder / path).read_text(encoding="utf-8").splitlines()
        matches = [number for number, line in enumerate(lines, start=1) if text in line]
        if len(matches) != 1:
            raise AssertionError(f"{sidecar.name}: `{text}` matches {len(matches)} lines of {path}, not one")
        expected |= {(path, matches[0], code) for code in codes.split()}
    return expected


def test_vulnerable_app_findings_match_its_expectations() -> None:
    folder = EXAMPLES / "vulnerable-flask-app"
    result = scan([folder], ScanOptions(config=BastionConfig(), root=folder, jobs=1, services=make_services()))
    found = {(f.location.path, f.location.line, f.code) for f in result.findings}
    expected = read_expected(folder, EXPECTATIONS / "vulnerable-flask-app.txt")
    missing = sorted(expected - found)
    unexpected = sorted(found - expected)
    assert not missing, f"expected but not reported: {missing}"
    assert not unexpected, f"reported but not expected: {unexpected}"
    assert not [n for n in result.notices if n.kind.blocking], result.notices


@pytest.mark.parametrize("app", ["vulnerable-flask-app", "hardened-flask-app"])
def test_examples_show_users_no_test_markers(app: str) -> None:
    for path in (EXAMPLES / app).rglob("*"):
        if path.is_file() and path.suffix != ".md":
            text = path.read_text(encoding="utf-8")
            assert "# $" not in text and "{# $" not in text, f"{path}: a test marker users would see"
            assert not path.name.endswith(".expected"), path


def test_an_anchor_must_name_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\nx = 1\n", encoding="utf-8")
    sidecar = tmp_path / "expected.txt"
    sidecar.write_text("a.py | x = 1 | PAT101\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="matches 2 lines"):
        read_expected(tmp_path, sidecar)
