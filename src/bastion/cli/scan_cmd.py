"""`bastion scan`: every family, one run, one exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bastion.api import ScanOptions, load_config, scan
from bastion.api.baseline import write_baseline
from bastion.cli.main import handle_errors
from bastion.cli.options import SEVERITY_CHOICE, split_codes, split_list
from bastion.cli.services import build_services
from bastion.core.errors import UsageError
from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.report import FORMATS, render
from bastion.report.text import render_findings, render_summary
from bastion.rules.base import ScanServices

ServicesFactory = Callable[[dict[str, Any]], ScanServices]


def scan_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The options every scanning command shares (scan, and the per-family commands)."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option(
            "--format",
            "-f",
            "fmt",
            type=click.Choice(FORMATS),
            default="text",
            show_default=True,
            help="Report format.",
        ),
        click.option(
            "--output",
            "-o",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Write the report to FILE; the summary still goes to the terminal.",
        ),
        click.option(
            "--select",
            multiple=True,
            metavar="CODES",
            help="Only these rules: codes or prefixes, comma-separated (PAT, PAT1, PAT101, ALL).",
        ),
        click.option("--extend-select", multiple=True, metavar="CODES", help="Add rules to the selection."),
        click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules (codes or prefixes)."),
        click.option(
            "--exclude",
            multiple=True,
            metavar="PATTERNS",
            help="Replace the default excludes (gitignore syntax, relative to the project root).",
        ),
        click.option("--extend-exclude", multiple=True, metavar="PATTERNS", help="Add to the excludes."),
        click.option(
            "--fail-on",
            type=SEVERITY_CHOICE,
            help="Exit 1 when a finding is at or above this severity [default: low].",
        ),
        click.option("--max-file-size", metavar="SIZE", help="Skip files bigger than this (e.g. 2MB)."),
        click.option(
            "--config",
            "config_file",
            type=click.Path(path_type=Path, dir_okay=False, exists=True),
            help="Use this configuration file instead of searching for one.",
        ),
        click.option("--isolated", is_flag=True, help="Ignore configuration files."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes [default: all cores]."),
        click.option(
            "--baseline",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Report only findings that are not in this baseline file.",
        ),
        click.option(
            "--write-baseline",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Record the current findings as accepted, in FILE.",
        ),
        click.option("--show-suppressed", is_flag=True, help="Also list findings silenced by comments."),
        click.option(
            "--report-unused-suppressions",
            is_flag=True,
            help="Report suppression comments that match no finding (BST001).",
        ),
        click.option("--no-progress", is_flag=True, help="No progress bar, even on a terminal."),
        click.option(
            "--db",
            type=click.Path(path_type=Path, exists=True),
            help="Audit dependencies against this offline OSV data (a folder of OSV JSON files, or OSV's PyPI "
            "all.zip) instead of OSV online; no network.",
        ),
        click.option(
            "--offline",
            is_flag=True,
            help="Never use the network; without --db the vulnerability audit is skipped, with a notice.",
        ),
        click.option("--osv-url", metavar="URL", help="OSV API base URL [default: https://api.osv.dev]."),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1, max=600),
            help="Seconds to wait for each OSV request [default: 15].",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="Where the offline index and OSV records are cached [default: the user cache directory].",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    if not enabled:
        yield None
        return
    console = Console(stderr=True)
    with Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("scan", total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def run_scan(
    paths: tuple[Path, ...],
    *,
    fmt: str,
    output: Path | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    fail_on: str | None,
    max_file_size: str | None,
    config_file: Path | None,
    isolated: bool,
    jobs: int | None,
    baseline: Path | None,
    write_baseline_to: Path | None,
    show_suppressed: bool,
    report_unused_suppressions: bool,
    no_progress: bool,
    db: Path | None = None,
    offline: bool = False,
    osv_url: str | None = None,
    timeout: float | None = None,
    cache_dir: Path | None = None,
    env_paths: tuple[str, ...] | None = None,
    services: ScanServices | None = None,
    forced_select: tuple[str, ...] | None = None,
    keep_facts: bool = False,
    on_result: Callable[[ScanResult], int] | None = None,
) -> int:
    """Shared by `bastion scan` and the per-family commands; returns the exit code."""
    targets = list(paths) or [Path()]
    for target in targets:
        if not target.exists():
            raise UsageError(f"{target}: no such file or directory")
    cli_ignore = split_codes(ignore)
    loaded_base = load_config(targets[0], config_file=config_file, isolated=isolated)
    overrides: dict[str, Any] = {
        "select": forced_select or split_codes(select),
        "extend-select": split_codes(extend_select),
        "ignore": None if cli_ignore is None else (*loaded_base.config.ignore, *cli_ignore),
        "exclude": split_list(exclude),
        "extend-exclude": split_list(extend_exclude),
        "fail-on": fail_on,
        "max-file-size": max_file_size,
    }
    loaded = load_config(targets[0], config_file=config_file, overrides=overrides, isolated=isolated)
    if baseline is not None and write_baseline_to is not None:
        raise UsageError("--baseline and --write-baseline cannot be used together")
    if services is None:
        services = build_services(
            loaded.config,
            root=loaded.root,
            db=db,
            offline=offline,
            osv_url=osv_url,
            timeout=timeout,
            cache_dir=cache_dir,
            env_paths=env_paths,
        )
    show_progress = not no_progress and sys.stderr.isatty()
    with _progress(show_progress) as progress:
        result = scan(
            targets,
            ScanOptions(
                config=loaded.config,
                root=loaded.root,
                jobs=jobs,
                baseline=baseline,
                report_unused_suppressions=report_unused_suppressions,
                services=services,
                progress=progress,
                config_path=loaded.path,
                keep_facts=keep_facts,
            ),
        )
    if on_result is not None:
        # Another command (checklist) renders the result its own way and decides the exit code.
        return on_result(result)
    threshold = loaded.config.fail_on
    if write_baseline_to is not None:
        count = write_baseline(write_baseline_to, result.findings)
        click.echo(f"Wrote {count} finding(s) to the baseline {write_baseline_to}.")
        return 2 if result.incomplete else 0
    _emit(result, fmt=fmt, output=output, threshold=threshold, show_suppressed=show_suppressed)
    return result.exit_code(threshold)


def _emit(result: ScanResult, *, fmt: str, output: Path | None, threshold: Severity, show_suppressed: bool) -> None:
    terminal = Console(highlight=False, soft_wrap=not sys.stdout.isatty())
    if fmt == "text":
        if output is None:
            render_findings(terminal, result, show_suppressed=show_suppressed)
            render_summary(terminal, result, threshold=threshold)
            return
        with _open_output(output) as handle:
            file_console = Console(file=handle, highlight=False, no_color=True, width=110, soft_wrap=True)
            render_findings(file_console, result, show_suppressed=show_suppressed)
            render_summary(file_console, result, threshold=threshold)
        render_summary(terminal, result, threshold=threshold)
        terminal.print(f"Report written to {output}.")
        return
    text = render(result, fmt, threshold=threshold, show_suppressed=show_suppressed)
    if output is None:
        click.echo(text, nl=False)
        return
    with _open_output(output) as handle:
        handle.write(text)
    render_summary(terminal, result, threshold=threshold)
    terminal.print(f"{fmt.upper()} report written to {output}.")


@contextmanager
def _open_output(path: Path) -> Iterator[Any]:
    try:
        handle = path.open("w", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{path}: cannot write the report: {error.strerror or error}") from None
    with handle:
        yield handle


@click.command("scan")
@scan_options
@handle_errors
def scan_command(paths: tuple[Path, ...], **kwargs: Any) -> None:
    """Scan PATHS (default: the current directory) with every rule family."""
    kwargs["write_baseline_to"] = kwargs.pop("write_baseline")
    sys.exit(run_scan(paths, **kwargs))
