"""Attack: make bastion fail half-way through writing a report or a baseline, or point `-o` at a symlink.

Opening the target for writing truncated it first: a write that failed half-way (a full disk; here a file-size
limit, which fails the same way) destroyed the accepted baseline, and a symlink committed where the report goes
was written through. Reports, checklists and baselines are now written beside the target and renamed over it.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.trust_support import run_bastion, write_files

_LIMIT = 6000  # bytes: the old baseline fits, the new one does not
_MANY_FINDINGS = {f"mod{n}.py": "".join(f"eval(text_{i})\n" for i in range(12)) for n in range(6)}


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        # Past the limit a write fails with EFBIG (as with ENOSPC on a full disk) instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _accepted_baseline() -> str:
    entry = {"fingerprint": "0" * 32, "code": "PAT101", "path": "mod0.py", "message": "reviewed", "reason": "ok"}
    return json.dumps({"version": 1, "tool": "bastion 0.1.0", "findings": [entry]}, indent=2) + "\n"


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("what", ["baseline", "report"])
def test_a_write_that_fails_half_way_leaves_the_old_file(tmp_path: Path, what: str) -> None:
    project = write_files(tmp_path / "project", _MANY_FINDINGS)
    out = tmp_path / "out"
    out.mkdir()
    target = out / ("baseline.json" if what == "baseline" else "report.json")
    before = _accepted_baseline()
    target.write_text(before, encoding="utf-8")
    option = ["--write-baseline", str(target)] if what == "baseline" else ["--format", "json", "-o", str(target)]
    done = run_bastion(
        ["scan", str(project), "--isolated", "--offline", "--no-progress", "-j", "1", *option],
        home=tmp_path / "home",
        preexec_fn=_file_size_limit(_LIMIT),
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"cannot write the {what}" in done.stderr
    assert "Traceback" not in done.stderr
    assert target.read_text(encoding="utf-8") == before
    assert _leftovers(out) == []


@pytest.mark.parametrize("command", ["scan", "checklist"])
def test_output_symlink_is_replaced_not_written_through(tmp_path: Path, command: str) -> None:
    project = write_files(tmp_path / "project", {"app.py": "eval(text)\n"})
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    link = project / "bastion.json"  # committed by the scanned repository, where CI writes its report
    link.symlink_to(victim)
    done = run_bastion(
        [command, str(project), "--isolated", "--offline", "--no-progress", "-f", "json", "-o", str(link)],
        home=tmp_path / "home",
    )
    assert done.returncode in (0, 1), done.stderr
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not link.is_symlink()
    assert json.loads(link.read_text(encoding="utf-8"))["tool"]["name"] == "bastion"


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    project = write_files(tmp_path / "project", {"app.py": "eval(text)\n"})
    target = tmp_path / "baseline.json"
    done = run_bastion(
        ["scan", str(project), "--isolated", "--offline", "--no-progress", "--write-baseline", str(target)],
        home=tmp_path / "home",
    )
    assert done.returncode == 0, done.stderr
    # mkstemp creates owner-only files; the baseline gets what a plain open() would have given it.
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("through_link", [False, True])
def test_a_stream_target_is_written_to_and_stays_a_stream(tmp_path: Path, through_link: bool) -> None:
    """`-o /dev/stdout` (or a pipe, a device) must get the report and remain what it was: renaming a file over it
    once turned `/dev/null` into a regular file for the whole machine. A named pipe stands in for the device here,
    so that a regression cannot break the machine running the test."""
    project = write_files(tmp_path / "project", {"app.py": "eval(input())\n"})
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    target = pipe
    if through_link:
        target = tmp_path / "stdout"
        target.symlink_to(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    done = run_bastion(
        ["scan", str(project), "--isolated", "--offline", "--no-progress", "-f", "json", "-o", str(target)],
        home=tmp_path / "home",
    )
    reader.join(timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert stat.S_ISFIFO(pipe.lstat().st_mode), "the pipe was replaced by a regular file"
    assert target.is_symlink() == through_link
    assert [finding["code"] for finding in json.loads(received[0])["findings"]] == ["TNT103"]
    assert _leftovers(tmp_path) == []
