"""What configured a scan, and what the configuration switched off: stated in every report.

A repository's own `[tool.bastion]` could exclude everything, ignore every family or set `max-file-size = "10B"`,
and the scan said "No findings", exit 0, naming no configuration. Every report now names the configuration file
in effect and lists each setting that narrows the audit, with who set it (the file or the command line); the ones
a scanned repository could use to blind the audit (whole families off, everything excluded, the size cap
lowered, trust settings it may not make, BST1xx selectors it cannot apply) are also notices, which every format
shows where it shows problems (SARIF: `toolConfigurationNotifications`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from bastion.api.config_loader import LoadedConfig
from bastion.api.request import ScanRequest
from bastion.api.selection import ALL, enabled_rules
from bastion.api.user_settings import UserSettings
from bastion.core.config import DEFAULT_EXCLUDES, DEFAULT_MAX_FILE_SIZE, BastionConfig
from bastion.core.notice import Notice, NoticeKind
from bastion.core.result import ConfigChange, ConfigurationReport
from bastion.core.rule import FAMILIES, Selectable
from bastion.rules.meta.not_analysed import is_not_analysed_code

COMMAND_LINE = "command line"
# change(setting, value, effect, warn=...): records one narrowing setting (and a notice when `warn`).
_Change = Callable[..., None]
# Patterns that match every path (gitignore syntax).
_MATCH_ALL = frozenset({"*", "**", "/*", "/**", "**/*", "*/", "**/"})
_LISTED_CODES = 12


def describe_configuration(
    request: ScanRequest,
    loaded: LoadedConfig,
    file_config: BastionConfig | None,
    settings: UserSettings,
    rules: Sequence[Selectable],
) -> tuple[ConfigurationReport, list[Notice]]:
    """The report's configuration section, and the notices for what a scanned repository could use to blind the
    audit. `file_config` is the configuration file's own values (None without a file), `loaded` the values in
    effect (the file's with the command line's over them)."""
    path = loaded.path
    source = _file_label(path, loaded.root)
    changes: list[ConfigChange] = []
    notices: list[Notice] = []
    defaults = BastionConfig()
    if file_config is not None:
        _narrowing(file_config, defaults, source, rules, request.family, changes, notices, loud=True)
        _trust_keys(file_config, source, settings, notices)
        _protected_selectors(file_config, source, notices)
    command_line = _command_line_config(request, file_config or defaults)
    if command_line is not None:
        _narrowing(command_line, file_config or defaults, COMMAND_LINE, rules, request.family, changes, [], loud=False)
    _command_line_ignores(request, changes)
    target = loaded.config.target_version
    if target is not None:
        # Declared by the scanned project itself (its setting or its `requires-python`): it narrows what the rules
        # that depend on the interpreter report, so the report says where it came from.
        declared = file_config is not None and file_config.target_version == target
        changes.append(
            ConfigChange(
                "target-version",
                target,
                "the oldest Python the code runs on: rules whose risk depends on the interpreter (PAT701) judge for it",
                source if declared else "requires-python (pyproject.toml)",
            )
        )
    if request.baseline is not None:
        changes.append(
            ConfigChange(
                "baseline",
                str(request.baseline),
                "findings it lists are accepted: not reported, counted in the summary",
                COMMAND_LINE,
            )
        )
    origin = "--isolated" if request.isolated else "--config" if request.config_file is not None else "found"
    report = ConfigurationReport(
        file=source if path is not None else None,
        origin=origin if path is not None or request.isolated else "none",
        user_file=str(settings.file) if settings.file is not None else None,
        advisories=_advisories(request, settings),
        changes=tuple(changes),
    )
    return report, notices


def _file_label(path: Path | None, root: Path) -> str:
    if path is None:
        return ""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _command_line_config(request: ScanRequest, base: BastionConfig) -> BastionConfig | None:
    """The configuration with only the command line's values over `base`, or None when it sets none."""
    overrides, extending = request.config_overrides()
    if not overrides:
        return None
    table = base.model_dump(by_alias=True)
    for key, value in overrides.items():
        table[key] = [*table.get(key, ()), *value] if key in extending else value
    return BastionConfig.model_validate(table)


def _narrowing(
    config: BastionConfig,
    before: BastionConfig,
    source: str,
    rules: Sequence[Selectable],
    family: str | None,
    changes: list[ConfigChange],
    notices: list[Notice],
    *,
    loud: bool,
) -> None:
    """What `config` switches off compared with `before`."""

    def change(setting: str, value: object, effect: str, *, warn: bool = False) -> None:
        shown = value if isinstance(value, str) else json.dumps(value)
        item = ConfigChange(setting, shown, effect, source, warning=warn and loud)
        changes.append(item)
        if item.warning:
            notices.append(Notice(NoticeKind.CONFIG, item.describe(), path=source or None))

    _selection(config, before, rules, family, change)
    if config.exclude != before.exclude:
        everything = bool(_MATCH_ALL & set(config.exclude))
        effect = "excludes every file" if everything else "replaces the default excludes"
        if not everything and set(DEFAULT_EXCLUDES) <= set(config.exclude):
            effect = "adds to the default excludes"
        change("exclude", list(config.exclude), effect, warn=everything)
    if config.extend_exclude != before.extend_exclude:
        everything = bool(_MATCH_ALL & set(config.extend_exclude))
        effect = "excludes every file" if everything else "excludes these paths too"
        change("extend-exclude", list(config.extend_exclude), effect, warn=everything)
    for pattern, codes in config.per_file_ignores.items():
        if before.per_file_ignores.get(pattern) == codes:
            continue
        whole = pattern in _MATCH_ALL and _covers_family(codes)
        effect = "ignores these rules in every file" if whole else "ignores these rules in the matching files"
        change(f"per-file-ignores[{pattern!r}]", list(codes), effect, warn=whole)
    if config.max_file_size < before.max_file_size:
        default = " (the default is 2 MB)" if before.max_file_size == DEFAULT_MAX_FILE_SIZE else ""
        change(
            "max-file-size",
            f"{config.max_file_size} B",
            f"lowers the size cap{default}: bigger files are not analysed (BST101)",
            warn=config.max_file_size < DEFAULT_MAX_FILE_SIZE,
        )
    if config.fail_on > before.fail_on:
        change("fail-on", config.fail_on.label, f"findings below {config.fail_on.label} do not fail the run")
    for key, patterns, previous in (
        ("test-paths", config.test_paths, before.test_paths),
        ("extend-test-paths", config.extend_test_paths, before.extend_test_paths),
    ):
        if patterns != previous and set(patterns) - set(previous):
            everything = bool(_MATCH_ALL & set(patterns))
            where = "every file" if everything else "these paths"
            effect = f"counts {where} as test, CI, docs or example code: findings there are held back"
            change(key, list(patterns), effect, warn=everything)
    if config.taint.max_call_depth < before.taint.max_call_depth:
        change(
            "taint.max-call-depth",
            str(config.taint.max_call_depth),
            "taint paths through more calls are not followed (BST104)",
        )
    ignored = [entry for entry in config.deps.ignore if entry not in before.deps.ignore]
    if ignored and family in (None, "DEP"):
        # The project may ignore advisories (its reasons are its own), but never unseen: a warning, so that every
        # format says which (an ignore added in a pull request shows in its CI annotations).
        change("deps.ignore", _ignored_ids([(e.id, e.expires) for e in ignored]), _IGNORE_EFFECT, warn=True)


# What an advisory ignore does, as the configuration section says it.
_IGNORE_EFFECT = "advisories not reported (listed as suppressed, with the reasons; after the date reported again)"


def _ignored_ids(entries: Sequence[tuple[str, dt.date | None]]) -> str:
    today = dt.date.today()
    shown = [
        advisory if expires is None else f"{advisory} ({'expired' if expires < today else 'until'} {expires})"
        for advisory, expires in entries
    ]
    more = f" and {len(shown) - _LISTED_CODES} more" if len(shown) > _LISTED_CODES else ""
    return ", ".join(shown[:_LISTED_CODES]) + more


def _command_line_ignores(request: ScanRequest, changes: list[ConfigChange]) -> None:
    if request.ignore_vulns and request.family in (None, "DEP"):
        value = _ignored_ids([(advisory, None) for advisory in request.ignore_vulns])
        changes.append(
            ConfigChange("--ignore-vuln", value, "advisories not reported (listed as suppressed)", COMMAND_LINE)
        )


def _selection(
    config: BastionConfig, before: BastionConfig, rules: Sequence[Selectable], family: str | None, change: _Change
) -> None:
    def counted(rule: Selectable) -> bool:
        # BST1xx always run; `bastion deps` / `bastion secrets` run one family by design.
        return not is_not_analysed_code(rule.code) and (family is None or rule.code[:3] == family)

    was = {rule.code for rule in enabled_rules(before, rules) if counted(rule)}
    now = {rule.code for rule in enabled_rules(config, rules) if counted(rule)}
    off = sorted(was - now)
    if not off:
        return
    by_family: dict[str, list[str]] = {}
    for code in off:
        by_family.setdefault(code[:3], []).append(code)
    whole = [
        name
        for name, codes in by_family.items()
        if name != "BST" and len(codes) == sum(1 for code in was if code.startswith(name))
    ]
    value = {"select": list(config.select) if config.select is not None else None, "ignore": list(config.ignore)}
    shown = {key: item for key, item in value.items() if item}
    more = f" and {len(off) - _LISTED_CODES} more" if len(off) > _LISTED_CODES else ""
    listed = ", ".join(off[:_LISTED_CODES]) + more
    if whole:
        names = ", ".join(f"{name} ({FAMILIES.get(name, name)})" for name in sorted(whole))
        effect = f"switches off whole families: {names}; {len(off)} rules off in all ({listed})"
    else:
        effect = f"switches off {len(off)} rules: {listed}"
    change("select/ignore", shown, effect, warn=bool(whole))


def _covers_family(codes: Sequence[str]) -> bool:
    return any(code == ALL or (len(code) == 3 and code in FAMILIES) for code in codes)


def _trust_keys(config: BastionConfig, source: str, settings: UserSettings, notices: list[Notice]) -> None:
    asked = config.deps.osv_url
    if asked is None:
        return
    notices.append(
        Notice(
            NoticeKind.CONFIG,
            f"[tool.bastion.deps] osv-url = {json.dumps(asked)} is ignored: the advisory server is chosen "
            "by whoever runs bastion (--osv-url, BASTION_OSV_URL or your own bastion config.toml), never by the "
            f"scanned repository; this audit used {settings.osv_url.value} ({settings.osv_url.source})",
            path=source or None,
        )
    )


def _protected_selectors(config: BastionConfig, source: str, notices: list[Notice]) -> None:
    reaching = [code for code in config.ignore if code == ALL or "BST1".startswith(code) or is_not_analysed_code(code)]
    for pattern, codes in config.per_file_ignores.items():
        reaching += [f"{code} (per-file-ignores {pattern!r})" for code in codes if is_not_analysed_code(code)]
    if reaching:
        notices.append(
            Notice(
                NoticeKind.CONFIG,
                f"{', '.join(reaching)} cannot switch off the BST1xx rules (what was not analysed): a "
                "project's configuration may not hide what its scan did not cover; only the command line can "
                "(--ignore BST1)",
                path=source or None,
            )
        )


def _advisories(request: ScanRequest, settings: UserSettings) -> str:
    if settings.db.value is not None:
        return f"offline database {settings.db.value} ({settings.db.source})"
    if request.offline:
        return "none: --offline without --db, the vulnerability audit is skipped (BST107)"
    return f"OSV {settings.osv_url.value} ({settings.osv_url.source})"
