"""Precision of bastion on real apps nobody on the team wrote, from a finding-by-finding triage.

    python bench/realapps/precision.py [--mirrors DIR] [--jobs N] [--reuse DIR] [--write-docs SECTION]
    python bench/realapps/precision.py --untriaged [--context 3]

Scans every app of apps.toml (materialised by fetch.py into the bench cache) the way a new user would
(`bastion scan TREE --isolated`, the offline advisory data of tests/data/osv-pypi), then scores the findings against
the verdicts in triage/<app>.toml.

A verdict is keyed by file, rule and a hash of the source line's content (the line number is only a hint), so it
survives code moving and re-runs; no code is copied. Verdicts: `TP` (a maintainer would accept the report as a real
security problem or a real hardening gap worth changing), `FP`, `debatable`. Precision is TP over all judged findings:
a debatable finding does not count as true, and a sampled finding nobody has triaged yet counts as not true (it is
listed by `--untriaged`).

Every rule that fires is sampled: all of its findings when it has at most 30, otherwise 30 drawn at random (fixed seed,
by a hash of each finding's key, so re-runs draw the same findings) in strata of app and severity, in proportion.
Overall figures weight each rule's sample precision by the rule's number of findings.

Apps marked `heldout = true` in apps.toml (code nobody on the team had looked at while fixing false alarms) are
sampled and scored as a group of their own, so the first group's figures stay comparable; their tables follow, then
the totals over both groups (each group's estimated true findings added up). `--group` scans one group only.

`--write-docs SECTION` writes the tables between `<!-- realapps:SECTION:begin -->` and `<!-- realapps:SECTION:end -->`
in docs/accuracy.md (SECTION is `before` or `after`), and the held-out group's tables and the totals between
`<!-- realapps:heldout-SECTION:begin -->` and its end marker (added at the end of the file when missing).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fetch import App, default_mirrors, ensure, load_apps

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TRIAGE = HERE / "triage"
ACCURACY = REPO / "docs" / "accuracy.md"
OSV_DATA = REPO / "tests" / "data" / "osv-pypi"
SAMPLE_SIZE = 30
SEED = "bastion-realapps-1"
VERDICTS = ("TP", "FP", "debatable")
HIGH = ("high", "critical")


@dataclass(frozen=True)
class Finding:
    app: str
    code: str
    severity: str
    confidence: str
    path: str
    line: int
    message: str
    line_hash: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.code, self.line_hash)


@dataclass(frozen=True)
class Verdict:
    verdict: str
    reason: str
    line: int


@dataclass
class Scan:
    findings: list[Finding]
    held_back: int
    lines: int
    not_analysed: int = 0


@dataclass
class RuleScore:
    code: str
    count: int = 0
    high: int = 0
    sample: list[Finding] = field(default_factory=list)
    verdicts: collections.Counter[str] = field(default_factory=collections.Counter)
    high_verdicts: collections.Counter[str] = field(default_factory=collections.Counter)
    # Findings above info: what a user sees as warnings, and what the default --fail-on low fails a build on.
    above_info: int = 0
    above_info_verdicts: collections.Counter[str] = field(default_factory=collections.Counter)

    def precision(self, high_only: bool = False, above_info: bool = False) -> float | None:
        counts = self.high_verdicts if high_only else self.above_info_verdicts if above_info else self.verdicts
        judged = sum(counts.values())
        return counts["TP"] / judged if judged else None


def line_hash(tree: Path, path: str, line: int) -> str:
    """A short hash of the stripped source line (empty for a finding on no line of a readable file)."""
    try:
        with (tree / path).open("rb") as handle:
            for number, text in enumerate(handle, start=1):
                if number == line:
                    return hashlib.sha256(text.strip()).hexdigest()[:12]
    except OSError:
        return ""
    return ""


def scan_app(app: App, tree: Path, jobs: int, reuse: Path | None) -> Scan:
    report = reuse / f"{app.name}.json" if reuse else None
    if report is None or not report.is_file():
        document = _run_scan(tree, jobs)
        if reuse is not None:
            reuse.mkdir(parents=True, exist_ok=True)
            (reuse / f"{app.name}.json").write_text(json.dumps(document), encoding="utf-8")
    else:
        document = json.loads(report.read_text(encoding="utf-8"))
    # BST findings say what was not analysed (a file over the size cap, a cut-short analysis): statements about the
    # scan, not claims about the code's security, so they are counted apart and not judged.
    not_analysed = sum(1 for item in document["findings"] if item["code"].startswith("BST"))
    findings = [
        Finding(
            app=app.name,
            code=item["code"],
            severity=item["severity"],
            confidence=item["confidence"],
            path=item["path"],
            line=item["line"] or 0,
            message=item["message"],
            line_hash=line_hash(tree, item["path"], item["line"] or 0),
        )
        for item in document["findings"]
        if not item["code"].startswith("BST")
    ]
    held_back = int(document["summary"].get("held_back", 0))
    return Scan(findings, held_back, app.lines, not_analysed)


def _run_scan(tree: Path, jobs: int) -> dict[str, Any]:
    """The JSON report of a scan of `tree`; tried again with one job if the run produced none."""
    errors = ""
    for attempt_jobs in dict.fromkeys((jobs, 1)):
        with tempfile.TemporaryDirectory() as scratch:
            output = Path(scratch) / "report.json"
            command = [sys.executable, "-m", "bastion", "scan", str(tree), "--isolated", "--no-progress"]
            command += ["-f", "json", "-o", str(output), "--db", str(OSV_DATA), "--jobs", str(attempt_jobs)]
            run = subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if output.is_file():
                document: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
                return document
            errors = run.stderr
    raise SystemExit(f"scanning {tree} produced no report:\n{errors[-2000:]}")


def load_triage(app: str) -> dict[tuple[str, str, str], list[Verdict]]:
    path = TRIAGE / f"{app}.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("finding", [])
    verdicts: dict[tuple[str, str, str], list[Verdict]] = collections.defaultdict(list)
    for entry in entries:
        if entry["verdict"] not in VERDICTS:
            raise SystemExit(
                f"{path}: verdict {entry['verdict']!r} of {entry['path']}:{entry['line']} is not one of {VERDICTS}"
            )
        key = (entry["path"], entry["rule"], entry["hash"])
        verdicts[key].append(Verdict(entry["verdict"], entry["reason"], entry["line"]))
    return verdicts


def verdict_for(finding: Finding, triage: dict[tuple[str, str, str], list[Verdict]]) -> Verdict | None:
    """The verdict on the same file, rule and line content; the nearest line when the content repeats."""
    candidates = triage.get(finding.key)
    if not candidates:
        return None
    return min(candidates, key=lambda verdict: abs(verdict.line - finding.line))


def _rank(finding: Finding, occurrence: int) -> str:
    text = f"{SEED}:{finding.app}:{finding.path}:{finding.code}:{finding.line_hash}:{occurrence}"
    return hashlib.sha256(text.encode()).hexdigest()


def sample(findings: list[Finding]) -> list[Finding]:
    """All findings of a rule when there are few; otherwise a fixed-seed sample stratified by app and severity."""
    if len(findings) <= SAMPLE_SIZE:
        return list(findings)
    strata: dict[tuple[str, str], list[tuple[str, Finding]]] = collections.defaultdict(list)
    seen: collections.Counter[tuple[str, str, str, str]] = collections.Counter()
    for finding in findings:
        occurrence = seen[(finding.app, *finding.key)]
        seen[(finding.app, *finding.key)] += 1
        strata[(finding.app, finding.severity)].append((_rank(finding, occurrence), finding))
    # Largest-remainder allocation, at least one per stratum while the sample has room.
    shares = {stratum: SAMPLE_SIZE * len(members) / len(findings) for stratum, members in strata.items()}
    quota = {stratum: max(1, int(share)) for stratum, share in shares.items()}
    by_remainder = sorted(strata, key=lambda stratum: (-(shares[stratum] - int(shares[stratum])), stratum))
    index = 0
    while sum(quota.values()) < SAMPLE_SIZE and by_remainder:
        stratum = by_remainder[index % len(by_remainder)]
        if quota[stratum] < len(strata[stratum]):
            quota[stratum] += 1
        index += 1
    chosen: list[Finding] = []
    for stratum in sorted(strata):
        members = sorted(strata[stratum], key=lambda pair: pair[0])
        chosen.extend(finding for _, finding in members[: quota[stratum]])
    return chosen


def score(scans: dict[str, Scan], triage: dict[str, dict[tuple[str, str, str], list[Verdict]]]) -> dict[str, RuleScore]:
    by_rule: dict[str, list[Finding]] = collections.defaultdict(list)
    for scan in scans.values():
        for finding in scan.findings:
            by_rule[finding.code].append(finding)
    scores: dict[str, RuleScore] = {}
    for code, findings in sorted(by_rule.items()):
        rule = RuleScore(
            code,
            count=len(findings),
            high=sum(f.severity in HIGH for f in findings),
            above_info=sum(f.severity != "info" for f in findings),
        )
        rule.sample = sample(findings)
        for finding in rule.sample:
            verdict = verdict_for(finding, triage[finding.app])
            label = verdict.verdict if verdict else "untriaged"
            rule.verdicts[label] += 1
            if finding.severity in HIGH:
                rule.high_verdicts[label] += 1
            if finding.severity != "info":
                rule.above_info_verdicts[label] += 1
        scores[code] = rule
    return scores


def weighted_precision(
    scores: dict[str, RuleScore], high_only: bool = False, above_info: bool = False
) -> tuple[float | None, float]:
    """Each rule's sample precision weighted by its number of findings; returns (precision, estimated true)."""
    total = 0
    true = 0.0
    for rule in scores.values():
        weight = rule.high if high_only else rule.above_info if above_info else rule.count
        precision = rule.precision(high_only, above_info)
        if weight and precision is not None:
            total += weight
            true += weight * precision
    return (true / total if total else None), true


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def current_commit() -> str:
    result = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or "unknown"


def tables(scans: dict[str, Scan], scores: dict[str, RuleScore], title: str) -> str:
    lines_total = sum(scan.lines for scan in scans.values())
    findings_total = sum(len(scan.findings) for scan in scans.values())
    high_total = sum(rule.high for rule in scores.values())
    overall, true = weighted_precision(scores)
    high_precision, high_true = weighted_precision(scores, high_only=True)
    above_info_precision, above_info_true = weighted_precision(scores, above_info=True)
    above_info_total = sum(rule.above_info for rule in scores.values())
    out = [
        title,
        "",
        "| app | Python lines | findings | per kLOC | high/critical | held back (test/CI/docs) | not analysed (BST) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, scan in scans.items():
        high = sum(f.severity in HIGH for f in scan.findings)
        per_kloc = len(scan.findings) / (scan.lines / 1000)
        out.append(
            f"| {name} | {scan.lines:,} | {len(scan.findings)} | {per_kloc:.2f} | {high} | {scan.held_back} | "
            f"{scan.not_analysed} |"
        )
    held_total = sum(scan.held_back for scan in scans.values())
    not_analysed = sum(scan.not_analysed for scan in scans.values())
    out.append(
        f"| **all** | {lines_total:,} | {findings_total} | {findings_total / (lines_total / 1000):.2f} | "
        f"{high_total} | {held_total} | {not_analysed} |"
    )
    out += [
        "",
        f"Precision overall: **{_percent(overall)}** (about {true:.0f} of {findings_total} findings true); "
        f"at high/critical: **{_percent(high_precision)}** (about {high_true:.0f} of {high_total}); "
        f"above info (what the default `--fail-on low` fails a build on): **{_percent(above_info_precision)}** "
        f"(about {above_info_true:.0f} of {above_info_total}).",
        "",
        "| rule | findings | high/critical | sampled | TP | debatable | FP | untriaged | precision | at high/crit. |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for rule in scores.values():
        v = rule.verdicts
        out.append(
            f"| {rule.code} | {rule.count} | {rule.high} | {len(rule.sample)} | {v['TP']} | {v['debatable']} | "
            f"{v['FP']} | {v['untriaged']} | {_percent(rule.precision())} | {_percent(rule.precision(True))} |"
        )
    return "\n".join(out) + "\n"


def totals(groups: list[tuple[dict[str, Scan], dict[str, RuleScore]]]) -> str:
    """Both groups together: each group's estimated true findings (its own sample's precision per rule) added up."""
    findings = high = 0
    true = high_true = 0.0
    for scans, scores in groups:
        findings += sum(len(scan.findings) for scan in scans.values())
        high += sum(rule.high for rule in scores.values())
        true += weighted_precision(scores)[1]
        high_true += weighted_precision(scores, high_only=True)[1]
    lines = sum(scan.lines for scans, _ in groups for scan in scans.values())
    return (
        f"All {sum(len(scans) for scans, _ in groups)} apps ({lines:,} Python lines): {findings} findings, "
        f"precision overall **{_percent(true / findings if findings else None)}** (about {true:.0f} true); "
        f"at high/critical: **{_percent(high_true / high if high else None)}** (about {high_true:.0f} of {high}).\n"
    )


def write_docs(section: str, body: str, create: bool = False) -> None:
    begin, end = f"<!-- realapps:{section}:begin -->", f"<!-- realapps:{section}:end -->"
    text = ACCURACY.read_text(encoding="utf-8")
    if create and begin not in text:
        text = text.rstrip("\n") + f"\n\n{begin}\n{end}\n"
    if begin not in text or end not in text:
        raise SystemExit(f"{ACCURACY}: markers {begin} / {end} not found")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    ACCURACY.write_text(f"{head}{begin}\n{body}{end}{tail}", encoding="utf-8")


def show_untriaged(scores: dict[str, RuleScore], trees: dict[str, Path], context: int) -> None:
    for rule in scores.values():
        for finding in rule.sample:
            if verdict_for(finding, TRIAGE_CACHE[finding.app]) is not None:
                continue
            where = f"{finding.path}:{finding.line}"
            print(f"--- {finding.app} {finding.code} {finding.severity}/{finding.confidence} {where}")
            print(f"    {finding.message}")
            try:
                text = (trees[finding.app] / finding.path).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                text = []
            for number in range(max(1, finding.line - context), min(len(text), finding.line + context) + 1):
                marker = ">" if number == finding.line else " "
                print(f"    {marker}{number:5} {text[number - 1][:160]}")
            print(
                f'[[finding]]\npath = "{finding.path}"\nline = {finding.line}\nrule = "{finding.code}"\n'
                f'hash = "{finding.line_hash}"\nverdict = ""\nreason = ""\n'
            )


TRIAGE_CACHE: dict[str, dict[tuple[str, str, str], list[Verdict]]] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirrors", type=Path, default=default_mirrors(), help="folder of local git mirrors")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--apps", nargs="*", help="only these apps")
    parser.add_argument("--reuse", type=Path, help="keep the JSON reports here and reuse them on the next run")
    parser.add_argument("--untriaged", action="store_true", help="print the sampled findings with no verdict yet")
    parser.add_argument("--context", type=int, default=3, help="source lines around each untriaged finding")
    parser.add_argument("--label", help="what produced the reports (default: this checkout's commit)")
    parser.add_argument("--write-docs", choices=("before", "after"), help="write the tables into docs/accuracy.md")
    parser.add_argument("--group", choices=("tuned", "heldout", "all"), default="all", help="which apps to scan")
    args = parser.parse_args()
    apps = [app for app in load_apps() if not args.apps or app.name in args.apps]
    apps = [app for app in apps if args.group == "all" or app.heldout == (args.group == "heldout")]
    trees = {app.name: ensure(app, args.mirrors) for app in apps}
    TRIAGE_CACHE.update({app.name: load_triage(app.name) for app in apps})
    label = args.label or f"at commit {current_commit()}"
    groups: list[tuple[dict[str, Scan], dict[str, RuleScore]]] = []
    bodies: list[str] = []
    for heldout, title in (
        (False, f"Findings of bastion {label}, default configuration."),
        (True, f"Held-out apps (not tuned to), findings of bastion {label}, default configuration."),
    ):
        members = [app for app in apps if app.heldout == heldout]
        scans = {app.name: scan_app(app, trees[app.name], args.jobs, args.reuse) for app in members}
        scores = score(scans, TRIAGE_CACHE)  # sampled per group, so one group's draw never moves the other's
        if args.untriaged:
            show_untriaged(scores, trees, args.context)
        groups.append((scans, scores))
        bodies.append(tables(scans, scores, title) if scans else "")
    if args.untriaged:
        return
    tuned, heldout_body = bodies
    both = [(scans, scores) for scans, scores in groups if scans]
    summary = totals(both) if len(both) > 1 else ""
    print("\n".join(body for body in (tuned, heldout_body, summary) if body))
    if args.write_docs:
        if tuned:
            write_docs(args.write_docs, tuned)
        if heldout_body:
            write_docs(f"heldout-{args.write_docs}", f"{heldout_body}\n{summary}", create=True)


if __name__ == "__main__":
    main()
