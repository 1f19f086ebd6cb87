"""`bastion secrets`: the SEC rules alone, on the working tree or (`--history`) on every commit of git history."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from bastion.api import ScanOptions, load_config
from bastion.api.baseline import write_baseline
from bastion.api.history import scan_secret_history
from bastion.cli.main import handle_errors
from bastion.cli.options import split_codes
from bastion.cli.scan_cmd import _emit as emit_report
from bastion.cli.scan_cmd import run_scan, scan_options
from bastion.core.errors import UsageError


def _secret_codes(select: tuple[str, ...]) -> tuple[str, ...]:
    codes = split_codes(select)
    if codes is None:
        return ("SEC",)
    others = [code for code in codes if not code.startswith("SEC")]
    if others:
        raise UsageError(f"bastion secrets runs the SEC rules only; {', '.join(others)} is not one (use bastion scan)")
    return codes


def _run_history(paths: tuple[Path, ...], codes: tuple[str, ...], options: dict[str, Any]) -> int:
    if len(paths) > 1:
        raise UsageError("--history scans one repository: give one PATH (default: the current directory)")
    target = paths[0] if paths else Path()
    if not target.exists():
        raise UsageError(f"{target}: no such file or directory")
    overrides: dict[str, Any] = {
        "select": codes,
        "extend-select": split_codes(options["extend_select"]),
        "ignore": split_codes(options["ignore"]),
        "fail-on": options["fail_on"],
    }
    loaded = load_config(target, config_file=options["config_file"], overrides=overrides, isolated=options["isolated"])
    baseline, write_to = options["baseline"], options["write_baseline_to"]
    if baseline is not None and write_to is not None:
        raise UsageError("--baseline and --write-baseline cannot be used together")
    result = scan_secret_history(
        target, ScanOptions(config=loaded.config, root=loaded.root, baseline=baseline, config_path=loaded.path)
    )
    threshold = loaded.config.fail_on
    if write_to is not None:
        count = write_baseline(write_to, result.findings)
        click.echo(f"Wrote {count} finding(s) to the baseline {write_to}.")
        return 0
    emit_report(
        result,
        fmt=options["fmt"],
        output=options["output"],
        threshold=threshold,
        show_suppressed=options["show_suppressed"],
    )
    return result.exit_code(threshold)


@click.command("secrets")
@scan_options
@click.option(
    "--history",
    is_flag=True,
    help="Scan every commit reachable from any ref (added lines, each file version once) instead of the files.",
)
@handle_errors
def secrets_command(paths: tuple[Path, ...], history: bool, **kwargs: Any) -> None:
    """Find credentials in PATHS (default: the current directory) with the SEC rules only.

    With --history, scan the git history of the repository holding PATH: each secret is reported once per file,
    at the oldest commit that added it, with its date and whether it is still in the working tree.
    """
    kwargs["write_baseline_to"] = kwargs.pop("write_baseline")
    codes = _secret_codes(kwargs.pop("select"))
    if history:
        sys.exit(_run_history(paths, codes, kwargs))
    sys.exit(run_scan(paths, select=(), forced_select=codes, **kwargs))
