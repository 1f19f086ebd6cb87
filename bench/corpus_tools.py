"""Shared helpers for the benchmarks: a large real tree to scan, and repeated timing."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"


def django_tree(version: str = "5.1.4") -> Path:
    """An installed copy of Django under bench/corpus (installed once with pip --target, never imported)."""
    target = CORPUS / f"django-{version}"
    package = target / "django"
    if not package.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--target",
                str(target),
                f"django=={version}",
            ],
            check=True,
        )
    return package


def repeat(function: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def spread(times: Sequence[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})"


def run_command(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started
