"""Shared test setup: every rule loaded, services that never reach the network."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile
from functools import cache
from pathlib import Path

import pytest

from bastion.deps.services.offline import OfflineDatabase
from bastion.rules import load_all
from bastion.rules.base import ScanServices

load_all()

# Scans through the CLI or `api.run` keep results in the cache directory: never the user's own, in tests (the
# variable reaches the subprocesses tests start too).
os.environ["BASTION_CACHE_DIR"] = tempfile.mkdtemp(prefix="bastion-test-results-")
atexit.register(shutil.rmtree, os.environ["BASTION_CACHE_DIR"], ignore_errors=True)

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


_LOOPBACK_PREFIXES = ("127.", "::1", "localhost")
_real_connect = socket.socket.connect


def _loopback_only_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not host.startswith(_LOOPBACK_PREFIXES) and self.family != socket.AF_UNIX:
        raise RuntimeError(f"a test tried to reach the network ({host}); tests may only use 127.0.0.1")
    return _real_connect(self, address)  # type: ignore[arg-type]


_real_getaddrinfo = socket.getaddrinfo


def _loopback_only_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
    if isinstance(host, (str, bytes)):
        name = host.decode() if isinstance(host, bytes) else host
        if not name.startswith(_LOOPBACK_PREFIXES):
            raise RuntimeError(f"a test tried to reach the network (looked up {name}); tests may only use 127.0.0.1")
    return _real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]


_USER_DIRS = Path(tempfile.mkdtemp(prefix="bastion-test-home-"))
atexit.register(shutil.rmtree, _USER_DIRS, ignore_errors=True)


@pytest.fixture(autouse=True)
def private_user_dirs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or write the developer's own bastion settings and caches: the user configuration and
    cache directories point into a throwaway folder, and the `BASTION_*` trust settings are unset (processes the
    tests start inherit this)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(_USER_DIRS / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(_USER_DIRS / "cache"))
    for name in ("BASTION_OSV_URL", "BASTION_DB", "BASTION_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the network: any lookup or connection beyond loopback fails loudly."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only_connect)
    monkeypatch.setattr(socket, "getaddrinfo", _loopback_only_getaddrinfo)
