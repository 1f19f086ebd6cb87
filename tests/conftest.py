"""Shared test setup: every rule loaded, services that never reach the network."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest

from bastion.deps.services.offline import OfflineDatabase
from bastion.rules import load_all
from bastion.rules.base import ScanServices

load_all()

TEST_DATA = Path(__file__).resolve().parent / "data"
OSV_TEST_DATA = TEST_DATA / "osv-pypi"


@cache
def offline_advisories() -> OfflineDatabase:
    """The OSV subset shipped in tests/data/osv-pypi, indexed once per test session in a throwaway cache."""
    cache_dir = Path(tempfile.mkdtemp(prefix="bastion-test-cache-"))
    atexit.register(shutil.rmtree, cache_dir, ignore_errors=True)
    return OfflineDatabase(OSV_TEST_DATA, cache_dir=cache_dir)


def make_services() -> ScanServices:
    """Services for fixture and end-to-end tests: offline, with the test data shipped in tests/data."""
    return ScanServices(offline=True, vulnerabilities=offline_advisories())


@pytest.fixture
def services() -> ScanServices:
    return make_services()
