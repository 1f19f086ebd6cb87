"""`bastion deps`: the dependency audit alone (DEP rules), optionally of an installed environment too."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from bastion.cli.main import handle_errors
from bastion.cli.options import split_codes
from bastion.cli.scan_cmd import run_scan, scan_options
from bastion.core.errors import UsageError


@click.command("deps")
@scan_options
@click.option(
    "--env",
    "audit_environment",
    is_flag=True,
    help="Also audit the installed environment: every distribution the running Python sees (its metadata is "
    "read, nothing is imported).",
)
@click.option(
    "--env-path",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="Audit the distributions in this folder (a site-packages) instead of the running Python's; repeatable; "
    "implies --env.",
)
@handle_errors
def deps_command(paths: tuple[Path, ...], audit_environment: bool, env_path: tuple[Path, ...], **kwargs: Any) -> None:
    """Audit the dependencies of PATHS (default: the current directory): known vulnerabilities in every
    requirements file, pyproject.toml and lock file, and dependency hygiene (DEP rules only)."""
    selected = split_codes(kwargs.pop("select"))
    if selected and any(not code.startswith("DEP") and code != "ALL" for code in selected):
        raise UsageError("bastion deps runs DEP rules only; use bastion scan for the other families")
    kwargs["write_baseline_to"] = kwargs.pop("write_baseline")
    env_paths = tuple(str(path) for path in env_path) if env_path or audit_environment else None
    forced = tuple(code for code in selected or ("DEP",) if code != "ALL") or ("DEP",)
    sys.exit(run_scan(paths, select=(), env_paths=env_paths, forced_select=forced, **kwargs))
