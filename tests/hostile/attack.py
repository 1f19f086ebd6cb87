"""Tools for tests that attack bastion the way a hostile pull request would: trees that try to run code in
bastion's processes (a marker file appears when they succeed), and the real command line run as a subprocess,
with a timeout, from inside the hostile tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TIMEOUT = 180.0


def bastion_command() -> list[str]:
    """How a user runs bastion: the installed `bastion` command (next to this interpreter), else `-m`."""
    script = Path(sys.executable).with_name("bastion")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "bastion"]


def clean_environment(home: Path) -> dict[str, str]:
    """The environment of the test run, without anything that would put a directory on `sys.path` or change
    bastion's behaviour, and with caches and configuration in `home` (never the user's)."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTHON", "BASTION_", "GIT_")) and name not in ("NO_COLOR", "FORCE_COLOR")
    }
    environment.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_CONFIG_HOME=str(home / "config"),
        COLUMNS="200",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return environment


def run(
    command: list[str], *, cwd: Path, home: Path, timeout: float = TIMEOUT, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = clean_environment(home)
    environment.update(extra_env or {})
    return subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout, check=False
    )


def marker_source(marker_dir: Path, name: str) -> str:
    """A module body that leaves `marker_dir/name` behind when it is imported (or run)."""
    target = json.dumps(str(marker_dir / name))
    return f"open({target}, 'w').close()\n"


def plant_markers(root: Path, names: list[str], marker_dir: Path) -> None:
    """A shadow for each module name at `root`: a package for names with dots' first part, else a module."""
    for name in names:
        (root / f"{name}.py").write_text(marker_source(marker_dir, name), encoding="utf-8")


def markers(marker_dir: Path) -> list[str]:
    return sorted(path.name for path in marker_dir.iterdir()) if marker_dir.is_dir() else []


_PROBE = """
import atexit, json, sys
def _dump():
    with open({out!r}, "w") as handle:
        json.dump(sorted({{name.split(".")[0] for name in sys.modules}}), handle)
atexit.register(_dump)
sys.argv = ["bastion", *{args!r}]
from bastion.__main__ import main
main()
"""


def modules_imported_by(args: list[str], *, cwd: Path, home: Path, out: Path) -> set[str]:
    """Top-level names of every module a bastion command has loaded by the time it exits (run in-process in a
    subprocess of its own, at `--jobs 1` where that applies, so the workers' imports are the same)."""
    probe = _PROBE.format(out=str(out), args=args)
    completed = run([sys.executable, "-c", probe], cwd=cwd, home=home)
    if not out.is_file():
        raise AssertionError(f"probe of {args} left no module list: {completed.stderr[-2000:]}")
    return set(json.loads(out.read_text(encoding="utf-8")))


def dependency_modules(distribution: str = "bastion") -> set[str]:
    """Top-level module names of every distribution `distribution` requires, directly or not (extras aside)."""
    from importlib import metadata

    from packaging.requirements import Requirement

    seen: set[str] = set()
    pending = [distribution]
    while pending:
        name = _canonical(pending.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requirements:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    seen.discard(_canonical(distribution))
    return {module for name in seen for module in _top_level_modules(name)}


def _top_level_modules(distribution: str) -> set[str]:
    """What a distribution installs at the top of site-packages, from its file list (Python 3.10's
    `packages_distributions` only reads `top_level.txt`, which many wheels no longer have)."""
    from importlib import metadata

    try:
        files = metadata.distribution(distribution).files or []
    except metadata.PackageNotFoundError:
        return set()
    modules: set[str] = set()
    for file in files:
        first = file.parts[0]
        if first in ("..", "__pycache__") or first.endswith((".dist-info", ".egg-info", ".data", ".pth")):
            continue
        modules.add(first.split(".", 1)[0] if len(file.parts) == 1 else first)
    return {module for module in modules if module.isidentifier()}


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")
