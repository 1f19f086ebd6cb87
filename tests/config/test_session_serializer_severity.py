"""CFG106 is high when pickled sessions live in a signed cookie (the browser holds the bytes), medium when they live
on the server (only whoever writes to the session store holds them)."""

from __future__ import annotations

from bastion.core.severity import Severity
from tests.harness import FIXTURES, scan_fixture


def _severities(app: str) -> set[Severity]:
    result = scan_fixture(FIXTURES / "CFG106" / app, "CFG106")
    return {finding.severity for finding in result.findings}


def test_pickled_cookie_sessions_are_high() -> None:
    assert _severities("django_cookie") == {Severity.HIGH}


def test_pickled_server_side_sessions_are_medium() -> None:
    assert _severities("django_db") == {Severity.MEDIUM}


def test_json_sessions_are_not_reported() -> None:
    assert _severities("django_json") == set()
