"""What every bastion process does so that the scanned tree can never run code in it.

Python puts a directory on `sys.path` before any code of ours runs: the current directory for `python -c` and
`python -m` (`''` or its absolute path), or whatever `PYTHONPATH` names. The scanned tree is hostile input and
often the current directory, so a `pydantic.py` at its root would be imported instead of the real package. Every
bastion process therefore drops such entries before importing anything that is not yet loaded: the main process
in `bastion.__main__` (the `bastion` command and `python -m bastion`), the worker processes through the
`sys.path` their parent gives them (`bastion.api.workers`).

This module is imported first, so it imports nothing beyond what the interpreter has loaded before any path
entry could matter (`os`, `sys`); not even `__future__`, which is a real import. The rest is imported where it
is used, after the path is clean.

Workers also die with the process that started them: on Linux through the kernel's parent-death signal, and
everywhere through a thread that watches the parent's sentinel (a pipe that reaches end-of-file when the parent
is gone, however it died).
"""

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

# Exit status of a worker whose parent disappeared (EX_SOFTWARE would be misleading; 70 is what sysexits calls
# an internal software error, and nobody is left to read it anyway).
_ORPHANED_EXIT = 70
_PR_SET_PDEATHSIG = 1


def _real(path: str) -> str | None:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return None


def _installation_dirs() -> set[str]:
    """Directories Python itself installs code into (the standard library, site-packages) and the one that
    holds bastion: trusted whatever else is true of them, since bastion is already running from them. Found
    without importing anything (`sysconfig` would import more, lazily, from whatever the path then is)."""
    trusted: set[str] = set()
    os_file = getattr(os, "__file__", None)  # a frozen `os` may have none
    if os_file:
        standard_library = os.path.dirname(os.path.abspath(os_file))
        trusted.update((standard_library, os.path.join(standard_library, "lib-dynload")))
    site = sys.modules.get("site")
    if site is not None:
        for getter in ("getsitepackages", "getusersitepackages"):
            try:
                found = getattr(site, getter)()
            except (AttributeError, OSError):
                continue
            trusted.update([found] if isinstance(found, str) else found)
    trusted.add(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return {real for directory in trusted if (real := _real(directory)) is not None}


def _untrusted(untrusted_dirs: "Iterable[str]") -> set[str]:
    untrusted = {real for directory in untrusted_dirs if (real := _real(directory)) is not None}
    try:  # noqa: SIM105  (contextlib is not loaded yet, and must not be imported before the path is clean)
        untrusted.add(os.path.realpath(os.getcwd()))
    except OSError:  # the current directory was removed: nothing can be imported through it
        pass
    return untrusted


def _filtered(path: "Sequence[str]", untrusted: set[str], keep: set[str]) -> list[str]:
    kept: list[str] = []
    for entry in path:
        if not isinstance(entry, str) or not entry or not os.path.isabs(entry):
            continue
        real = _real(entry)
        if real is not None and real in untrusted and real not in keep:
            continue
        kept.append(entry)
    return kept


def trusted_sys_path(path: "Sequence[str]", untrusted_dirs: "Iterable[str]" = ()) -> list[str]:
    """`path` without the entries a scanned tree could control: `''` and every relative entry (they name the
    current directory, whatever it is when an import happens), the current directory itself, and
    `untrusted_dirs` (the scanned roots). Python's own installation directories and bastion's stay, even when
    one of them is the current directory."""
    return _filtered(path, _untrusted(untrusted_dirs), _installation_dirs())


def drop_untrusted_sys_path(untrusted_dirs: "Iterable[str]" = ()) -> None:
    """Remove from this process's `sys.path` every entry that `trusted_sys_path` rejects, in place."""
    sys.path[:] = trusted_sys_path(sys.path, untrusted_dirs)


def exit_with_parent() -> None:
    """Make this worker process end when the process that started it ends, even by SIGKILL.

    Linux: `prctl(PR_SET_PDEATHSIG, SIGKILL)`, so the kernel kills it at once. Everywhere: a daemon thread
    waits on the parent's sentinel (`multiprocessing.parent_process().sentinel`), which reaches end-of-file
    when the parent is gone, and ends the process. The thread is what covers a worker forked by the fork
    server, whose kernel parent is the server and not the scan."""
    set_parent_death_signal()
    import multiprocessing
    import threading

    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None) if parent is not None else None
    if sentinel is None:
        return

    def watch() -> None:
        from multiprocessing.connection import wait

        wait([sentinel])
        os._exit(_ORPHANED_EXIT)

    threading.Thread(target=watch, name="bastion-parent-watch", daemon=True).start()


def set_parent_death_signal(expected_parent: int | None = None) -> bool:
    """Linux only: ask the kernel to SIGKILL this process when its parent ends. True if it was set.

    `expected_parent` is the parent's pid when the caller knows it: if this process has already been orphaned
    (reparented) by the time of the request, the signal would never come, so it exits at once instead."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import signal

    parent = os.getppid() if expected_parent is None else expected_parent
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent:
        os._exit(_ORPHANED_EXIT)
    return True


# Set by the process that starts the fork server, read by the server (`bastion.api.worker_preload`): the pid to
# die with, or nothing. The kernel's parent-death signal follows the *thread* that started a process, so it is
# only asked for when that thread is the main one (a scan run from a short-lived thread must not take the
# server down when the thread ends).
PARENT_PID_VARIABLE = "BASTION_DIE_WITH_PARENT"


def die_with_starter() -> None:
    """In the fork server: the parent-death signal, when the starting process asked for it."""
    value = os.environ.pop(PARENT_PID_VARIABLE, "")
    if value.isdigit():
        set_parent_death_signal(int(value))
