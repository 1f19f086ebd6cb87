"""`bastion deps`: the dependency audit alone (DEP rules), optionally of an installed environment too."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from bastion.cli.errors import handle_errors
from bastion.cli.fix_cmd import DIFF, fix_and_report
from bastion.cli.options import SCAN_OPTIONS, request_from
from bastion.cli.running import scan_and_report
from bastion.core.errors import UsageError
from bastion.core.fix import Applicability
from bastion.fix.engine import FixSettings


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
@click.option(
    "--fix",
    "fix_pins",
    is_flag=True,
    help="Raise each vulnerable pin in requirements files and pyproject.toml to the smallest release that fixes "
    "all its known advisories; for lock files, print the command that does it.",
)
@DIFF
@handle_errors
def deps_command(
    audit_environment: bool, env_path: tuple[Path, ...], fix_pins: bool, show_diff: bool, **params: Any
) -> None:
    """Audit the dependencies of PATHS (default: the current directory): known vulnerabilities in every
    requirements file, pyproject.toml and lock file, and dependency hygiene (DEP rules only)."""
    env_paths = tuple(env_path) if env_path or audit_environment else None
    request = request_from(params, family="DEP", env_paths=env_paths)
    if show_diff and not fix_pins:
        raise UsageError("--diff shows what --fix would change: use them together")
    if fix_pins:
        if request.report.fmt != "text" or request.report.output is not None:
            raise UsageError("--fix prints a summary of what it changed; --format and --output do not apply")
        # The upgrades are what the user asked for with --fix: unsafe fixes of DEP101 only.
        settings = FixSettings(applicability=Applicability.UNSAFE, accept=lambda finding: finding.code == "DEP101")
        sys.exit(fix_and_report(request, settings, show_diff=show_diff))
    sys.exit(scan_and_report(request))
