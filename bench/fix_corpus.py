"""`bastion fix` on code nobody on the team wrote: the pinned real apps and the labelled vulnerable apps.

    python bench/fix_corpus.py [--safe-only] [APP_DIR ...]

For every materialised app in the bench cache (`$BASTION_BENCH_CACHE` or `~/.cache/bastion-bench`, `realapps/*`
and `vulnapps/*`; fetch them first with `bench/realapps/fetch.py` and `bench/vulnapps/fetch.py`), or the folders
given, runs `bastion fix --unsafe-fixes --diff --offline` (nothing is written: `--diff`) and prints, per app, how
many fixes applied, how many were dropped (a fix whose result did not parse, did not resolve its finding or added
another: each one a bug to look at), the rounds' CPU time next to a plain scan's, and the dropped fixes themselves.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

CACHE = Path(os.environ.get("BASTION_BENCH_CACHE") or Path.home() / ".cache" / "bastion-bench")


def _cpu_of(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), completed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("apps", nargs="*", type=Path)
    parser.add_argument("--safe-only", action="store_true", help="safe fixes only (no --unsafe-fixes)")
    args = parser.parse_args(argv)
    apps = args.apps or sorted(
        path for kind in ("realapps", "vulnapps") for path in (CACHE / kind).glob("*") if path.is_dir()
    )
    if not apps:
        print(f"no app under {CACHE}/realapps or {CACHE}/vulnapps: fetch them first", file=sys.stderr)
        return 2
    bastion = [sys.executable, "-m", "bastion"]
    common = ["--offline", "--no-progress", "--jobs", "1", "--isolated"]
    print(f"{'app':40} {'fixed':>6} {'dropped':>8} {'scan CPU':>9} {'fix CPU':>8}")
    dropped_lines: list[str] = []
    for app in apps:
        scan_cpu, _ = _cpu_of([*bastion, "scan", str(app), *common, "--format", "json", "--output", os.devnull])
        unsafe = [] if args.safe_only else ["--unsafe-fixes"]
        fix_cpu, completed = _cpu_of([*bastion, "fix", str(app), "--diff", *unsafe, *common])
        fixed = re.search(r"Would fix (\d+) finding", completed.stderr)
        dropped = re.search(r"Dropped (\d+) fix", completed.stderr)
        print(
            f"{app.name[:40]:40} {fixed.group(1) if fixed else 0:>6} {dropped.group(1) if dropped else 0:>8} "
            f"{scan_cpu:>8.2f}s {fix_cpu:>7.2f}s"
        )
        if completed.returncode == 2:
            dropped_lines.append(f"{app.name}: exit 2\n{completed.stderr[-2000:]}")
        if dropped:
            block = completed.stderr.split("Dropped", 1)[1].split("Left:", 1)[0]
            dropped_lines.append(f"{app.name}: Dropped{block}")
    for line in dropped_lines:
        print("\n" + line.rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
