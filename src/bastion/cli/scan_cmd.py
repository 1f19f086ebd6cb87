"""`bastion scan`: every family, one run, one exit code."""

from __future__ import annotations

import sys
from typing import Any

import click

from bastion.cli.errors import handle_errors
from bastion.cli.options import CHANGES, SCAN_OPTIONS, request_from
from bastion.cli.running import scan_and_report


@click.command("scan")
@SCAN_OPTIONS
@CHANGES
@handle_errors
def scan_command(**params: Any) -> None:
    """Scan PATHS (default: the current directory) with every rule family."""
    sys.exit(scan_and_report(request_from(params)))
