"""Killing bastion (SIGKILL, nothing to clean up after itself) takes its fork server, its resource tracker and
its workers with it: nothing keeps running, holding memory, after the scan is gone."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.hostile.attack import bastion_command, clean_environment

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table in /proc")

# Enough work that the workers are still busy when the main process is killed.
_FUNCTION = 'def handler_{n}(request):\n    value = request.args["v{n}"]\n    return eval(value + "{n}")\n\n\n'


def _parents() -> dict[int, int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name (field 2) may hold spaces and parentheses: fields restart after the last ")".
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":  # a zombie is already dead, only not yet reaped
            parents[int(entry.name)] = int(fields[1])
    return parents


def _descendants(pid: int) -> set[int]:
    parents = _parents()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _wait_for(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_workers_and_fork_server_die_with_a_killed_scan(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    for number in range(160):
        body = "".join(_FUNCTION.format(n=n) for n in range(150))
        (tree / f"module_{number}.py").write_text(body, encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    process = subprocess.Popen(
        [*bastion_command(), "scan", "--jobs", "2", "--no-progress", "-f", "json", "."],
        cwd=tree,
        env=clean_environment(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    started: set[int] = set()
    try:
        # The fork server and resource tracker are children of the scan, the workers children of the server.
        def workers_running() -> bool:
            started.update(_descendants(process.pid))
            return len(started) >= 4

        assert _wait_for(workers_running, 90), f"the workers never started: {started}"
        assert process.poll() is None, "the scan ended before it could be killed; give it more work"
        process.kill()
        process.wait(timeout=10)

        def all_gone() -> bool:
            return not (started & set(_parents()))

        assert _wait_for(all_gone, 15), f"still running after the scan was killed: {started & set(_parents())}"
    finally:
        for pid in started | {process.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
