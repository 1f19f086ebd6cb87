"""How does the cost of a scan grow on inputs built to be slow? Every family of tests/hostile/adversarial.py.

    python bench/adversarial_growth.py [--sizes 25000,50000,100000] [--family NAME ...] [--select CODES]

For each family, one file of each size is scanned in this process (`--jobs 1`, offline) with the rules that read
it; the least CPU time of `--repeat` scans is printed with the growth from one size to the next (x2 in size should
be about x2 in time: a ratio near 4 is quadratic). Timing is CPU time (user + sys of this process), so that other
work on the machine does not change the figures much.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bastion.api import ScanOptions, scan  # noqa: E402
from bastion.core.config import BastionConfig  # noqa: E402
from bastion.rules.base import ScanServices  # noqa: E402
from tests.hostile.adversarial import FAMILIES, Family  # noqa: E402


def scan_once(family: Family, size: int, select: tuple[str, ...], repeats: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="bastion-adversarial-") as directory:
        root = Path(directory)
        target = root / family.path
        target.parent.mkdir(parents=True, exist_ok=True)
        text = family.build(size)
        target.write_text(text, encoding="utf-8")
        config = BastionConfig(select=select, max_file_size=max(len(text) * 2, 2 * 1024 * 1024))
        options = ScanOptions(config=config, root=root, jobs=1, services=ScanServices(offline=True))
        best = float("inf")
        for _ in range(repeats):
            started = time.process_time()
            result = scan([root], options)
            best = min(best, time.process_time() - started)
        return best, len(result.findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="25000,50000,100000,200000")
    parser.add_argument("--family", action="append", help="only this family (repeatable)")
    parser.add_argument("--select", default=None, help="rules to run (default: the families that read the file)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the least CPU time is kept")
    parser.add_argument("--give-up", type=float, default=60.0, help="stop growing a family past this many seconds")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    families = [f for f in FAMILIES if not args.family or f.name in args.family]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 8000))
    print(f"{'family':34} " + " ".join(f"{size:>10,}" for size in sizes) + "   growth (last x2)")
    for family in families:
        select = tuple(args.select.split(",")) if args.select else family.reads
        times: list[float] = []
        for size in sizes:
            elapsed, _ = scan_once(family, size, select, args.repeat)
            times.append(elapsed)
            if elapsed > args.give_up:
                break
        cells = " ".join(f"{t:>10.3f}" for t in times) + " " * (11 * (len(sizes) - len(times)))
        growth = times[-1] / times[-2] if len(times) >= 2 and times[-2] > 0 else float("nan")
        flag = "  <-- superlinear" if growth > 2.8 and times[-1] > 0.2 else ""
        print(f"{family.name:34} {cells}   {growth:5.2f}{flag}", flush=True)


if __name__ == "__main__":
    main()
