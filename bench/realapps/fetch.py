"""Materialise the pinned real apps (apps.toml) into the bench cache, outside this repository.

    python bench/realapps/fetch.py [NAME ...] [--mirrors DIR] [--cache DIR]

Each app's pinned commit is written, file by file, to `<cache>/realapps/<name>-<commit12>/` where `<cache>` is
`$BASTION_BENCH_CACHE` or `~/.cache/bastion-bench`. The commit comes from a local git repository when one is found
(`--mirrors DIR` holding `<owner>+<name>/repo`, `<owner>+<name>.git`, `<owner>/<name>.git` or `<owner>/<name>`;
default `$BASTION_REALAPPS_MIRRORS`), otherwise from a bare clone of `https://github.com/<owner>/<name>.git` kept in
the cache. Nothing of an app is imported or run: git only lists trees and reads blobs (`ls-tree`, `cat-file`), with
the system and user git configuration ignored. Symbolic links and submodules are skipped; blobs a partial mirror
lacks (big test archives) are listed in `MISSING.txt` inside the materialised tree.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
COMPLETE = ".bastion-bench-complete"
MISSING = "MISSING.txt"


@dataclass(frozen=True)
class App:
    name: str
    repo: str
    commit: str
    framework: str
    licence: str
    lines: int
    heldout: bool = False  # the held-out group: code the team has not tuned to


def load_apps(path: Path = HERE / "apps.toml") -> list[App]:
    with path.open("rb") as handle:
        table = tomllib.load(handle)
    return [App(**entry) for entry in table["app"]]


def cache_root() -> Path:
    configured = os.environ.get("BASTION_BENCH_CACHE")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "bastion-bench"


def tree_path(app: App, cache: Path | None = None, group: str = "realapps") -> Path:
    """Where an app is materialised; `group` keeps corpora apart (`realapps`, `vulnapps` of bench/recall.py)."""
    return (cache or cache_root()) / group / f"{app.name}-{app.commit[:12]}"


def _git(git_dir: Path, *arguments: str, stdin: bytes | None = None) -> bytes:
    environment = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
    }
    result = subprocess.run(
        ["git", f"--git-dir={git_dir}", *arguments],
        input=stdin,
        capture_output=True,
        check=True,
        env=environment,
    )
    return result.stdout


def find_repository(app: App, mirrors: Path | None, cache: Path) -> Path:
    """A local git directory holding the app, or a bare clone made in the cache."""
    owner, name = app.repo.split("/")
    if mirrors is not None:
        for candidate in (
            mirrors / f"{owner}+{name}" / "repo",
            mirrors / f"{owner}+{name}.git",
            mirrors / owner / f"{name}.git",
            mirrors / owner / name / ".git",
        ):
            if candidate.is_dir():
                return candidate
    clone = cache / "mirrors" / f"{owner}+{name}.git"
    if not clone.is_dir():
        clone.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["git", "clone", "--bare", "--quiet", f"https://github.com/{app.repo}.git", str(clone)],
            check=True,
            env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"},
        )
    return clone


def _tree_entries(git_dir: Path, commit: str) -> list[tuple[str, str, str]]:
    listing = _git(git_dir, "ls-tree", "-r", "-z", "--full-tree", commit)
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, _kind, sha = meta.decode().split()
        entries.append((mode, sha, path.decode("utf-8", "surrogateescape")))
    return entries


def _safe_target(root: Path, relative: str) -> Path | None:
    target = (root / relative).resolve()
    return target if target.is_relative_to(root.resolve()) else None


def materialise(app: App, git_dir: Path, destination: Path) -> list[str]:
    """Write every regular file of the pinned commit under destination; return the paths whose blob is missing."""
    entries = [(sha, path) for mode, sha, path in _tree_entries(git_dir, app.commit) if mode in ("100644", "100755")]
    request = "".join(f"{sha}\n" for sha, _ in entries).encode()
    process = subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull},
    )
    assert process.stdin is not None and process.stdout is not None
    stdin = process.stdin

    def feed() -> None:  # from a thread: git answers while it reads, so a big request must not block the reader
        stdin.write(request)
        stdin.close()

    writer = threading.Thread(target=feed)
    writer.start()
    missing = []
    for _sha, path in entries:
        header = process.stdout.readline().decode().split()
        if header[-1] == "missing":
            missing.append(path)
            continue
        size = int(header[2])
        content = process.stdout.read(size)
        process.stdout.read(1)  # the newline after each object
        target = _safe_target(destination, path)
        if target is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    writer.join()
    process.wait()
    return missing


def ensure(app: App, mirrors: Path | None = None, cache: Path | None = None, group: str = "realapps") -> Path:
    """The app's materialised tree, made on first use."""
    cache = cache or cache_root()
    destination = tree_path(app, cache, group)
    if (destination / COMPLETE).is_file():
        return destination
    git_dir = find_repository(app, mirrors, cache)
    destination.mkdir(parents=True, exist_ok=True)
    missing = materialise(app, git_dir, destination)
    if missing:
        (destination / MISSING).write_text("".join(f"{path}\n" for path in missing), encoding="utf-8")
    (destination / COMPLETE).write_text(app.commit + "\n", encoding="utf-8")
    return destination


def python_lines(tree: Path) -> int:
    total = 0
    for path in tree.rglob("*.py"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                total += sum(1 for _ in handle)
    return total


def default_mirrors() -> Path | None:
    configured = os.environ.get("BASTION_REALAPPS_MIRRORS")
    return Path(configured) if configured else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="apps to fetch (default: all of apps.toml)")
    parser.add_argument("--mirrors", type=Path, default=default_mirrors(), help="folder of local git mirrors")
    parser.add_argument("--cache", type=Path, default=None, help="bench cache (default $BASTION_BENCH_CACHE)")
    args = parser.parse_args()
    apps = [app for app in load_apps() if not args.names or app.name in args.names]
    for app in apps:
        tree = ensure(app, args.mirrors, args.cache)
        missing = tree / MISSING
        absent = len(missing.read_text(encoding="utf-8").splitlines()) if missing.is_file() else 0
        print(f"{app.name:15} {app.commit[:12]} {python_lines(tree):>7} Python lines  {absent} blob(s) absent  {tree}")


if __name__ == "__main__":
    main()
