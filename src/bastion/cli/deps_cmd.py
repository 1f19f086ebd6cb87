"""`bastion deps`: the dependency audit alone (DEP rules), optionally of an installed environment too."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from bastion.cli.errors import handle_errors
from bastion.cli.options import SCAN_OPTIONS, request_from
from bastion.cli.running import scan_and_report


@click.command("deps")
@SCAN_OPTIONS
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
def deps_command(audit_environment: bool, env_path: tuple[Path, ...], **params: Any) -> None:
    """Audit the dependencies of PATHS (default: the current directory): known vulnerabilities in every
    requirements file, pyproject.toml and lock file, and dependency hygiene (DEP rules only)."""
    env_paths = tuple(env_path) if env_path or audit_environment else None
    sys.exit(scan_and_report(request_from(params, family="DEP", env_paths=env_paths)))
