"""The suite's network guard itself: a connection to anything but loopback fails the test that tries it."""

from __future__ import annotations

import socket

import pytest


def test_non_loopback_connections_are_refused() -> None:
    with pytest.raises(RuntimeError, match="reach the network"):
        socket.create_connection(("192.0.2.1", 443), timeout=1)


def test_name_lookups_are_refused() -> None:
    with pytest.raises(RuntimeError, match="reach the network"):
        socket.getaddrinfo("api.osv.dev", 443)


def test_loopback_is_allowed() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with server, socket.create_connection(server.getsockname(), timeout=2):
        pass
