"""`bastion secrets`: the SEC rules alone, on the working tree or (`--history`) on every commit of git history."""

from __future__ import annotations

import sys
from typing import Any

import click

from bastion.cli.errors import handle_errors
from bastion.cli.options import CHANGES, SCAN_OPTIONS, request_from
from bastion.cli.running import scan_and_report


@click.command("secrets")
@SCAN_OPTIONS
@CHANGES
@click.option(
    "--history",
    is_flag=True,
    help="Scan every commit reachable from any ref (added lines, each file version once) instead of the files.",
)
@handle_errors
def secrets_command(**params: Any) -> None:
    """Find credentials in PATHS (default: the current directory) with the SEC rules only.

    With --history, scan the git history of the repository holding PATH: each secret is reported once per file,
    at the oldest commit that added it, with its date and whether it is still in the working tree.
    """
    sys.exit(scan_and_report(request_from(params, family="SEC")))
