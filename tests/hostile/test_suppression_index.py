"""The suppression index answers exactly what a first-to-last pass over the comments answers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bastion.api.suppressing import _first_match, matches
from bastion.api.suppression_index import SuppressionIndex
from bastion.core.finding import Finding, Location
from bastion.core.rule import get_rule
from bastion.core.severity import Confidence, Severity
from bastion.source.suppressions import Suppression, SuppressionOrigin

CODES = ("PAT101", "PAT302", "SEC101", "SEC203", "TNT101", "CFG101", "DEP101")
IDS = (
    "PAT",
    "PAT1",
    "PAT101",
    "SEC",
    "TNT1",
    "B307",
    "B602",
    "S307",
    "S602",
    "X1",
    "PYSEC-2018-28",
    "GHSA-aaaa-bbbb-cccc",
)
ADVISORIES = ("PYSEC-2018-28", "GHSA-aaaa-bbbb-cccc", "CVE-2020-1234")


def _finding(line: int, code: str, advisory: str) -> Finding:
    return Finding(
        code=code,
        message="m",
        location=Location("a.py", line),
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        properties={"id": advisory} if code.startswith("DEP") else {},
    )


def _linear(suppressions: list[Suppression], finding: Finding) -> Suppression | None:
    rule = get_rule(finding.code)
    return next(
        (s for s in suppressions if not s.malformed and s.covers(finding.location.line) and matches(s, rule, finding)),
        None,
    )


suppression = st.builds(
    lambda line, height, origin, ids, problem: Suppression(
        line, origin, tuple(ids), line, line + height, problem=problem
    ),
    st.integers(1, 30),
    st.integers(0, 4),
    st.sampled_from(list(SuppressionOrigin)),
    st.lists(st.sampled_from(IDS), max_size=3),
    st.sampled_from(["", "", "", "malformed"]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(suppression, max_size=12),
    st.lists(
        st.builds(_finding, st.integers(1, 36), st.sampled_from(CODES), st.sampled_from(ADVISORIES)),
        min_size=1,
        max_size=10,
    ),
)
def test_index_agrees_with_a_linear_pass(suppressions: list[Suppression], findings: list[Finding]) -> None:
    index = SuppressionIndex(suppressions, [finding.location.line for finding in findings])
    for finding in findings:
        expected = _linear(suppressions, finding)
        assert _first_match(finding, index) is expected


def test_bare_noqa_silences_nothing_and_bare_nosec_everything() -> None:
    noqa = Suppression(3, SuppressionOrigin.NOQA, (), 3, 3)
    nosec = Suppression(3, SuppressionOrigin.NOSEC, (), 3, 3)
    index = SuppressionIndex([noqa, nosec], [3, 4])
    assert _first_match(_finding(3, "PAT101", ""), index) is nosec
    assert _first_match(_finding(4, "PAT101", ""), index) is None
