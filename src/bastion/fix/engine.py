"""The fix rounds: scan, apply, re-scan the edited text in memory, keep what worked, repeat to a fixpoint.

Each round applies every applicable fix that does not overlap another (per file), checks that every edited file
still parses, and scans the project again with the edited texts in place of the files (nothing is written until
the end). An edit is kept only if it resolved its finding and no new finding appeared: counted per rule, file and
enclosing function, since line numbers move. A file whose edits fail is put back as it was and its fixes are
retried one per round, so that the one at fault is found and dropped with a notice while the others still apply.
A fix dropped once is not tried again. The rounds stop when nothing is left to apply, or after `max_rounds`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bastion.core.finding import Finding
from bastion.core.fix import Applicability
from bastion.core.notice import NoticeKind
from bastion.core.result import ScanResult
from bastion.fix.edits import EditOutOfRange, apply_fixes
from bastion.fix.verify import problem_with
from bastion.fix.writing import FileText, NotEditable, read_for_fixing
from bastion.source.reading import split_lines

Rescan = Callable[[Mapping[str, str]], ScanResult]
FindingKey = tuple[str, str, str]
DEFAULT_MAX_ROUNDS = 25


@dataclass(frozen=True)
class FixSettings:
    # The least safe fixes applied: SAFE (the default) or UNSAFE (`--unsafe-fixes`).
    applicability: Applicability = Applicability.SAFE
    max_rounds: int = DEFAULT_MAX_ROUNDS
    # Only findings this accepts are fixed (`bastion deps --fix` fixes dependency pins only).
    accept: Callable[[Finding], bool] | None = None


@dataclass(frozen=True)
class AppliedFix:
    code: str
    path: str
    line: int  # in the text the fix was applied to
    message: str
    applicability: Applicability


@dataclass(frozen=True)
class DroppedFix:
    code: str
    path: str
    line: int
    message: str
    reason: str


@dataclass
class FixOutcome:
    """What the rounds did: the files' new texts, the fixes kept and dropped, and the scan of the final text."""

    result: ScanResult
    files: dict[str, FileText] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    applied: list[AppliedFix] = field(default_factory=list)
    dropped: list[DroppedFix] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)
    rounds: int = 0
    converged: bool = True

    @property
    def changed(self) -> list[str]:
        """Files whose text the fixes changed, by path."""
        return sorted(rel for rel, text in self.texts.items() if text != self.files[rel].text)


class FixRun:
    def __init__(self, rescan: Rescan, root: Path, allowed: Sequence[Path], settings: FixSettings) -> None:
        self.rescan = rescan
        self.root = root
        self.allowed = allowed
        self.settings = settings
        self.rejected: set[tuple[object, ...]] = set()
        self.one_at_a_time: set[str] = set()

    def run(self) -> FixOutcome:
        outcome = FixOutcome(result=self.rescan({}))
        for round_number in range(1, self.settings.max_rounds + 1):
            candidates = self._candidates(outcome)
            if not candidates:
                return outcome
            outcome.rounds = round_number
            proposed = self._propose(outcome, candidates)
            if not proposed:
                continue  # every candidate was dropped or deferred; the next round sees the rest
            after = self.rescan({**outcome.texts, **{rel: text for rel, (text, _) in proposed.items()}})
            failed = self._check(outcome.result, after, proposed)
            kept = {rel: value for rel, value in proposed.items() if rel not in failed}
            for rel, (text, fixed) in kept.items():
                outcome.texts[rel] = text
                outcome.applied.extend(_applied(finding) for finding in fixed)
            for rel, reason in failed.items():
                self._fail(outcome, rel, proposed[rel][1], reason)
            outcome.result = after if not failed else self.rescan(dict(outcome.texts))
        outcome.converged = not self._candidates(outcome)
        return outcome

    # -- one round -----------------------------------------------------------------------------------------

    def _candidates(self, outcome: FixOutcome) -> list[Finding]:
        accept = self.settings.accept
        return [
            finding
            for finding in outcome.result.findings
            if finding.fix is not None
            and finding.fix.edits
            and self.settings.applicability.allows(finding.fix.applicability)
            and (accept is None or accept(finding))
            and _identity(finding) not in self.rejected
            and finding.location.path not in outcome.unreadable
        ]

    def _propose(self, outcome: FixOutcome, candidates: Sequence[Finding]) -> dict[str, tuple[str, list[Finding]]]:
        by_file: dict[str, list[Finding]] = {}
        for finding in candidates:
            by_file.setdefault(finding.location.path, []).append(finding)
        proposed: dict[str, tuple[str, list[Finding]]] = {}
        for rel, findings in sorted(by_file.items()):
            file = self._file(outcome, rel, findings)
            if file is None:
                continue
            current = outcome.texts.get(rel, file.text)
            if rel in self.one_at_a_time:
                findings = sorted(findings, key=Finding.sort_key)[:1]
            try:
                edited = apply_fixes(current, findings)
            except EditOutOfRange as error:
                self._drop_all(outcome, findings, f"the file does not match the scan ({error})")
                continue
            problem = problem_with(rel, edited.text)
            if problem is not None:
                self._fail(outcome, rel, list(edited.applied), problem)
                continue
            if edited.text == current:
                self._drop_all(outcome, edited.applied, "it changes nothing")
            else:
                proposed[rel] = (edited.text, list(edited.applied))
        return proposed

    def _file(self, outcome: FixOutcome, rel: str, findings: Sequence[Finding]) -> FileText | None:
        file = outcome.files.get(rel)
        if file is not None:
            return file
        try:
            file = read_for_fixing(self.root, rel, self.allowed)
        except NotEditable as error:
            outcome.unreadable[rel] = str(error)
            return None
        lines = split_lines(file.text)
        for finding in findings:
            # The scan read the file moments ago: if its line is not what the scan saw, someone is editing it.
            line = finding.location.line
            seen = finding.snippet.strip()
            if not seen or "…" in seen:
                continue  # no snippet, or one with a secret redacted: nothing to compare
            if line > len(lines) or lines[line - 1].rstrip()[:400].strip() != seen:
                outcome.unreadable[rel] = "changed while bastion was fixing it; left as it is"
                return None
        outcome.files[rel] = file
        outcome.texts[rel] = file.text
        return file

    def _check(
        self, before: ScanResult, after: ScanResult, proposed: Mapping[str, tuple[str, list[Finding]]]
    ) -> dict[str, str]:
        """The files whose edits did not do what they should, with why."""
        failed: dict[str, str] = {}
        parse_errors = {notice.path for notice in after.notices if notice.kind is NoticeKind.PARSE_ERROR}
        for rel in proposed:
            if rel in parse_errors:
                failed[rel] = "the result does not parse"
        was, now = _counts(before.findings), _counts(after.findings)
        for (code, path, _), count in sorted(now.items()):
            if count > was.get((code, path, _), 0):
                # A new finding in an edited file is that file's doing; elsewhere, any edit of the round may be.
                for rel in [path] if path in proposed else sorted(proposed):
                    failed.setdefault(rel, f"it would add a {code} finding in {path}")
        expected_gone = Counter(_key(finding) for _, fixed in proposed.values() for finding in fixed)
        for key, gone in sorted(expected_gone.items()):
            if was.get(key, 0) - now.get(key, 0) < gone:
                failed.setdefault(key[1], f"the {key[0]} finding is still reported after it")
        return failed

    def _fail(self, outcome: FixOutcome, rel: str, fixed: Sequence[Finding], reason: str) -> None:
        """The edits of `fixed` in `rel` failed together: drop the fix if it was alone, else try them one by one."""
        if len(fixed) <= 1 or rel in self.one_at_a_time:
            self._drop_all(outcome, fixed, reason)
        else:
            self.one_at_a_time.add(rel)

    def _drop_all(self, outcome: FixOutcome, findings: Iterable[Finding], reason: str) -> None:
        for finding in findings:
            self.rejected.add(_identity(finding))
            message = finding.fix.message if finding.fix is not None else ""
            outcome.dropped.append(
                DroppedFix(finding.code, finding.location.path, finding.location.line, message, reason)
            )


def run_fixes(rescan: Rescan, root: Path, allowed: Sequence[Path], settings: FixSettings) -> FixOutcome:
    """Apply fixes to a fixpoint; nothing is written (see `writing.write_fixed`)."""
    return FixRun(rescan, root, allowed, settings).run()


def _key(finding: Finding) -> FindingKey:
    return (finding.code, finding.location.path, finding.scope)


def _counts(findings: Iterable[Finding]) -> Counter[FindingKey]:
    return Counter(_key(finding) for finding in findings)


def _identity(finding: Finding) -> tuple[object, ...]:
    """The same fix in a later round, whatever lines moved: same rule, place, function, snippet and edits."""
    fix = finding.fix
    contents = tuple(edit.content for edit in fix.edits) if fix is not None else ()
    return (*_key(finding), finding.snippet.strip(), fix.message if fix is not None else "", contents)


def _applied(finding: Finding) -> AppliedFix:
    assert finding.fix is not None
    return AppliedFix(
        finding.code, finding.location.path, finding.location.line, finding.fix.message, finding.fix.applicability
    )
