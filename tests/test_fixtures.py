"""Every rule against its fixture folder: expected findings, and nothing else."""

from __future__ import annotations

import pytest

from tests.conftest import make_services
from tests.harness import FIXTURES, check_fixture, fixture_codes


@pytest.mark.parametrize("code", list(fixture_codes()))
def test_fixture(code: str) -> None:
    problems = check_fixture(FIXTURES / code, code, make_services())
    assert not problems, "\n".join(problems)
