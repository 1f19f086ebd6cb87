"""Worker processes for a parallel scan, started so that nothing in the scanned tree can steer them.

`multiprocessing` starts a process with `python -c "from multiprocessing... import ...; ..."` (the fork server,
the resource tracker, spawned workers). Python puts the current directory first on that process's `sys.path`
before the first import, and until python/cpython#117378 was fixed (3.12.8, 3.13.1) the fork server also imported
its preload modules with that path: started from inside a scanned checkout, a `multiprocessing/` or `pydantic.py`
at its root ran in bastion's processes. Every process start goes through `_clean_start`, which for the length of
the start (under a lock):

- points the current directory at an empty, private directory (`mkdtemp`, mode 0700), so that the `''` Python
  puts on the new process's path names a directory nobody else can write to (all Pythons, whatever their flags);
- sets `PYTHONSAFEPATH=1`, so that Python 3.11+ adds no such entry at all;
- hands the new process a `sys.path` (multiprocessing passes the parent's) without the current directory, `''`,
  relative entries or the scanned roots (`bastion.isolation.trusted_sys_path`).

Workers are forked from the fork server with bastion's rules preloaded (`worker_preload`), and die with the scan:
see `bastion.isolation.exit_with_parent`.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import context as mp_context
from pathlib import Path
from typing import Any

from bastion.isolation import PARENT_PID_VARIABLE, trusted_sys_path

_PRELOAD = "bastion.api.worker_preload"

# One process start at a time: the current directory, `sys.path` and the environment are the process's own.
_start_lock = threading.Lock()
# Scanned roots of every pool that is open, kept off the path of every process started meanwhile.
_untrusted_roots: list[str] = []


_start_directory: str | None = None


def _empty_start_directory() -> str:
    """A private, empty directory for the whole life of this process: new processes start in it and keep it as
    their working directory (a worker changes to it again after its start, when it may be any time later)."""
    global _start_directory
    if _start_directory is None or not os.path.isdir(_start_directory):
        _start_directory = tempfile.mkdtemp(prefix="bastion-start-")
        atexit.register(shutil.rmtree, _start_directory, ignore_errors=True)
    return _start_directory


@contextmanager
def _clean_start() -> Iterator[None]:
    with _start_lock:
        saved_path = list(sys.path)
        saved_environment = {name: os.environ.get(name) for name in ("PYTHONSAFEPATH", PARENT_PID_VARIABLE)}
        try:
            saved_cwd: str | None = os.getcwd()
        except OSError:
            saved_cwd = None
        start_dir = _empty_start_directory()
        try:
            sys.path[:] = trusted_sys_path(saved_path, [*_untrusted_roots, *([saved_cwd] if saved_cwd else [])])
            os.environ["PYTHONSAFEPATH"] = "1"
            if threading.current_thread() is threading.main_thread():
                os.environ[PARENT_PID_VARIABLE] = str(os.getpid())
            os.chdir(start_dir)
            yield
        finally:
            if saved_cwd is not None:
                os.chdir(saved_cwd)
            for name, value in saved_environment.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            sys.path[:] = saved_path


def _start_isolated(base: Callable[[Any], Any], process_obj: Any) -> Any:
    with _clean_start():
        return base(process_obj)


if sys.platform != "win32":

    class IsolatedForkServerProcess(mp_context.ForkServerProcess):
        @staticmethod
        def _Popen(process_obj: Any) -> Any:
            return _start_isolated(mp_context.ForkServerProcess._Popen, process_obj)

    class IsolatedForkServerContext(mp_context.ForkServerContext):
        Process = IsolatedForkServerProcess


class IsolatedSpawnProcess(mp_context.SpawnProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return _start_isolated(mp_context.SpawnProcess._Popen, process_obj)


class IsolatedSpawnContext(mp_context.SpawnContext):
    Process = IsolatedSpawnProcess


def _pool_context() -> multiprocessing.context.BaseContext:
    # forkserver: workers start from a clean process, safe with the progress bar's thread (unlike fork); the
    # server imports the rules once and every worker is forked with them already loaded.
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        context: multiprocessing.context.BaseContext = IsolatedForkServerContext()
        context.set_forkserver_preload([_PRELOAD])
        return context
    return IsolatedSpawnContext()


@contextmanager
def worker_pool(
    jobs: int,
    initializer: Callable[..., object],
    initargs: tuple[Any, ...],
    untrusted_roots: Sequence[Path] = (),
) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose every process (workers, fork server, resource tracker) starts with a clean
    `sys.path` and never in the scanned tree; `untrusted_roots` are the scanned directories."""
    roots = [os.fspath(root) for root in untrusted_roots]
    with _start_lock:
        _untrusted_roots.extend(roots)
    try:
        context = _pool_context()
        with _clean_start():
            # Queues and locks may start the resource tracker; the pool's own start must be as clean.
            if sys.platform != "win32":
                from multiprocessing import resource_tracker

                resource_tracker.ensure_running()
            pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=initializer, initargs=initargs)
        with pool:
            yield pool
    finally:
        with _start_lock:
            for root in roots:
                _untrusted_roots.remove(root)
