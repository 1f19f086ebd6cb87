"""Start-up cost of `bastion scan` on one small file: whole process, wall-clock and CPU time.

    python bench/startup.py [--runs 9] [--importtime]

Each variant runs `--runs` times after one warm-up run (which also fills the result cache, as a pre-commit hook's
second run would find it) and prints the median and the least wall-clock and CPU (user+sys) seconds. The `.pyc`
files are compiled first and `PYTHONDONTWRITEBYTECODE` is unset in the measured processes, as on a user's
machine. Reference rows: the interpreter alone, and the interpreter importing click. `--importtime` then prints the
modules that cost most in the `--select SEC` run (`python -X importtime`, cumulative microseconds).
`--instructions` also counts the instructions of one run of each variant under valgrind (callgrind): a figure
that other processes on the machine do not disturb, for comparing changes on a loaded machine.
Target (issue #14): `--select SEC` on one file under 0.3 s.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bastion

SMALL_FILE = """\
import os
import subprocess


def deploy(target):
    token = os.environ["DEPLOY_TOKEN"]
    subprocess.run(["rsync", "-a", "build/", target], check=True, env={"TOKEN": token})
"""


def _bastion() -> list[str]:
    script = Path(sys.executable).with_name("bastion")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bastion"]


def _environment(cache: Path) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    environment["BASTION_CACHE_DIR"] = str(cache)
    return environment


def _run_once(command: list[str], environment: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(command, env=environment, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({completed.returncode}): {completed.stderr.decode()[-400:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _measure(command: list[str], environment: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    _run_once(command, environment)
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = _run_once(command, environment)
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus


def _instructions(command: list[str], environment: dict[str, str]) -> int | None:
    """Instructions one run executes (valgrind's callgrind), or None without valgrind."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    completed = subprocess.run(
        [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", completed.stderr)
    return int(found.group(1)) if found else None


def _import_profile(command: list[str], environment: dict[str, str], top: int) -> None:
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bastion", *command[len(_bastion()) :]],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    rows = []
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        head, cumulative, name = line.split("|", 2)
        rows.append((int(cumulative), int(head.split(":", 1)[1]), name.rstrip()))
    total = sum(own for _, own, _ in rows)
    print(f"\nimports in the --select SEC run: {total / 1e6:.3f} s in all (own times), top {top} by cumulative:")
    for cumulative, own, name in sorted(rows, reverse=True)[:top]:
        print(f"  {cumulative / 1e6:7.3f} s  (own {own / 1e6:6.3f})  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--instructions", action="store_true", help="also count instructions under valgrind")
    arguments = parser.parse_args()
    compileall.compile_dir(Path(bastion.__file__).parent, quiet=1)
    work = Path(tempfile.mkdtemp(prefix="bastion-startup-"))
    try:
        target = work / "project" / "deploy.py"
        target.parent.mkdir()
        target.write_text(SMALL_FILE, encoding="utf-8")
        environment = _environment(work / "cache")
        scan = [*_bastion(), "scan", "--no-progress", "--isolated", str(target)]
        variants = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c 'import click'": [sys.executable, "-c", "import click"],
            "bastion --version": [*_bastion(), "--version"],
            "scan --select SEC (one file)": [*scan, "--select", "SEC"],
            "scan, all rules (one file)": scan,
            "scan --select SEC --no-cache": [*scan, "--select", "SEC", "--no-cache"],
        }
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min)")
        heading = f"{'variant':34} {'wall median':>11} {'wall min':>9} {'cpu median':>11} {'cpu min':>8}"
        print(f"{heading}   ({arguments.runs} runs)")
        for name, command in variants.items():
            walls, cpus = _measure(command, environment, arguments.runs)
            print(
                f"{name:34} {statistics.median(walls):11.3f} {min(walls):9.3f} "
                f"{statistics.median(cpus):11.3f} {min(cpus):8.3f}"
            )
        if arguments.instructions:
            print("\ninstructions (one run under callgrind, millions):")
            for name, command in variants.items():
                count = _instructions(command, environment)
                print(f"  {name:34} {'valgrind missing' if count is None else f'{count / 1e6:9.0f}'}")
        if arguments.importtime:
            _import_profile([*scan, "--select", "SEC"], environment, arguments.top)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
