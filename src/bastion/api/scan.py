"""`scan()`: discover, analyse, run project rules, then suppress, filter, fingerprint and baseline."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bastion.api.advisory_ignores import (
    VULNERABLE_DEPENDENCY,
    apply_advisory_ignores,
    audit_complete,
    configured_ignores,
    unused_ignore_findings,
)
from bastion.api.baseline import apply_baseline, read_baseline
from bastion.api.changed_scope import ChangedScope
from bastion.api.engine import (
    Analyzer,
    AnalyzerSpec,
    FileResult,
    analyse_files,
    collector_classes,
    default_jobs,
    result_codec,
)
from bastion.api.excerpts import attach_excerpts
from bastion.api.fingerprints import assign_fingerprints
from bastion.api.held_back import hold_back_test_code
from bastion.api.result_cache import CacheSession, open_cache, scan_salt
from bastion.api.selection import PerFileIgnores, enabled_rules
from bastion.api.suppressing import apply_suppressions, malformed_findings, unused_findings
from bastion.core import patterns
from bastion.core.codec import Codec, CodecError
from bastion.core.config import DEFAULT_FILE_TIME_LIMIT, BastionConfig
from bastion.core.errors import UsageError
from bastion.core.finding import Finding, Location
from bastion.core.fix import Fix
from bastion.core.notice import Notice, NoticeKind
from bastion.core.result import ConfigurationReport, ScanResult, SuppressedFinding
from bastion.core.rule import Rule, get_rule
from bastion.rules import load_rules, rule_entries
from bastion.rules.base import EncodedFacts, ProjectContext, ProjectRule, ScanServices
from bastion.rules.meta.malformed_suppression import MalformedSuppression
from bastion.rules.meta.not_analysed import findings_from_notices, protected_rules
from bastion.rules.meta.unused_suppression import UnusedSuppression
from bastion.rules.runner import crash_notice
from bastion.secrets.scrub import scrub_finding, scrub_notice
from bastion.semantic.declared_routes import DeclaredRoute
from bastion.source.discovery import Discovery, discover, relative_to_root
from bastion.source.files import read_text_file

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class ScanOptions:
    """What the engine needs once a request is resolved: the validated configuration and the services."""

    config: BastionConfig = field(default_factory=BastionConfig)
    root: Path | None = None
    jobs: int | None = None
    baseline: Path | None = None
    report_unused_suppressions: bool = False
    services: ScanServices = field(default_factory=ScanServices)
    progress: ProgressCallback | None = None
    config_path: Path | None = None
    # Keep the collectors' facts in the result (for `bastion checklist`, which reads the evidence in them).
    keep_facts: bool = False
    # The command line's `--ignore` selectors (not the file's): the only way to switch off the BST1xx rules, which
    # report what was not analysed and must not be silenced by the scanned repository's own configuration.
    command_line_ignores: tuple[str, ...] = ()
    # Text to analyse instead of what the file holds, by path relative to the root (`bastion fix` checks its
    # edits by scanning them before anything is written).
    overlay: Mapping[str, str] = field(default_factory=dict)
    # Lines of code shown before and after each finding (`Finding.excerpt`, for the HTML report); 0: no excerpts.
    excerpt_lines: int = 0
    # CPU seconds the analysis of one file may take; 0 means no limit.
    file_time_limit: float = DEFAULT_FILE_TIME_LIMIT
    # Where per-file results are kept between scans (`bastion.api.result_cache`); None: no cache.
    cache_dir: Path | None = None
    # Analyse only the files changed since this git commit, and report what concerns them (`api.changed_scope`).
    diff_ref: str | None = None
    # With `diff_ref`: report only findings on the changed lines.
    new_only: bool = False
    # What configured the scan (`api.configuration_report`), stated in every report, and the notices of the setup
    # (configuration that could blind the audit, trust settings refused) added to the result's.
    configuration: ConfigurationReport | None = None
    notices: tuple[Notice, ...] = ()
    # Advisories ignored from the command line (`--ignore-vuln`), besides the configuration's `deps.ignore`.
    ignore_vulns: tuple[str, ...] = ()
    # The date ignores and baseline entries expire against; None: today.
    today: dt.date | None = None


def scan(paths: Sequence[Path], options: ScanOptions) -> ScanResult:
    started = time.perf_counter()
    config = options.config
    # Chosen from the index, then only the chosen rules' modules are imported.
    known = rule_entries()
    chosen = protected_rules(enabled_rules(config, known), known, options.command_line_ignores)
    rules = load_rules(entry.code for entry in chosen)
    per_file_ignores = PerFileIgnores(config.per_file_ignores, known)
    baseline_entries = read_baseline(options.baseline) if options.baseline is not None else None
    targets = [Path(path) for path in paths] or [Path()]
    for target in targets:
        if not target.exists() and not target.is_symlink():
            raise UsageError(f"{target}: no such file or directory")
    root = (options.root or targets[0]).resolve()
    if root.is_file():
        root = root.parent
    discovery = discover(
        [t.absolute() for t in targets], root, config.all_excludes, respect_gitignore=config.respect_gitignore
    )
    if options.overlay:
        discovery.files = [
            replace(file, content=options.overlay[file.rel]) if file.rel in options.overlay else file
            for file in discovery.files
        ]
    scope = _changed_scope(options, root, discovery)
    spec = AnalyzerSpec(
        config,
        tuple(rule.code for rule in rules),
        file_time_limit=options.file_time_limit,
        declared_routes=_declared_routes(rules, discovery, config),
    )
    jobs = options.jobs or default_jobs()
    cache, notices = _open_cache(options, spec, [root, *targets])
    results = analyse_files(
        discovery.files,
        spec,
        jobs=jobs,
        progress=options.progress,
        roots=[root],
        cache=cache,
        required=None if scope is None else scope.changes.files.keys(),
    )
    decoder = FactsDecoder(spec, discovery)
    # What the scan was about: with --diff, the changed files (the others only lend their cached facts).
    own_results = results if scope is None else [result for result in results if scope.analyses(result.rel)]

    notices.extend(options.notices)
    notices.extend(discovery.notices)
    if scope is not None and not scope.changes.files:
        notices.append(scope.nothing_changed())
    elif not any(result.read for result in own_results) and not options.services.environments:
        notices.append(_nothing_scanned(discovery, root, options.config_path))
    findings: list[Finding] = []
    for result in results:
        findings.extend(result.findings)
        notices.extend(result.notices)
    scanned = tuple(relative_to_root(t.absolute(), root) for t in targets)
    project_findings, project_notices = _run_project_rules(
        rules, root, scanned, discovery, config, results, options.services, decoder, cache, scope
    )
    if cache is not None:
        cache.save()
        notices.extend(cache.notices)
        cache.store.close()
    findings.extend(project_findings)
    notices.extend(project_notices)
    # No secret reaches a report in full, whichever family's finding shows the line that holds it.
    findings = [scrub_finding(finding) for finding in findings]
    notices = [scrub_notice(notice) for notice in notices]

    enabled_codes = {rule.code for rule in rules}
    findings = [f for f in findings if f.code in enabled_codes and not per_file_ignores.ignores(f)]
    audited_in_full = audit_complete(notices)
    # What was not analysed becomes a finding (BST1xx), after per-file-ignores: the configuration cannot hide it.
    not_analysed, notices = findings_from_notices(_dedupe(notices), enabled_codes)
    findings.extend(not_analysed)
    findings = drop_superseded(findings)
    findings.sort(key=Finding.sort_key)
    if options.excerpt_lines:
        findings = attach_excerpts(
            findings, discovery.files, radius=options.excerpt_lines, max_size=config.max_file_size
        )
    outcome_of_comments = apply_suppressions(
        findings, {result.rel: result.suppressions for result in results}, enabled_codes
    )
    active, suppressed = outcome_of_comments.active, outcome_of_comments.suppressed
    report_unused = options.report_unused_suppressions and UnusedSuppression.code in enabled_codes
    if report_unused:
        active.extend(unused_findings(outcome_of_comments.unused))
    if VULNERABLE_DEPENDENCY in enabled_codes:
        # An ignore is stale only if the whole audit ran: not with --diff, which audits changed manifests only.
        whole_audit = audited_in_full and scope is None
        active, ignored, ignore_notices = _ignore_advisories(
            options, root, active, suppressed, report_unused=report_unused and whole_audit
        )
        suppressed = sorted([*suppressed, *ignored], key=lambda item: item.finding.sort_key())
        notices.extend(ignore_notices)
    if MalformedSuppression.code in enabled_codes:
        active.extend(malformed_findings(outcome_of_comments.malformed))
    active.sort(key=Finding.sort_key)
    active, held_back = hold_back_test_code(active, config, scanned)
    active = assign_fingerprints(active)

    outcome = apply_baseline(active, baseline_entries, options.today)
    notices.extend(outcome.notices())
    new, accepted, stale = outcome.new, outcome.accepted, outcome.stale
    if scope is not None:
        # After fingerprints and the baseline, which must be those of a full scan.
        new, accepted, suppressed, held_back = (
            scope.findings(new),
            scope.findings(accepted),
            scope.suppressed(suppressed),
            scope.findings(held_back),
        )
        stale, notices = scope.stale_baseline(stale), scope.notices(notices)

    notices.sort(key=Notice.sort_key)
    return ScanResult(
        root=root,
        findings=new,
        suppressed=suppressed,
        baselined=accepted,
        held_back=held_back,
        stale_baseline=stale,
        notices=_dedupe(notices),
        rules=rules,
        files_discovered=len(discovery.files) if scope is None else len(scope.changes.files),
        files_read=sum(1 for r in own_results if r.read),
        python_files=sum(1 for r in own_results if r.python),
        lines=sum(r.lines for r in own_results),
        duration=time.perf_counter() - started,
        skipped_by_exclude=discovery.skipped_by_exclude,
        skipped_by_gitignore=discovery.skipped_by_gitignore,
        config_path=options.config_path,
        fail_on=config.fail_on,
        facts=decoder.decoded(_facts_by_collector(results)) if options.keep_facts else {},
        configuration=options.configuration,
    )


def _ignore_advisories(
    options: ScanOptions,
    root: Path,
    active: list[Finding],
    suppressed: list[SuppressedFinding],
    *,
    report_unused: bool,
) -> tuple[list[Finding], list[SuppressedFinding], list[Notice]]:
    """The configuration's and the command line's advisory ignores applied to the findings left active."""
    ignores = configured_ignores(options.config, options.config_path, root, options.ignore_vulns)
    if not ignores:
        return active, [], []
    today = options.today or dt.date.today()
    outcome = apply_advisory_ignores(active, [item.finding for item in suppressed], ignores, today)
    stale = unused_ignore_findings(outcome.unused) if report_unused else []
    return [*outcome.active, *stale], outcome.ignored, outcome.notices


_EXCLUDING_KEY = patterns.compile(r"^\s*(?:exclude|extend-exclude|max-file-size|respect-gitignore)\s*=", multiline=True)


def _nothing_scanned(discovery: Discovery, root: Path, config_path: Path | None) -> Notice:
    """The notice (BST105) for a scan that read no file, at the configuration key that excluded files, if any."""
    found = len(discovery.files)
    if found:
        plural = "s" if found != 1 else ""
        reason = f"{found} file{plural} found, none of which could be read (too large, unreadable or binary)"
    else:
        reason = "no file to read"
    message = (
        f"nothing was analysed: {reason}; {discovery.skipped_by_exclude} path(s) excluded by the configuration, "
        f"{discovery.skipped_by_gitignore} ignored by .gitignore"
    )
    path, line = None, None
    if config_path is not None:
        rel = relative_to_root(config_path.absolute(), root)
        if not rel.startswith("/"):
            path, line = rel, _key_line(config_path)
            message += f"; the configuration in effect is {rel}"
    return Notice(NoticeKind.NOTHING_SCANNED, message, path=path, line=line)


def _key_line(config_path: Path) -> int:
    try:
        text = read_text_file(config_path, follow_symlinks=True, errors="replace")
    except OSError:
        return 1
    match = _EXCLUDING_KEY.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def drop_superseded(findings: Sequence[Finding]) -> list[Finding]:
    """One problem, one finding: drop a finding when a rule that `supersedes` its code fired on the same line."""
    superseding: dict[tuple[str, int], set[str]] = {}
    for finding in findings:
        rule = get_rule(finding.code)
        if rule is not None and rule.supersedes:
            key = (finding.location.path, finding.location.line)
            superseding.setdefault(key, set()).update(rule.supersedes)
    if not superseding:
        return list(findings)
    kept: list[Finding] = []
    fixes_of_dropped: dict[tuple[Location, str], Fix] = {}
    for finding in findings:
        if finding.code not in superseding.get((finding.location.path, finding.location.line), ()):
            kept.append(finding)
        elif finding.fix is not None:
            fixes_of_dropped[(finding.location, finding.code)] = finding.fix
    if not fixes_of_dropped:
        return kept
    # The finding that stays takes over the fix of the one it replaced on the same expression: `yaml.safe_load`
    # for PAT202 resolves the TNT501 reported at the same `yaml.load(...)` call too.
    return [_inherit_fix(finding, fixes_of_dropped) for finding in kept]


def _inherit_fix(finding: Finding, fixes: dict[tuple[Location, str], Fix]) -> Finding:
    rule = get_rule(finding.code)
    if finding.fix is not None or rule is None:
        return finding
    for code in rule.supersedes:
        fix = fixes.get((finding.location, code))
        if fix is not None:
            return finding.with_fix(fix)
    return finding


def _run_project_rules(
    rules: Sequence[type[Rule]],
    root: Path,
    scanned: tuple[str, ...],
    discovery: Discovery,
    config: BastionConfig,
    results: Sequence[FileResult],
    services: ScanServices,
    decoder: FactsDecoder,
    cache: CacheSession | None,
    scope: ChangedScope | None = None,
) -> tuple[list[Finding], list[Notice]]:
    project_rules = [cls for cls in rules if issubclass(cls, ProjectRule)]
    if not project_rules:
        return [], []
    if scope is not None:
        project_rules = [cls for cls in project_rules if _concerns_changes(cls, results, scope)]
    context = ProjectContext(
        root=root,
        files=discovery.files,
        config=config,
        facts=_facts_by_collector(results),
        services=services,
        scanned=scanned,
        decode=decoder.decode,
        refresh=decoder.refresh,
        memo=cache,
    )
    findings: list[Finding] = []
    keys = {cls: cache.project_key(cls, context.facts, scanned) for cls in project_rules} if cache else {}
    stored = cache.project_entries([key for key in keys.values() if key is not None]) if cache else {}
    for cls in project_rules:
        key = keys.get(cls)
        if key is not None and key in stored:
            try:
                kept_findings, kept_notices = decoder.codec.loads(stored[key])
                findings.extend(kept_findings)
                context.notices.extend(kept_notices)
                continue
            except (CodecError, ValueError, TypeError):
                assert cache is not None
                cache.unreadable(".", f"{cls.code}'s stored project results")
        rule = cls(config)
        first, made = len(context.notices), len(findings)
        try:
            findings.extend(rule.check_project(context))
        except Exception as error:
            context.notices.append(crash_notice(rule, ".", error))
        # Each notice names the rule it came from, so that readers (the checklist) never parse codes out of text.
        context.notices[first:] = [
            notice if notice.rule is not None else replace(notice, rule=cls.code) for notice in context.notices[first:]
        ]
        if key is not None and cache is not None:
            with contextlib.suppress(CodecError):
                cache.remember_key(key, decoder.codec.dumps((tuple(findings[made:]), tuple(context.notices[first:]))))
    return findings, context.notices


def _changed_scope(options: ScanOptions, root: Path, discovery: Discovery) -> ChangedScope | None:
    if options.diff_ref is None:
        if options.new_only:
            raise UsageError("--new-only reports findings on the lines changed since a git commit: give --diff REF")
        return None
    from bastion.source.changes import changes_since  # here: git (libgit2) is loaded only for --diff
    from bastion.source.git import GitError

    try:
        changes = changes_since(options.diff_ref, root, discovery.files, max_size=options.config.max_file_size)
    except GitError as error:
        raise UsageError(f"--diff {options.diff_ref}: {error}") from None
    return ChangedScope(changes, new_only=options.new_only)


def _concerns_changes(rule: type[ProjectRule], results: Sequence[FileResult], scope: ChangedScope) -> bool:
    """With --diff, whether a project rule can say anything about the changed files: it reads facts from one of
    them (or reads no facts at all, so that nothing says it cannot). A dependency audit of unchanged manifests, a
    taint solve when only a README changed, would only give findings the report leaves out."""
    names = {collector.name for collector in rule.collectors}
    if not names:
        return True
    return any(scope.analyses(result.rel) and names & result.facts.keys() for result in results)


# The families whose rules look at route handlers (patterns, configuration, taint).
_ROUTE_FAMILIES = ("PAT", "CFG", "TNT")


def _declared_routes(
    rules: Sequence[type[Rule]], discovery: Discovery, config: BastionConfig
) -> tuple[DeclaredRoute, ...]:
    """Handlers a specification outside the code declares (connexion's OpenAPI `operationId`s), read before the
    analysis because a module cannot see them; only for the families that look at handlers (a secrets scan
    imports no concepts)."""
    if not any(rule.code.startswith(_ROUTE_FAMILIES) for rule in rules):
        return ()
    from bastion.concepts.openapi import declared_routes

    return declared_routes(discovery.files, config.max_file_size)


def _open_cache(
    options: ScanOptions, spec: AnalyzerSpec, scope: Sequence[Path]
) -> tuple[CacheSession | None, list[Notice]]:
    if options.cache_dir is None or options.overlay:
        return None, []
    # Advisory ignores act after the analysis (on the findings of a whole scan): editing them keeps the cache.
    settings = spec.config.model_dump(mode="json", exclude={"deps": {"ignore"}})
    extra = {"time": spec.file_time_limit, "types": spec.return_types, "routes": spec.declared_routes}
    salt = scan_salt(settings, spec.codes, extra)
    where = json.dumps([str(path.absolute()) for path in scope])
    return open_cache(options.cache_dir, salt, spec.config.max_file_size, where)


class FactsDecoder:
    """Decodes the facts results carry as codec text, for the project rules; re-analyses a file whose stored
    facts do not decode (a damaged cache entry is a miss, never missing facts)."""

    def __init__(self, spec: AnalyzerSpec, discovery: Discovery) -> None:
        self.spec = spec
        self.discovery = discovery
        self._codec: Codec | None = None
        self._fresh: dict[str, FileResult] = {}

    @property
    def codec(self) -> Codec:
        if self._codec is None:
            self._codec = result_codec(collector_classes(self.spec))
        return self._codec

    def decode(self, text: EncodedFacts) -> Any:
        collecting = gc.isenabled()
        gc.disable()  # many small objects, no cycles: the collector would only re-walk them
        try:
            return self.codec.loads(text)
        finally:
            if collecting:
                gc.enable()

    def refresh(self, name: str, rel: str) -> Any:
        if rel not in self._fresh:
            file = next((f for f in self.discovery.files if f.rel == rel), None)
            if file is None:
                return None
            self._fresh[rel] = Analyzer(self.spec).analyse(file)
        return self._fresh[rel].facts.get(name)

    def decoded(self, facts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {
            name: {
                rel: self.decode(value) if isinstance(value, EncodedFacts) else value for rel, value in by_rel.items()
            }
            for name, by_rel in facts.items()
        }


def _facts_by_collector(results: Sequence[FileResult]) -> dict[str, dict[str, Any]]:
    facts: dict[str, dict[str, Any]] = {}
    for result in results:
        for name, value in result.facts.items():
            facts.setdefault(name, {})[result.rel] = value
    return facts


def _dedupe(notices: list[Notice]) -> list[Notice]:
    seen: set[Notice] = set()
    unique = []
    for notice in notices:
        if notice not in seen:
            seen.add(notice)
            unique.append(notice)
    return unique
