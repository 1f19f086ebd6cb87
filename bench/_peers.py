"""Shared set-up for the benchmark scripts: the Django corpus and a private bandit install (never a project
dependency). Both live under bench/ (git-ignored): bench/corpus/ and bench/.cache/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CORPUS = BENCH / "corpus"
CACHE = BENCH / ".cache"
BANDIT_VENV = CACHE / "bandit-venv"
DJANGO_VERSION = "5.2.19"


def django_tree(version: str = DJANGO_VERSION) -> Path:
    """The Django source tree, downloaded once from PyPI with pip. A `.git` folder marks it as its own project
    root, so that the repository's .gitignore (which ignores bench/corpus) does not hide it from the scan."""
    tree = CORPUS / f"django-{version}"
    if not tree.is_dir():
        CORPUS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             f"django=={version}", "-d", str(CORPUS)],
            check=True,
        )  # fmt: skip
        archive = next(CORPUS.glob(f"[dD]jango-{version}.tar.gz"))
        with tarfile.open(archive) as sdist:
            sdist.extractall(CORPUS, filter="data")
    (tree / ".git").mkdir(exist_ok=True)
    return tree


def bandit_executable() -> Path:
    """bandit in its own virtual environment under bench/.cache (installed with pip on first use)."""
    executable = BANDIT_VENV / "bin" / "bandit"
    if not executable.is_file():
        subprocess.run([sys.executable, "-m", "venv", str(BANDIT_VENV)], check=True)
        subprocess.run([str(BANDIT_VENV / "bin" / "pip"), "install", "--quiet", "bandit"], check=True)
    return executable


def bastion_executable() -> Path:
    found = shutil.which("bastion", path=os.path.dirname(sys.executable)) or shutil.which("bastion")
    if found is None:
        raise SystemExit("bastion is not installed in this environment: pip install -e .")
    return Path(found)


def bandit_version() -> str:
    result = subprocess.run([str(bandit_executable()), "--version"], capture_output=True, text=True, check=False)
    return result.stdout.split("\n", 1)[0].strip()
