"""How long `bastion secrets --history` takes on a large history (median of N runs).

No public git repository can be cloned here, so the history is built, once, under bench/corpus/history-repo/
(git-ignored) with `git fast-import`: the source files of the Django installed in this environment are added
and then edited commit after commit (one to three files per commit, a few lines inserted, changed or deleted
each time, on several branches), N commits in all (default 12,000), with a few fake credentials committed and
later removed along the way. It has the shape of a real project's history: many small diffs to real code.

    pip install django                     # for this benchmark only
    python bench/history_speed.py [--commits 12000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import string
import subprocess
import sys
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE / "corpus" / "history-repo"


def _token(generator: random.Random) -> str:
    from bastion.secrets.validators import base62_encode

    body = "".join(generator.choice(string.ascii_letters + string.digits) for _ in range(30))
    return "gh" + "p_" + body + base62_encode(zlib.crc32(body.encode()))


def _data(text: str) -> bytes:
    payload = text.encode("utf-8")
    return b"data %d\n" % len(payload) + payload + b"\n"


def build(commits: int) -> None:
    import django

    generator = random.Random(12)
    source = Path(django.__file__).parent
    pool = sorted(p for p in source.rglob("*.py") if p.stat().st_size < 60000)
    files: dict[str, list[str]] = {}
    REPO.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(REPO)], check=True)
    process = subprocess.Popen(["git", "-C", str(REPO), "fast-import", "--quiet"], stdin=subprocess.PIPE)
    assert process.stdin is not None
    write = process.stdin.write
    branches = ["main"]
    tips: dict[str, int] = {}
    clock = 1_500_000_000
    for number in range(1, commits + 1):
        if number % 1500 == 0:
            branches.append(f"feature-{number}")
        branch = branches[-1] if number % 7 else "main"
        clock += generator.randint(60, 7200)
        write(f"commit refs/heads/{branch}\nmark :{number}\n".encode())
        write(f"author Dev <dev@example.org> {clock} +0000\ncommitter Dev <dev@example.org> {clock} +0000\n".encode())
        write(_data(f"change {number}"))
        if branch not in tips and "main" in tips:
            write(f"from :{tips['main']}\n".encode())  # a new branch starts from main's tip
        tips[branch] = number
        for _ in range(generator.randint(1, 3)):
            if pool and (len(files) < 50 or generator.random() < 0.15):
                path = pool.pop(generator.randrange(len(pool)))
                rel = "src/" + path.relative_to(source).as_posix()
                files[rel] = path.read_text(encoding="utf-8", errors="replace").split("\n")
            else:
                rel = generator.choice(sorted(files))
            lines = files[rel]
            for _ in range(generator.randint(1, 6)):
                position = generator.randrange(len(lines) + 1)
                action = generator.random()
                if action < 0.5 or not lines:
                    lines.insert(position, f"# note {number}: {generator.random():.6f}")
                elif action < 0.8:
                    lines[min(position, len(lines) - 1)] += "  # edited"
                else:
                    del lines[min(position, len(lines) - 1)]
            if number % 997 == 0:
                lines.insert(0, f'GITHUB_TOKEN = "{_token(generator)}"')
            write(f"M 100644 inline {rel}\n".encode())
            write(_data("\n".join(lines)))
        write(b"\n")
    process.stdin.close()
    if process.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(REPO), "checkout", "-q", "-f", "main"], check=True)


def count_commits() -> int:
    output = subprocess.run(
        ["git", "-C", str(REPO), "rev-list", "--all", "--count"], capture_output=True, text=True, check=True
    )
    return int(output.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=12000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    if not (REPO / ".git").is_dir():
        started = time.perf_counter()
        build(arguments.commits)
        print(f"built {REPO} in {time.perf_counter() - started:.1f} s")
    print(f"repository: {REPO} ({count_commits()} commits reachable from all refs)")
    durations = []
    cpu_times = []
    report: dict[str, object] = {}
    for _ in range(arguments.runs):
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        completed = subprocess.run(
            [sys.executable, "-m", "bastion", "secrets", "--history", str(REPO), "--isolated", "-f", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
        durations.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU time (user + sys) of the run and everything it started: steady on a machine others share, where
        # the wall time is not.
        cpu_times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        report = json.loads(completed.stdout)
    notes = [n["message"] for n in report["notices"] if n["message"].startswith("git history")]  # type: ignore[index,union-attr]
    findings = report["findings"]  # type: ignore[index]
    print(notes[0] if notes else "no history notice")
    print(f"findings: {len(findings)}")  # type: ignore[arg-type]
    print(f"wall (s): {' '.join(f'{d:.2f}' for d in durations)}; median {statistics.median(durations):.2f} s")
    print(f"cpu, user+sys (s): {' '.join(f'{c:.2f}' for c in cpu_times)}; median {statistics.median(cpu_times):.2f} s")


if __name__ == "__main__":
    main()
