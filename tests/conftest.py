"""Shared test setup: every rule loaded, services that never reach the network."""

from __future__ import annotations

import pytest

from bastion.rules import load_all
from bastion.rules.base import ScanServices

load_all()


def make_services() -> ScanServices:
    """Services for fixture and end-to-end tests: offline, with the test data shipped in tests/data."""
    return ScanServices(offline=True)


@pytest.fixture
def services() -> ScanServices:
    return make_services()
