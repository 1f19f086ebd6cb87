"""Helpers for foundation tests: small projects on disk and a CLI runner that never hides a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from bastion.cli.main import cli


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def make_tree(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    def make(files: dict[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "project", files)

    return make


@dataclass(frozen=True)
class CliOutcome:
    """What a command gave: its exit code and what it wrote to each stream (as `subprocess.CompletedProcess`)."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None) -> CliOutcome:
    """Run `bastion ARGS` as a user would with its output piped (no colour, no progress), in this process through
    click's runner: a new interpreter per call used to cost most of the suite's time. Only what must run in a
    real process (a terminal, a closed pipe, hostile imports) uses `run_cli_process`."""
    environment = {"COLUMNS": "200", "NO_COLOR": None, "FORCE_COLOR": None, "BASTION_DEBUG": None}
    with _working_directory(cwd):
        result = CliRunner().invoke(cli, list(args), env=environment, prog_name="bastion")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback outside the command's own error handling: show it
    return CliOutcome(result.exit_code, result.stdout, result.stderr)


@contextmanager
def _working_directory(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def run_cli_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m bastion` in a subprocess (stdout piped: no colour, no progress)."""
    environment = {**os.environ, "COLUMNS": "200"}
    environment.pop("NO_COLOR", None)
    environment.pop("FORCE_COLOR", None)
    environment.pop("BASTION_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "bastion", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
