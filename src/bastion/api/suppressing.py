"""Suppression comments applied to findings: which finding each silences, which comments silence nothing
(BST001, on request), and which do not parse or name nothing bastion knows (BST002: they silence nothing).

bastion's own `# bastion: ignore[...]` names rule codes or prefixes, or advisory ids: `PYSEC-2018-28` on a
requirements line silences that advisory only, never the package's other advisories.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from bastion.api.suppression_index import SuppressionIndex
from bastion.core.advisory_ids import same_advisory
from bastion.core.finding import Finding, Location
from bastion.core.result import SuppressedFinding, SuppressionInfo
from bastion.core.rule import Rule, all_rules, get_rule
from bastion.rules import rule_entries
from bastion.rules.meta.malformed_suppression import MalformedSuppression
from bastion.rules.meta.unused_suppression import UnusedSuppression
from bastion.source.suppressions import Suppression, SuppressionOrigin

# Finding properties that name the advisory a dependency finding is about (DEP101).
_ADVISORY_PROPERTIES = ("id", "aliases", "ids")


@dataclass(frozen=True)
class SuppressionOutcome:
    active: list[Finding]
    suppressed: list[SuppressedFinding]
    unused: list[tuple[str, Suppression]]
    malformed: list[tuple[str, Suppression]]


def apply_suppressions(
    findings: Iterable[Finding], suppressions: Mapping[str, Sequence[Suppression]], enabled: set[str]
) -> SuppressionOutcome:
    """`suppressions` by file path; `enabled` the codes of the rules that ran (for what counts as unused)."""
    known = [entry.code for entry in rule_entries()]
    checked = {rel: [_checked(s, known) for s in items] for rel, items in suppressions.items() if items}
    findings = list(findings)
    finding_lines: dict[str, list[int]] = {}
    for finding in findings:
        if finding.location.path in checked:
            finding_lines.setdefault(finding.location.path, []).append(finding.location.line)
    indexes = {rel: SuppressionIndex(checked[rel], lines) for rel, lines in finding_lines.items()}
    used: set[tuple[str, int, SuppressionOrigin]] = set()
    active: list[Finding] = []
    suppressed: list[SuppressedFinding] = []
    for finding in findings:
        match = _first_match(finding, indexes.get(finding.location.path))
        if match is None:
            active.append(finding)
        else:
            used.add((finding.location.path, match.line, match.origin))
            suppressed.append(SuppressedFinding(finding, SuppressionInfo(match.line, match.describe())))
    unused = []
    malformed = []
    enabled_rules = [rule for rule in all_rules() if rule.code in enabled]
    for rel, items in checked.items():
        for suppression in items:
            if suppression.malformed:
                malformed.append((rel, suppression))
            elif (rel, suppression.line, suppression.origin) not in used and _reportable(
                suppression, enabled, enabled_rules
            ):
                unused.append((rel, suppression))
    return SuppressionOutcome(active, suppressed, unused, malformed)


def _checked(suppression: Suppression, known: Sequence[str]) -> Suppression:
    """The suppression, or the same with a problem when a code it names matches no rule (`FOO1`, `PAT999`)."""
    if suppression.malformed or suppression.origin is not SuppressionOrigin.BASTION:
        return suppression
    unknown = [s for s in suppression.rule_selectors if not any(code.startswith(s) for code in known)]
    if unknown:
        names = ", ".join(f"`{selector}`" for selector in unknown)
        return suppression.with_problem(f"{names} names no rule (`bastion rules` lists them)")
    return suppression


def _first_match(finding: Finding, index: SuppressionIndex | None) -> Suppression | None:
    """The first comment (in file order) that covers the finding's line and silences it: `matches` for each,
    answered by the index for all of them at once."""
    if index is None:
        return None

    def names_advisory(suppression: Suppression) -> bool:
        return any(
            same_advisory(named, advisory) for named in suppression.advisory_ids for advisory in advisories_of(finding)
        )

    return index.first_match(finding.location.line, finding.code, get_rule(finding.code), names_advisory)


def matches(suppression: Suppression, rule: type[Rule] | None, finding: Finding) -> bool:
    """Whether one well-formed comment silences `finding` (the index answers this for many comments at once)."""
    return _matches(suppression, rule, finding)


def _matches(suppression: Suppression, rule: type[Rule] | None, finding: Finding) -> bool:
    origin = suppression.origin
    code = finding.code
    if origin is SuppressionOrigin.BASTION:
        if not suppression.ids:
            return True
        if any(code.startswith(selector) for selector in suppression.rule_selectors):
            return True
        return any(
            same_advisory(named, advisory) for named in suppression.advisory_ids for advisory in advisories_of(finding)
        )
    if origin is SuppressionOrigin.NOSEC:
        return not suppression.ids or (rule is not None and any(i in rule.bandit for i in suppression.ids))
    if origin is SuppressionOrigin.NOQA:
        return rule is not None and any(i in rule.ruff for i in suppression.ids)
    return code.startswith("SEC")


def advisories_of(finding: Finding) -> list[str]:
    found: list[str] = []
    for key in _ADVISORY_PROPERTIES:
        value = finding.properties.get(key)
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            found.extend(str(item) for item in value)
    return found


def _reportable(suppression: Suppression, enabled: set[str], rules: Sequence[type[Rule]]) -> bool:
    """Whether an unused suppression is worth reporting: it must name (or map to) a rule that ran, so that a
    `--select SEC` run does not call every PAT suppression stale. A peer's bare marker is left to the peer."""
    if suppression.origin is SuppressionOrigin.BASTION:
        if not suppression.ids:
            return True
        if suppression.advisory_ids and any(code.startswith("DEP1") for code in enabled):
            return True
        return any(code.startswith(selector) for selector in suppression.rule_selectors for code in enabled)
    if suppression.origin is SuppressionOrigin.NOSEC and suppression.ids:
        return any(i in rule.bandit for rule in rules for i in suppression.ids)
    if suppression.origin is SuppressionOrigin.NOQA:
        return any(i in rule.ruff for rule in rules for i in suppression.ids)
    return False


def unused_findings(unused: Sequence[tuple[str, Suppression]]) -> list[Finding]:
    return _comment_findings(
        UnusedSuppression, unused, lambda s: f"unused suppression `{s.describe()}`: it matches no finding"
    )


def malformed_findings(malformed: Sequence[tuple[str, Suppression]]) -> list[Finding]:
    return _comment_findings(
        MalformedSuppression, malformed, lambda s: f"suppression `{s.describe()}` silences nothing: {s.problem}"
    )


def _comment_findings(
    rule: type[Rule], comments: Sequence[tuple[str, Suppression]], message: Callable[[Suppression], str]
) -> list[Finding]:
    return [
        meta_finding(rule, rel, suppression.line, message(suppression), suppression.describe())
        for rel, suppression in comments
    ]


def meta_finding(
    rule: type[Rule], rel: str, line: int, message: str, context: str, *, fix_hint: str | None = None
) -> Finding:
    """A finding of a BST0xx rule about a suppression (a comment, or an ignore in the configuration)."""
    return Finding(
        code=rule.code,
        message=message,
        location=Location(rel, line),
        severity=rule.severity,
        confidence=rule.confidence,
        fix_hint=rule.fix_hint if fix_hint is None else fix_hint,
        context=context,
    )
