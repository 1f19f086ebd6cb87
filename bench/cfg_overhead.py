"""What the CFG family adds to a scan of a large tree, and what it finds there.

    python bench/cfg_overhead.py TREE [--runs N] [--jobs N]

Times `bastion scan TREE --select PAT` against `--select PAT,CFG` (whole process, median of N runs, in turn so that
drift hits both alike), then lists the CFG findings on the tree: on a framework's own source (Django's, say) every
one of them deserves a look as a possible false alarm. The tree is copied to a temporary directory first, so that
a `.gitignore` of the surrounding repository (which ignores `bench/corpus/`) does not hide it.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / args.tree.name
        shutil.copytree(args.tree, tree)
        base = [sys.executable, "-m", "bastion", "scan", str(tree), "--isolated", "--no-progress"]
        base += ["--jobs", str(args.jobs), "-f", "json"]
        timings: dict[str, list[float]] = {"PAT": [], "PAT,CFG": []}
        for _ in range(args.runs):
            for selection in timings:
                timings[selection].append(run([*base, "--select", selection, "-o", str(Path(scratch) / "out.json")]))
        for selection, values in timings.items():
            median = statistics.median(values)
            print(f"--select {selection:8} median {median:6.2f} s  (min {min(values):.2f}, max {max(values):.2f})")
        added = statistics.median(timings["PAT,CFG"]) - statistics.median(timings["PAT"])
        print(f"CFG adds {added:.2f} s ({added / statistics.median(timings['PAT']):.0%})")
        output = subprocess.run([*base, "--select", "CFG"], capture_output=True, text=True, check=False).stdout
        findings = json.loads(output).get("findings", [])
        print(f"{len(findings)} CFG finding(s):", dict(collections.Counter(f["code"] for f in findings)))
        for finding in findings:
            print(f"  {finding['code']} {finding['path']}:{finding['line']}  {finding['message']}")


if __name__ == "__main__":
    main()
