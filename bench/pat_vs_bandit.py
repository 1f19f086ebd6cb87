"""bastion's pattern rules (`--select PAT`) against bandit on the same large tree (Django), same cores.

    python bench/pat_vs_bandit.py [--runs 5] [--cores 0,1] [--tree PATH]

Runs the two commands in turn (A B A B ...), each pinned to the same processors, and prints the median wall
time of each, the ratio bastion/bandit (below 1: bastion is faster), and how many findings each reported.
bandit runs on one core whatever it is given; bastion uses every core it is given, and is also timed with
`--jobs 1` for a one-core comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from _peers import bandit_executable, bandit_version, bastion_executable, django_tree


def timed(command: Sequence[str], cores: set[int], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        command,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        preexec_fn=lambda: os.sched_setaffinity(0, cores),
    )
    return time.perf_counter() - started


def count_findings(path: Path, key: str) -> int:
    try:
        return len(json.loads(path.read_text(encoding="utf-8"))[key])
    except (OSError, ValueError, KeyError):
        return -1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cores", default=",".join(str(c) for c in sorted(os.sched_getaffinity(0))))
    parser.add_argument("--tree", type=Path, default=None, help="tree to scan (default: Django from PyPI)")
    args = parser.parse_args()
    cores = {int(core) for core in args.cores.split(",")}
    tree = (args.tree or django_tree()).resolve()
    out = Path(os.environ.get("TMPDIR", "/tmp"))  # bastion: ignore[PAT807] scratch output of a benchmark
    bastion_json, bandit_json, single_json = (
        out / "bench-bastion.json",
        out / "bench-bandit.json",
        out / "bench-b1.json",
    )
    bastion = [str(bastion_executable()), "scan", ".", "--isolated", "--select", "PAT", "--no-progress",
               "--format", "json", "--output", str(bastion_json), "--jobs", str(len(cores))]  # fmt: skip
    bastion_one = [*bastion[:-2], "--jobs", "1", "--output", str(single_json)]
    bandit = [str(bandit_executable()), "-r", ".", "-q", "-f", "json", "-o", str(bandit_json)]
    print(
        f"tree: {tree} ({sum(1 for _ in tree.rglob('*.py'))} Python files); cores: {sorted(cores)}; {bandit_version()}"
    )
    times: dict[str, list[float]] = {"bastion": [], "bastion-1job": [], "bandit": []}
    timed(bastion, cores, tree)  # warm-up: imports compiled, files in the page cache
    for run in range(args.runs):
        times["bastion"].append(timed(bastion, cores, tree))
        times["bandit"].append(timed(bandit, cores, tree))
        times["bastion-1job"].append(timed(bastion_one, cores, tree))
        print(
            f"run {run + 1}: " + ", ".join(f"{name} {values[-1]:.2f} s" for name, values in times.items()), flush=True
        )
    medians = {name: statistics.median(values) for name, values in times.items()}
    print()
    print(f"bastion --select PAT ({len(cores)} jobs): median {medians['bastion']:.2f} s "
          f"({count_findings(bastion_json, 'findings')} findings)")  # fmt: skip
    print(f"bastion --select PAT (1 job):  median {medians['bastion-1job']:.2f} s")
    print(f"bandit -r:                     median {medians['bandit']:.2f} s "
          f"({count_findings(bandit_json, 'results')} findings)")  # fmt: skip
    print(f"ratio bastion/bandit: {medians['bastion'] / medians['bandit']:.3f} "
          f"(1 job: {medians['bastion-1job'] / medians['bandit']:.3f})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
