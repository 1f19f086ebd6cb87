"""How fast is `bastion scan` on a large tree, against the standard library alone reading and parsing it?

    python bench/scan_speed.py [TREE] [--runs N] [--select CODES] [--jobs N]

Without TREE, an installed copy of Django is used (downloaded once into bench/corpus/). For the 1.13M-line tree
of issue #14, give a directory holding the Django, SQLAlchemy and sympy trees side by side. Each scan is cold
(`--no-cache`) and `--offline` (the analysis is measured, not the advisory service's latency). Prints, at --jobs 1
and at all cores: wall-clock and CPU seconds (user+sys of bastion and its workers), files/s and lines/s, the ratio
to `read + ast.parse` of the same Python files (issue #14's target: within 3x on Django, 4x on the large tree, at
all cores), and the peak resident memory of the largest single process (main or worker; target under 1 GB). On a
shared machine, quote the CPU ratio: wall-clock depends on the load.
"""

from __future__ import annotations

import argparse
import ast
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from corpus_tools import django_tree, spread

SKIP_DIRS = {".git", "__pycache__", ".venv", "venv", "node_modules", "build", "dist", ".tox", "site-packages"}


def python_files(tree: Path) -> list[Path]:
    files = []
    for directory, dirnames, filenames in os.walk(tree):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        files.extend(Path(directory, name) for name in filenames if name.endswith(".py"))
    return files


def read_and_parse(files: list[Path]) -> None:
    for path in files:
        with contextlib.suppress(SyntaxError, ValueError):
            ast.parse(path.read_bytes())


def timed_in_process(files: list[Path]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one `read_and_parse` here."""
    started, cpu = time.perf_counter(), time.process_time()
    read_and_parse(files)
    return time.perf_counter() - started, time.process_time() - cpu


def timed_command(command: list[str]) -> tuple[float, float, float]:
    """Wall-clock and CPU seconds (user+sys, its waited-for children included) of one run, and the peak resident
    memory in MiB of the largest child process so far (Linux reports kilobytes)."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--select", default=None, help="rule selection passed to bastion (default: all rules)")
    parser.add_argument("--jobs", type=int, action="append", help="worker counts to try (default: 1 and all cores)")
    args = parser.parse_args()
    tree = (args.tree or django_tree()).resolve()
    files = python_files(tree)
    lines = sum(path.read_bytes().count(b"\n") for path in files)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    print(f"tree: {tree}\n{len(files)} Python files, {lines:,} lines, {cores} cores")

    floor = [timed_in_process(files) for _ in range(args.runs)]
    base_wall = statistics.median(wall for wall, _ in floor)
    base_cpu = statistics.median(cpu for _, cpu in floor)
    print(f"stdlib read + ast.parse (1 core): wall {spread([w for w, _ in floor])}; CPU median {base_cpu:.3f} s")

    command = [
        sys.executable,
        "-m",
        "bastion",
        "scan",
        str(tree),
        "--isolated",
        "--no-progress",
        "--no-cache",
        "--offline",
    ]
    command += ["-f", "json", "-o", os.devnull]
    if args.select:
        command += ["--select", args.select]
    for jobs in sorted(set(args.jobs or [1, cores])):
        runs = [timed_command([*command, "--jobs", str(jobs)]) for _ in range(args.runs)]
        wall = statistics.median(run[0] for run in runs)
        cpu = statistics.median(run[1] for run in runs)
        print(
            f"bastion scan --jobs {jobs}: wall {spread([run[0] for run in runs])}, {wall / base_wall:.2f}x the "
            f"stdlib parse; CPU median {cpu:.3f} s, {cpu / base_cpu:.2f}x; {len(files) / wall:,.0f} files/s, "
            f"{lines / wall:,.0f} lines/s; peak RSS so far {max(run[2] for run in runs):,.0f} MiB"
        )


if __name__ == "__main__":
    main()
