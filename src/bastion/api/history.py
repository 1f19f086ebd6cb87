"""`scan_secret_history(path, options) -> ScanResult`: the SEC rules over a repository's git history.

The history engine (`bastion.secrets.history`) reads the commits; here its hits become findings that go through
the same selection, per-file ignores, redaction, fingerprints and baseline as a working-tree scan, so that every
report format and `--baseline` work unchanged. A hit whose secret is still in the working tree on a line that
carries a secrets suppression comment (`# pragma: allowlist secret` …) is listed as suppressed.
"""

from __future__ import annotations

import time
from pathlib import Path

import pathspec

from bastion.api.baseline import apply_baseline, read_baseline
from bastion.api.fingerprints import assign_fingerprints
from bastion.api.scan import ScanOptions
from bastion.api.selection import PerFileIgnores, enabled_rules
from bastion.core.errors import UsageError
from bastion.core.finding import Finding, Location
from bastion.core.notice import Notice, NoticeKind
from bastion.core.result import ScanResult, SuppressedFinding, SuppressionInfo
from bastion.core.rule import get_rule
from bastion.rules import load_all
from bastion.secrets.history import HistoryError, HistoryHit, scan_history
from bastion.secrets.redaction import redact, secret_fingerprint
from bastion.secrets.scrub import scrub_finding
from bastion.source.discovery import path_excluded

_ADVICE = (
    "Rotate it (it is compromised once committed), load it from the environment or a secrets manager, and "
    "purge it from history (git filter-repo) and every published copy."
)


def history_finding(hit: HistoryHit) -> Finding:
    match = hit.match
    rule = get_rule(match.code)
    date = hit.author_date[:10]
    where = (
        "still in the working tree"
        if hit.present
        else "no longer in the working tree, but every clone of the history has it"
    )
    again = f"; added again in {hit.commits - 1} later commit(s)" if hit.commits > 1 else ""
    subject = match.title[0].upper() + match.title[1:]
    message = f"{subject} `{redact(match.value)}` added in commit {hit.commit[:12]} ({date}){again}; {where}. {_ADVICE}"
    return Finding(
        code=match.code,
        message=message,
        location=Location(hit.path, match.line, match.start + 1),
        severity=match.severity,
        confidence=match.confidence,
        fix_hint=rule.fix_hint if rule is not None else "",
        snippet=hit.snippet,
        context=secret_fingerprint(match.value, hit.path),
        properties={
            "detector": match.detector,
            "secret": redact(match.value),
            "commit": hit.commit,
            "author_date": hit.author_date,
            "in_working_tree": hit.present,
            "working_tree_line": hit.present_line,
            "commits": hit.commits,
        },
    )


def scan_secret_history(path: Path, options: ScanOptions) -> ScanResult:
    started = time.perf_counter()
    config = options.config
    rules = [rule for rule in enabled_rules(config, load_all()) if rule.code.startswith("SEC")]
    per_file_ignores = PerFileIgnores(config.per_file_ignores, load_all())
    baseline_entries = read_baseline(options.baseline) if options.baseline is not None else None
    try:
        history = scan_history(path, codes=frozenset(rule.code for rule in rules), max_size=config.max_file_size)
    except HistoryError as error:
        raise UsageError(str(error)) from None
    # The configured excludes hold for the history too: fixtures and examples that are secret-shaped on purpose
    # in the working tree were so in every commit.
    excludes = pathspec.GitIgnoreSpec.from_lines(config.all_excludes)
    prefix = _project_prefix(history.toplevel, options.root)
    active: list[Finding] = []
    suppressed: list[SuppressedFinding] = []
    for hit in history.hits:
        in_project = hit.path[len(prefix) :] if prefix and hit.path.startswith(prefix) else hit.path
        if path_excluded(excludes, in_project):
            continue
        finding = scrub_finding(history_finding(hit))
        if per_file_ignores.ignores(finding):
            continue
        if hit.allowed and hit.present_line is not None:
            info = SuppressionInfo(hit.present_line, "secrets suppression comment in the working tree")
            suppressed.append(SuppressedFinding(finding, info))
        else:
            active.append(finding)
    active.sort(key=Finding.sort_key)
    active = assign_fingerprints(active)
    notices = [
        Notice(
            NoticeKind.INFO,
            f"git history: {history.commits} commits, {history.blobs} file versions, {history.lines:,} added lines "
            "scanned",
            path=".",
        )
    ]
    outcome = apply_baseline(active, baseline_entries)
    notices.extend(outcome.notices())
    return ScanResult(
        root=history.toplevel,
        findings=outcome.new,
        suppressed=suppressed,
        baselined=outcome.accepted,
        stale_baseline=outcome.stale,
        notices=notices,
        rules=rules,
        files_discovered=history.blobs,
        files_read=history.blobs,
        python_files=0,
        lines=history.lines,
        duration=time.perf_counter() - started,
        config_path=options.config_path,
        fail_on=config.fail_on,
    )


def _project_prefix(toplevel: Path, root: Path | None) -> str:
    """The project root's path inside the repository ("app/" for a project in a subdirectory), or ""."""
    if root is None:
        return ""
    try:
        inner = root.resolve().relative_to(toplevel.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if inner in ("", ".") else inner + "/"
