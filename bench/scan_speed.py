"""How fast is `bastion scan` on a large tree, against the standard library alone reading and parsing it?

    python bench/scan_speed.py [TREE] [--runs N] [--select CODES]

Without TREE, an installed copy of Django is used (downloaded once into bench/corpus/). Prints files/s and
lines/s at --jobs 1 and at all cores, and the ratio to `read + ast.parse` of the same Python files (the issue's
target: within 3x).
"""

from __future__ import annotations

import argparse
import ast
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from corpus_tools import django_tree, repeat, run_command, spread

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--select", default=None, help="rule selection passed to bastion (default: all rules)")
    args = parser.parse_args()
    tree = (args.tree or django_tree()).resolve()
    files = python_files(tree)
    lines = sum(path.read_bytes().count(b"\n") for path in files)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    print(f"tree: {tree}\n{len(files)} Python files, {lines:,} lines, {cores} cores")

    baseline = repeat(lambda: read_and_parse(files), args.runs)
    base = statistics.median(baseline)
    print(f"stdlib read + ast.parse (1 core): {spread(baseline)}  {len(files) / base:,.0f} files/s")

    command = [sys.executable, "-m", "bastion", "scan", str(tree), "--isolated", "--no-progress", "-f", "json"]
    command += ["-o", os.devnull]
    if args.select:
        command += ["--select", args.select]
    for jobs in sorted({1, cores}):
        times = [run_command([*command, "--jobs", str(jobs)]) for _ in range(args.runs)]
        median = statistics.median(times)
        print(
            f"bastion scan --jobs {jobs}: {spread(times)}  {len(files) / median:,.0f} files/s, "
            f"{lines / median:,.0f} lines/s, {median / base:.2f}x the stdlib parse"
        )


if __name__ == "__main__":
    main()
