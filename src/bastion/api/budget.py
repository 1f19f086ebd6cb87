"""A CPU-time budget for the analysis of one file: hostile input must not hold a scan for hours.

Every known superlinear pass is fixed, but a scanner that reads code written by strangers cannot prove that no
input makes some pass slow. The budget is the backstop: when the analysis of one file has used `seconds` of CPU
time (user + system, so that a loaded machine does not cut analyses short), `BudgetExceeded` is raised in the
analysing thread and the caller reports what was left unfinished.

The timer is `ITIMER_PROF` with a `SIGPROF` handler, so any Python code is interrupted, whichever pass runs
slowly. It works on the main thread of a process that has it (every CLI run, every worker process); elsewhere
(Windows, `scan()` called from another thread) the block runs without a limit.

`BudgetExceeded` derives from `BaseException`: rules and collectors catch `Exception` to turn their own bugs into
notices, and must not swallow the budget.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class BudgetExceeded(BaseException):
    """The analysis of one file used up its CPU-time budget."""


def budget_available() -> bool:
    """Whether `cpu_budget` can enforce a limit in the calling thread."""
    if not hasattr(signal, "setitimer") or not hasattr(signal, "SIGPROF"):
        return False
    return threading.current_thread() is threading.main_thread()


@contextmanager
def cpu_budget(seconds: float | None) -> Iterator[None]:
    """Raise `BudgetExceeded` inside the block once it has used `seconds` of CPU time (None or 0: no limit)."""
    if not seconds or seconds <= 0 or not budget_available():
        yield
        return
    armed = True

    def expire(signum: int, frame: FrameType | None) -> None:
        # A signal that arrives while the block is being left must not raise in the caller's code.
        if armed:
            raise BudgetExceeded

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
