"""A suppression that does not parse, or names nothing bastion knows, silences nothing and is reported (BST002);
an advisory id silences that advisory only."""

from __future__ import annotations

from pathlib import Path

import pytest

from bastion.api import ScanRequest, run
from bastion.source.suppressions import SuppressionOrigin, parse_comment
from tests.conftest import make_services
from tests.foundation.conftest import write_tree

# Each would, read loosely, silence the `eval` on its line (or a whole family); each must silence nothing.
MALFORMED = [
    "# bastion: ignore[FOO-1]",
    "# bastion: ignore[pat-101]",
    "# bastion: ignore PAT101",
    "# bastion: ignore pat101 reviewed",
    "# bastion: ignore [PAT101]",
    "# bastion: ignore[PAT1O1]",
    "# bastion: ignore[]",
    "# bastion: ignore[PAT101",
    "# bastion: ignore: PAT101",
    "# bastion: ignore=PAT101",
    "# bastion:ignore(PAT101)",
    "# bastion: ignroe[PAT101]",
    "# bastion: ingore PAT101",
    "# bastion: ignore[PAT999]",
    "# bastion: ignore[FOO1]",
    "# bastion: ignore[ALL]",
    "# bastion: ignore[PAT 101]",
    "# bastion: ignore[PAT101, FOO-1]",
    "# bastion: ignore[PYSEC-2O18-28]",
    "# nosec B1O2",
    "# noqa: S3O7",
]


def test_twenty_malformed_suppressions_are_each_reported_and_none_suppresses(tmp_path: Path) -> None:
    assert len(MALFORMED) >= 20
    body = "".join(f"    eval(text)  {comment}\n" for comment in MALFORMED)
    root = write_tree(tmp_path / "p", {"app.py": "def run(text):\n" + body})
    result = run(ScanRequest(paths=(root,), isolated=True, jobs=1), services=make_services())
    lines = range(2, 2 + len(MALFORMED))
    reported = {f.location.line: f for f in result.findings if f.code == "BST002"}
    evals = {f.location.line for f in result.findings if f.code == "PAT101"}
    for line, comment in zip(lines, MALFORMED, strict=True):
        assert line in reported, f"not reported: {comment}"
        assert line in evals, f"suppressed the finding it sits on: {comment}"
    assert result.suppressed == []
    assert "silences nothing" in reported[2].message and "FOO-1" in reported[2].message
    assert "did you mean PAT101?" in reported[3].message


@pytest.mark.parametrize(
    ("comment", "ids"),
    [
        ("# bastion: ignore[PAT101, tnt1]", ("PAT101", "TNT1")),
        ("# bastion: ignore[PAT101] the value is a constant", ("PAT101",)),
        ("# bastion: ignore", ()),
        ("# bastion: ignore  reviewed by the security team", ()),
        ("# bastion: ignore[PYSEC-2018-28, GHSA-9wmf-xf3h-r8pr]", ("PYSEC-2018-28", "GHSA-9WMF-XF3H-R8PR")),
    ],
)
def test_well_formed_suppressions_parse(comment: str, ids: tuple[str, ...]) -> None:
    (suppression,) = parse_comment(comment, 1)
    assert suppression.origin is SuppressionOrigin.BASTION and not suppression.malformed
    assert suppression.ids == ids


def test_peer_markers_with_reasons_are_not_malformed() -> None:
    for comment in ("# nosec", "# nosec B602, B607", "# nosec because b64 data is fine", "# noqa: E501, S602"):
        assert not any(s.malformed for s in parse_comment(comment, 1)), comment
    assert parse_comment("# a comment that mentions bastion: in passing", 1) == []


def test_an_advisory_id_silences_that_advisory_only(tmp_path: Path) -> None:
    files = {"requirements.txt": "flask==0.12.2  # bastion: ignore[pysec-2018-66] reviewed, not reachable\n"}
    root = write_tree(tmp_path / "p", files)
    result = run(ScanRequest(paths=(root,), isolated=True, jobs=1, select=("DEP101",)), services=make_services())
    reported = {f.properties["id"] for f in result.findings if f.code == "DEP101"}
    silenced = {item.finding.properties["id"] for item in result.suppressed}
    assert silenced == {"PYSEC-2018-66"}
    assert reported == {"PYSEC-2019-179", "PYSEC-2023-62"}, "the package's other advisories are still reported"
