"""PAT904 grades what a template writes unescaped by where the value comes from (issue 11): request data high,
stored data users write medium (high when the field is written from request data), administrator settings low."""

from __future__ import annotations

from bastion.core.severity import Severity
from tests.harness import FIXTURES, scan_fixture


def _severities() -> dict[tuple[str, int], Severity]:
    result = scan_fixture(FIXTURES / "PAT904", "PAT904")
    return {(f.location.path, f.location.line): f.severity for f in result.findings if f.code == "PAT904"}


def test_each_source_of_an_unescaped_value_has_its_severity() -> None:
    found = _severities()
    assert found[("board/templates/board/lookup.html", 1)] == Severity.HIGH  # a Django view's URL argument
    assert found[("board/templates/board/lookup.html", 2)] == Severity.HIGH  # a request header
    assert found[("board/templates/board/lookup.html", 3)] == Severity.HIGH  # request.GET read by the template
    assert found[("board/templates/board/headers.html", 3)] == Severity.HIGH  # looping over request.META
    assert found[("board/templates/board/card.html", 2)] == Severity.HIGH  # a field written from request data
    assert found[("board/templates/board/card.html", 3)] == Severity.MEDIUM  # a stored field
    assert found[("board/templates/board/notice.html", 2)] == Severity.MEDIUM  # a stored field
    assert found[("board/templates/board/card.html", 9)] == Severity.MEDIUM  # the user's own name
    assert found[("board/templates/board/card.html", 11)] == Severity.LOW  # an administrator's setting
