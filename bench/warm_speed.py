"""Re-scans with a warm result cache on Django 5.1.4 (879 files, 155k lines), every rule family.

    python bench/warm_speed.py [--runs 5] [--jobs N] [--tree django|big]

A copy of Django (installed once by `corpus_tools.django_tree`) is made a git repository in a temporary folder,
scanned once cold to fill a temporary cache, then re-scanned: with no change; after an edit of one file (a
different edit each run, so that each run misses the cache for that file): a comment added at its end (its facts
stay the same) and a line inserted at its top (every line moves: its facts, and the taint part it belongs to, are
computed again), of `django/db/models/query.py` and of `django/http/request.py` (a core module; both are in the
taint part that holds 498 of the 640 modules with taint facts); and with `--diff HEAD~1` after a commit that edits
five files. The `--diff` figures do not measure the same work: with the cache, the unchanged files take part through
their cached results (every entry is decoded, project rules see the whole project, findings of every file go
through fingerprints and suppressions before the report narrows to the five); with `--no-cache` only the five files
are known at all (no flow into or out of an unchanged file is followed: README, "Pull requests"), so that figure is
a narrower analysis, not a baseline for the warm one. Both also read every file to compare it with HEAD~1.
`--tree big` adds SQLAlchemy 2.0.36 and sympy 1.13.3 beside Django (2,652 files,
1.13M lines; taken from bench/corpus/sqlalchemy-tree and sympy-tree, installed there by the same `pip install
--target` as Django). Each figure is the median (and least) of `--runs` runs, wall-clock and CPU (user+sys of
bastion and the workers it waited for: a warm scan analyses its few changed files in its own process, so its CPU
figure is whole; the cold scan's leaves its workers out). Targets (issue #14): one-file edit under 1.0 s on
Django, under 3 s on the big tree, identical to a cold scan (the test suite checks identity:
tests/cache/test_warm_scan.py).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_tools import CORPUS, django_tree

EDITED = "django/db/models/query.py"
CORE = "django/http/request.py"
FIVE = [
    "django/db/models/query.py",
    "django/http/request.py",
    "django/contrib/auth/views.py",
    "django/views/generic/base.py",
    "django/core/handlers/base.py",
]


def _bastion() -> list[str]:
    script = Path(sys.executable).with_name("bastion")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bastion"]


def _git(repo: Path, *arguments: str) -> None:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo.parent),
    }
    subprocess.run(["git", *arguments], cwd=repo, env=environment, check=True, capture_output=True)


def _scan(repo: Path, cache: Path, jobs: int | None, *extra: str) -> tuple[float, float]:
    command = [*_bastion(), "scan", "--no-progress", "--isolated", "--offline", "-f", "json", *extra, "."]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    environment["BASTION_CACHE_DIR"] = str(cache)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=repo, env=environment, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode not in (0, 1):
        raise SystemExit(f"scan failed ({completed.returncode}): {completed.stderr.decode()[-600:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _edit(repo: Path, rel: str, mark: str) -> None:
    path = repo / rel
    path.write_text(path.read_text(encoding="utf-8") + f"\n# bench edit {mark}\n", encoding="utf-8")


def _insert_line(repo: Path, rel: str, mark: str) -> None:
    path = repo / rel
    path.write_text(f"# bench edit {mark}\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def _copy_tree(name: str, repo: Path) -> None:
    """Django, or with `big` also SQLAlchemy and sympy (their packages only) from bench/corpus."""
    shutil.copytree(django_tree(), repo / "django")
    if name == "big":
        for tree, package in (("sqlalchemy-tree", "sqlalchemy"), ("sympy-tree", "sympy")):
            source = CORPUS / tree / package
            if not source.is_dir():
                raise SystemExit(f"{source} is missing: pip install --target {CORPUS / tree} --no-deps {package}")
            shutil.copytree(source, repo / package, ignore=shutil.ignore_patterns("__pycache__"))


def _report(name: str, samples: list[tuple[float, float]]) -> None:
    walls = [wall for wall, _ in samples]
    cpus = [cpu for _, cpu in samples]
    print(
        f"{name:68} wall {statistics.median(walls):6.2f} s (min {min(walls):5.2f})   "
        f"cpu {statistics.median(cpus):6.2f} s (min {min(cpus):5.2f})   n={len(samples)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=None, help="bastion's --jobs (default: all cores)")
    parser.add_argument("--tree", choices=("django", "big"), default="django")
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bastion-warm-"))
    try:
        repo = work / "django"
        _copy_tree(arguments.tree, repo)
        cache = work / "cache"
        _git(repo, "init", "-q", "-b", "main")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", "django 5.1.4")
        files = sum(1 for _ in repo.rglob("*.py"))
        what = "Django 5.1.4" if arguments.tree == "django" else "Django 5.1.4 + SQLAlchemy 2.0.36 + sympy 1.13.3"
        print(f"{what}: {files} Python files; load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        _report("cold scan (fills the cache)", [_scan(repo, cache, arguments.jobs)])
        _report("no change, warm", [_scan(repo, cache, arguments.jobs) for _ in range(arguments.runs)])
        for rel in (EDITED, CORE):
            samples = []
            for run in range(arguments.runs):
                _edit(repo, rel, f"one-{run}")
                samples.append(_scan(repo, cache, arguments.jobs))
            _report(f"{rel}: a comment added, warm", samples)
            samples = []
            for run in range(arguments.runs):
                _insert_line(repo, rel, f"top-{run}")
                samples.append(_scan(repo, cache, arguments.jobs))
            _report(f"{rel}: every line moved, warm", samples)
        _git(repo, "checkout", "-q", "--", ".")
        _scan(repo, cache, arguments.jobs)  # back to the committed state, cached
        for rel in FIVE:
            _edit(repo, rel, "five")
        _git(repo, "commit", "-q", "-am", "five files")
        _report(
            "--diff HEAD~1, 5 files changed, warm",
            [_scan(repo, cache, arguments.jobs, "--diff", "HEAD~1") for _ in range(arguments.runs)],
        )
        cold_cache = work / "cold-cache"
        _report(
            "--diff HEAD~1, 5 files changed, no cache (only the 5 files analysed)",
            [_scan(repo, cold_cache, arguments.jobs, "--diff", "HEAD~1", "--no-cache") for _ in range(arguments.runs)],
        )
        print(f"load at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
