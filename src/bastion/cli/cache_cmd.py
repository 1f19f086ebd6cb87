"""`bastion cache clean`: remove the per-file results bastion keeps between scans."""

from __future__ import annotations

from pathlib import Path

import click

from bastion.api.result_cache import cache_directory, clean_results
from bastion.cli.errors import handle_errors
from bastion.report.escape import visible


@click.group("cache")
def cache_command() -> None:
    """The result cache: per-file results reused by the next scan of unchanged files."""


@cache_command.command("clean")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The cache directory [default: $BASTION_CACHE_DIR, else the user cache directory].",
)
@handle_errors
def clean_command(cache_dir: Path | None) -> None:
    """Remove every stored result (the next scan analyses every file afresh)."""
    directory = cache_directory(cache_dir)
    removed = clean_results(directory)
    click.echo(f"Removed {len(removed)} result cache file(s) from {visible(str(directory))}.")
