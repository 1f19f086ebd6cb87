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


def run_scan(tree: Path, config: Path, jobs: int, with_taint: bool) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of the largest process of one scan."""
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
    return elapsed, usage.ru_maxrss / 1024


def measure(tree: Path, config: Path, jobs: int, runs: int) -> dict[str, float]:
    plain: list[float] = []
    tainted: list[float] = []
    peaks: list[float] = []
    run_scan(tree, config, jobs, True)  # warm-up: file cache, imports
    for _ in range(runs):
        seconds, _ = run_scan(tree, config, jobs, False)
        plain.append(seconds)
        seconds, peak = run_scan(tree, config, jobs, True)
        tainted.append(seconds)
        peaks.append(peak)
    ratios = [t / p for t, p in zip(tainted, plain, strict=True)]
    return {
        "files": float(sum(1 for _ in tree.rglob("*.py"))),
        "plain": statistics.median(plain),
        "taint": statistics.median(tainted),
        "ratio": statistics.median(ratios),
        "peak": max(peaks),
    }


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
    print(f"{options.runs} runs each, --jobs {options.jobs}; medians (peak: largest process, worst run)")
    print(f"{'tree':<10}{'py files':>9}{'without TNT':>13}{'with TNT':>10}{'ratio':>7}{'peak MB':>9}")
    results = {}
    for label, tree in (("half", half), ("full", full)):
        figures = measure(tree, config, options.jobs, options.runs)
        results[label] = figures
        print(
            f"{label:<10}{int(figures['files']):>9}{figures['plain']:>12.2f}s{figures['taint']:>9.2f}s"
            f"{figures['ratio']:>6.2f}x{figures['peak']:>9.0f}"
        )
    growth_files = results["full"]["files"] / results["half"]["files"]
    growth_time = results["full"]["taint"] / results["half"]["taint"]
    print(f"full/half: {growth_files:.2f}x the files took {growth_time:.2f}x the time with TNT")
    print("targets: ratio <= 2.00x, peak < 2048 MB, time growth close to the file growth")


if __name__ == "__main__":
    main()
