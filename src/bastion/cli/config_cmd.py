"""`bastion config`: what configuration is in effect for a path, and where it came from."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bastion.api import ScanRequest, resolve_config
from bastion.api.configuration_report import describe_configuration
from bastion.api.selection import enabled_rules
from bastion.api.user_settings import user_config_file, user_settings
from bastion.cli.errors import handle_errors
from bastion.report.common import report_lines
from bastion.report.escape import visible
from bastion.rules import load_all


@click.command("config")
@click.argument("path", required=False, type=click.Path(path_type=Path, exists=True), default=Path("."))
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@handle_errors
def config_command(path: Path, config_file: Path | None) -> None:
    """Show the configuration in effect for PATH (default: the current directory), where it came from, what it
    switches off, and whom the dependency audit trusts (your settings, never the project's)."""
    request = ScanRequest(paths=(path,), config_file=config_file)
    loaded = resolve_config(request)
    every = load_all()
    rules = enabled_rules(loaded.config, every)
    settings = user_settings(request, loaded.config)
    report, notices = describe_configuration(request, loaded, loaded.file_config, settings, every)
    click.echo(f"configuration file: {visible(str(loaded.path or '(none found: defaults)'))}")
    click.echo(f"project root:       {visible(str(loaded.root))}")
    own = settings.file or user_config_file()
    missing = "" if settings.file is not None else " (does not exist: defaults)"
    click.echo(f"your settings:      {visible(str(own or '(none)'))}{missing}")
    click.echo(f"rules enabled:      {len(rules)} ({', '.join(sorted({rule.family() for rule in rules}))})")
    for line in report_lines(report)[1:]:
        click.echo(visible(line))
    for notice in notices:
        click.echo(f"warning: {visible(notice.render())}")
    values = loaded.config.model_dump(mode="json", by_alias=True)
    click.echo("settings in effect:")
    for key, value in values.items():
        click.echo(f"  {key} = {json.dumps(value)}")
    click.echo("trust settings (yours, never the project's):")
    for name in ("osv_url", "db", "cache_dir", "timeout"):
        setting = getattr(settings, name)
        shown = "(default)" if setting.value is None else str(setting.value)
        click.echo(f"  {name.replace('_', '-')} = {visible(shown)}  ({visible(setting.source)})")
