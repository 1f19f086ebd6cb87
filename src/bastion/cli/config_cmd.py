"""`bastion config`: what configuration is in effect for a path, and where it came from."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bastion.api import ScanRequest, resolve_config
from bastion.api.selection import enabled_rules
from bastion.cli.errors import handle_errors
from bastion.report.escape import visible
from bastion.rules import load_all


@click.command("config")
@click.argument("path", required=False, type=click.Path(path_type=Path, exists=True), default=Path("."))
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@handle_errors
def config_command(path: Path, config_file: Path | None) -> None:
    """Show the configuration in effect for PATH (default: the current directory) and where it came from."""
    loaded = resolve_config(ScanRequest(paths=(path,), config_file=config_file))
    rules = enabled_rules(loaded.config, load_all())
    click.echo(f"configuration file: {visible(str(loaded.path or '(none found: defaults)'))}")
    click.echo(f"project root:       {visible(str(loaded.root))}")
    click.echo(f"rules enabled:      {len(rules)} ({', '.join(sorted({rule.family() for rule in rules}))})")
    values = loaded.config.model_dump(mode="json", by_alias=True)
    click.echo("settings in effect:")
    for key, value in values.items():
        click.echo(f"  {key} = {json.dumps(value)}")
