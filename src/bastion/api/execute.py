"""`run(request)`: carry out a `ScanRequest`, the one path from a command's flags to a result.

Finds and merges the configuration (the request's values over the file's), builds the services, runs the scan of
the files or of the git history, and records the baseline when asked. Rendering the result is the caller's job.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bastion.api.baseline import write_baseline
from bastion.api.config_loader import LoadedConfig, load_config
from bastion.api.configuration_report import describe_configuration
from bastion.api.request import ScanRequest
from bastion.api.result_cache import cache_directory
from bastion.api.scan import ProgressCallback, ScanOptions, scan
from bastion.api.selection import ALL, enabled_rules
from bastion.api.services import build_services, inside_tree
from bastion.api.user_settings import UserSettings, user_settings
from bastion.core.config import DEFAULT_FILE_TIME_LIMIT, BastionConfig
from bastion.core.errors import UsageError
from bastion.core.notice import Notice
from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.rules import rule_entries
from bastion.rules.base import ScanServices
from bastion.rules.meta.unused_suppression import UnusedSuppression


def resolve_config(request: ScanRequest) -> LoadedConfig:
    """The configuration in effect for the request: the file (found from the first path, or the request's),
    with the request's values over it, restricted to the request's family if it has one."""
    overrides, extending = request.config_overrides()
    loaded = load_config(
        request.targets[0],
        config_file=request.config_file,
        overrides=overrides,
        extending=extending,
        isolated=request.isolated,
    )
    if request.family is None:
        return loaded
    restricted = _restricted(loaded, request.family, request.select, request.report_unused_suppressions)
    return replace(loaded, config=restricted)


def _restricted(
    loaded: LoadedConfig, family: str, selected: tuple[str, ...] | None, report_unused: bool
) -> BastionConfig:
    others = [code for code in selected or () if code != ALL and not code.startswith(family)]
    if others:
        raise UsageError(
            f"this command runs the {family} rules only; {', '.join(others)} is not one of them (use bastion scan "
            "for the other families)"
        )
    select = tuple(code for code in selected or () if code != ALL) or (family,)
    if report_unused and UnusedSuppression.code not in select:
        # `--report-unused-suppressions` asks for BST001 whatever the family: stale comments and advisory ignores.
        select = (*select, UnusedSuppression.code)
    # Opt-in rules of the family that the file switches on stay on; other families' stay off.
    extend = tuple(code for code in loaded.config.extend_select if code.startswith(family))
    return loaded.config.model_copy(update={"select": select, "extend_select": extend})


def scan_options(
    request: ScanRequest,
    loaded: LoadedConfig,
    *,
    services: ScanServices | None = None,
    progress: ProgressCallback | None = None,
) -> ScanOptions:
    """The engine's options for a request whose configuration is resolved (`resolve_config`); the services are
    built from the request and the user's own settings unless given. The options carry the configuration report
    and its notices, which the result states in every format."""
    settings = user_settings(request, loaded.config)
    known = rule_entries()  # (the index: describing the selection imports no rule module)
    configuration, notices = describe_configuration(request, loaded, loaded.file_config, settings, known)
    if services is None:
        # The advisory source only when a dependency rule runs: building it imports the advisory and HTTP
        # libraries, which a scan without the audit has no use for.
        audits = any(entry.code.startswith("DEP") for entry in enabled_rules(loaded.config, known))
        built = build_services(request, settings, root=loaded.root, scanned=request.targets, advisories=audits)
        services = built.services
        notices.extend(built.notices)
    return ScanOptions(
        config=loaded.config,
        root=loaded.root,
        jobs=request.jobs,
        baseline=request.baseline,
        report_unused_suppressions=request.report_unused_suppressions,
        services=services,
        progress=progress,
        config_path=loaded.path,
        keep_facts=request.keep_facts,
        command_line_ignores=request.ignore or (),
        excerpt_lines=request.excerpt_lines,
        file_time_limit=DEFAULT_FILE_TIME_LIMIT if request.file_time_limit is None else request.file_time_limit,
        cache_dir=_result_cache_dir(request, loaded, settings),
        diff_ref=request.diff,
        new_only=request.new_only,
        configuration=configuration,
        notices=tuple(notices),
        ignore_vulns=request.ignore_vulns,
    )


def _result_cache_dir(request: ScanRequest, loaded: LoadedConfig, settings: UserSettings) -> Path | None:
    """The user's cache directory for per-file results; none inside the scanned tree, where the repository could
    plant results that hide its findings (`build_services` gives the notice)."""
    if request.no_cache:
        return None
    directory = cache_directory(settings.cache_dir.value)
    return None if inside_tree(directory, [loaded.root, *request.targets]) else directory


def run(
    request: ScanRequest, *, services: ScanServices | None = None, progress: ProgressCallback | None = None
) -> ScanResult:
    """Carry out the request. `services` replaces the ones the request would build (tests, embedding);
    `progress(done, total)` is called as files are analysed."""
    for target in request.targets:
        if not target.exists():
            raise UsageError(f"{target}: no such file or directory")
    loaded = resolve_config(request)
    if request.history:
        from bastion.api.history import scan_secret_history  # here: only `secrets --history` reads git history

        result = scan_secret_history(
            request.targets[0],
            ScanOptions(config=loaded.config, root=loaded.root, baseline=request.baseline, config_path=loaded.path),
        )
        settings = user_settings(request, loaded.config)
        result.configuration, notices = describe_configuration(
            request, loaded, loaded.file_config, settings, rule_entries()
        )
        result.notices = sorted({*result.notices, *notices}, key=Notice.sort_key)
    else:
        result = scan(request.targets, scan_options(request, loaded, services=services, progress=progress))
    if request.min_severity is not None:
        result = at_or_above(result, Severity.parse(request.min_severity))
    if request.write_baseline is not None:
        write_baseline(request.write_baseline, result.findings)
    return result


def at_or_above(result: ScanResult, floor: Severity) -> ScanResult:
    """The result with only the findings at or above `floor` (`--min-severity`), saying how many it left out."""
    kept = [finding for finding in result.findings if finding.severity >= floor]
    return replace(result, findings=kept, min_severity=floor, below_min_severity=len(result.findings) - len(kept))
