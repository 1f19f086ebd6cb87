"""A small HTTP server that answers like api.osv.dev (querybatch + vulns/{id}, pagination), on 127.0.0.1.

It matches a query against each record's explicit `versions` lists only, a different method from bastion's
range evaluation, so agreement between the two is evidence rather than an echo. Modes make it misbehave.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name, canonicalize_version

OK = "ok"
SERVER_ERROR = "server-error"  # every request: HTTP 500
GARBAGE = "garbage"  # 200 with a body that is not JSON
WRONG_SHAPE = "wrong-shape"  # 200 with JSON that is not a batch answer
SLOW = "slow"  # answers after `delay` seconds
FLAKY = "flaky"  # the first `failures` requests get HTTP 503, then it answers


@dataclass
class FakeOsv:
    records: Mapping[str, dict[str, Any]]
    page_size: int = 1000
    mode: str = OK
    delay: float = 0.0
    failures: int = 0
    requests: list[tuple[str, str]] = field(default_factory=list)
    batch_sizes: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def matches(self, name: str, version: str) -> list[dict[str, Any]]:
        wanted_name, wanted_version = canonicalize_name(name), canonicalize_version(version)
        found = []
        for identifier in sorted(self.records):
            record = self.records[identifier]
            for affected in record.get("affected", []):
                package = affected.get("package", {})
                if package.get("ecosystem") != "PyPI" or canonicalize_name(package.get("name", "")) != wanted_name:
                    continue
                if wanted_version in {canonicalize_version(v) for v in affected.get("versions", [])}:
                    found.append({"id": identifier, "modified": record["modified"]})
                    break
        return found

    def batch(self, body: Mapping[str, Any]) -> dict[str, Any]:
        results = []
        for query in body["queries"]:
            package = query["package"]
            assert package["ecosystem"] == "PyPI"
            assert package["name"] == canonicalize_name(package["name"]), "names must be sent PEP 503-normalised"
            hits = self.matches(package["name"], query["version"])
            start = int(query.get("page_token", "0"))
            page = hits[start : start + self.page_size]
            result: dict[str, Any] = {"vulns": page} if page else {}
            if start + self.page_size < len(hits):
                result["next_page_token"] = str(start + self.page_size)
            results.append(result)
        return {"results": results}

    def should_fail(self) -> bool:
        with self._lock:
            if self.failures > 0:
                self.failures -= 1
                return True
            return False


def _handler(fake: FakeOsv) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _misbehave(self) -> bool:
            with fake._lock:
                fake.requests.append((self.command, self.path))
            if fake.mode == SLOW:
                time.sleep(fake.delay)
            if fake.mode == SERVER_ERROR:
                self._send(500, b'{"error": "internal"}')
                return True
            if fake.mode == GARBAGE:
                self._send(200, b"<html>not json</html>", "text/html")
                return True
            if fake.mode == FLAKY and fake.should_fail():
                self._send(503, b"busy")
                return True
            return False

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            if self._misbehave():
                return
            if self.path != "/v1/querybatch":
                self._send(404, b"{}")
                return
            if fake.mode == WRONG_SHAPE:
                self._send(200, b'{"results": "nope"}')
                return
            fake.batch_sizes.append(len(body["queries"]))
            self._send(200, json.dumps(fake.batch(body)).encode())

        def do_GET(self) -> None:
            if self._misbehave():
                return
            prefix = "/v1/vulns/"
            identifier = self.path[len(prefix) :] if self.path.startswith(prefix) else ""
            record = fake.records.get(identifier)
            if record is None:
                self._send(404, b'{"code": 5, "message": "Bug not found."}')
                return
            self._send(200, json.dumps(record).encode())

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (timeout tests) leaves a broken pipe behind: expected, not news


@contextmanager
def serve(fake: FakeOsv) -> Iterator[str]:
    """Serve `fake` on 127.0.0.1 (a free port) for the duration of the block; yields the base URL."""
    server = _QuietServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def load_records(folder: Path) -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))}


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
