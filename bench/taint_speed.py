"""How much the taint analysis (TNT) adds to a full scan, and how it grows with the size of the tree.

Scans a large real tree (Django, installed under bench/corpus/ on first use) at two sizes (half of its files, then
all of them), each several times, with every rule and with every rule but TNT, and prints the median wall time,
the ratio, and the peak memory of the largest process. Targets (issue 5): taint adds at most 2x to the scan
without it; memory stays under 2 GB; time grows near-linearly with the tree.

    python bench/taint_speed.py [--runs 5] [--jobs 2] [--corpus bench/corpus/django]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
# bench/corpus/ is git-ignored; the scans must not skip it for that reason.
CONFIG_TEXT = "respect-gitignore = false\n"


def ensure_corpus(target: Path) -> Path:
    if not (target / "django").is_dir():
        print(f"installing Django into {target} (once) ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), "django"],
            check=True,
        )
    return target / "django"


def half_tree(source: Path, destination: Path) -> Path:
    """A copy of every other Python file of `source` (by sorted path): a tree half the size, same mix of code."""
    if destination.is_dir():
        return destination
    files = sorted(source.rglob("*.py"))
    for position, path in enumerate(files):
        if position % 2 == 0 or path.name == "__init__.py":
            copy = destination / path.relative_to(source)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
    return destination


def run_scan(tree: Path, config: Path, jobs: int, with_taint: bool) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident memory (MB) of one scan. With --jobs 1 the whole scan runs in
    the one process measured, so CPU time and memory are complete and CPU time does not depend on the load of the
    machine; with more jobs they cover the main process only (the workers are not its direct children)."""
    command = [sys.executable, "-m", "bastion", "scan", str(tree), "--config", str(config), "--no-progress"]
    command += ["--jobs", str(jobs), "--format", "json", "--output", os.devnull]
    if not with_taint:
        command += ["--ignore", "TNT"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"scan of {tree} failed with exit code {code}: {' '.join(command)}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(tree: Path, config: Path, jobs: int, runs: int) -> dict[str, float]:
    figures: dict[str, list[float]] = {"plain_wall": [], "taint_wall": [], "plain_cpu": [], "taint_cpu": []}
    peaks: list[float] = []
    run_scan(tree, config, jobs, True)  # warm-up: file cache, imports
    for _ in range(runs):
        wall, _, _ = run_scan(tree, config, jobs, False)
        figures["plain_wall"].append(wall)
        wall, _, _ = run_scan(tree, config, jobs, True)
        figures["taint_wall"].append(wall)
        _, cpu, _ = run_scan(tree, config, 1, False)
        figures["plain_cpu"].append(cpu)
        _, cpu, peak = run_scan(tree, config, 1, True)
        figures["taint_cpu"].append(cpu)
        peaks.append(peak)
    medians = {name: statistics.median(values) for name, values in figures.items()}
    medians["cpu_ratio"] = statistics.median(
        t / p for t, p in zip(figures["taint_cpu"], figures["plain_cpu"], strict=True)
    )
    medians["wall_ratio"] = statistics.median(
        t / p for t, p in zip(figures["taint_wall"], figures["plain_wall"], strict=True)
    )
    medians["peak"] = max(peaks)
    medians["files"] = float(sum(1 for _ in tree.rglob("*.py")))
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=None, help="a tree to scan instead of Django")
    options = parser.parse_args()
    CORPUS.mkdir(parents=True, exist_ok=True)
    full = options.corpus or ensure_corpus(CORPUS / "django-package")
    half = half_tree(full, CORPUS / f"{full.name}-half")
    config = CORPUS / "taint-bench.toml"
    config.write_text(CONFIG_TEXT, encoding="utf-8")
    print(f"{options.runs} runs each; medians. CPU: --jobs 1 (complete, load-independent); wall: --jobs {options.jobs}")
    header = ("tree", "py files", "CPU no TNT", "CPU TNT", "ratio", "wall no TNT", "wall TNT", "ratio", "peak MB")
    print("{:<6}{:>9}{:>12}{:>9}{:>7}{:>13}{:>10}{:>7}{:>9}".format(*header))
    results = {}
    for label, tree in (("half", half), ("full", full)):
        m = measure(tree, config, options.jobs, options.runs)
        results[label] = m
        print(
            f"{label:<6}{int(m['files']):>9}{m['plain_cpu']:>11.2f}s{m['taint_cpu']:>8.2f}s{m['cpu_ratio']:>6.2f}x"
            f"{m['plain_wall']:>12.2f}s{m['taint_wall']:>9.2f}s{m['wall_ratio']:>6.2f}x{m['peak']:>9.0f}"
        )
    growth_files = results["full"]["files"] / results["half"]["files"]
    growth_cpu = results["full"]["taint_cpu"] / results["half"]["taint_cpu"]
    print(f"full/half: {growth_files:.2f}x the files took {growth_cpu:.2f}x the CPU time with TNT")
    print("targets: ratio <= 2.00x, peak < 2048 MB (whole scan in one process), growth close to the file growth")


if __name__ == "__main__":
    main()
