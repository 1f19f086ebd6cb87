"""What the HTML report shows, worked out before the template sees it: findings with their anchors and states,
the filters' choices, groups by file, the rule docs, the checklist with links into the findings.

Paths are relative to the project root everywhere; the root itself is named by its folder name at most, and any
occurrence of the absolute root in free text (a notice, a message) is cut back to that name.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from bastion.core.finding import Finding
from bastion.core.fix import Applicability
from bastion.core.notice import Notice
from bastion.core.result import ScanResult
from bastion.core.rule import FAMILIES, Rule
from bastion.core.severity import Confidence, Severity
from bastion.report.common import doc_sections, first_paragraph, rule_for

_Level = TypeVar("_Level", Severity, Confidence)
_FIX_COMMAND = {Applicability.SAFE: "bastion fix", Applicability.UNSAFE: "bastion fix --unsafe-fixes"}
CWE_URL = "https://cwe.mitre.org/data/definitions/{number}.html"


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    anchor: str
    # "active", or why it is not counted: "suppressed", "baselined".
    state: str = "active"
    state_note: str = ""

    @property
    def family(self) -> str:
        return self.finding.code[:3]

    @property
    def rule(self) -> type[Rule] | None:
        return rule_for(self.finding.code)

    @property
    def slug(self) -> str:
        rule = self.rule
        return rule.slug if rule else ""

    @property
    def cwes(self) -> tuple[tuple[str, str], ...]:
        rule = self.rule
        return tuple((f"CWE-{number}", CWE_URL.format(number=number)) for number in (rule.cwe if rule else ()))

    @property
    def fix_command(self) -> str:
        """The command that applies the finding's fix, or "" when `bastion fix` cannot apply it."""
        fix = self.finding.fix
        return _FIX_COMMAND.get(fix.applicability, "") if fix is not None else ""

    @property
    def do_by_hand(self) -> str:
        """What to do, for a fix that is shown and never applied (a command to run, a change elsewhere)."""
        fix = self.finding.fix
        return fix.message if fix is not None and fix.applicability is Applicability.DISPLAY_ONLY else ""

    @property
    def why(self) -> str:
        """The rule's *Why is this bad?* paragraph (Markdown), or its summary."""
        rule = self.rule
        if rule is None:
            return ""
        return first_paragraph(doc_sections(rule.documentation()).get("Why is this bad?", "")) or rule.summary


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Filters:
    severity: tuple[Choice, ...]
    family: tuple[Choice, ...]
    rule: tuple[Choice, ...]
    file: tuple[Choice, ...]
    confidence: tuple[Choice, ...]


@dataclass(frozen=True)
class RuleDoc:
    code: str
    slug: str
    summary: str
    documentation: str

    @property
    def anchor(self) -> str:
        return f"rule-{self.code.lower()}"


@dataclass(frozen=True)
class NoticeView:
    kind: str
    where: str
    message: str
    blocking: bool


@dataclass(frozen=True)
class ReportView:
    project: str
    active: tuple[FindingView, ...]
    hidden: tuple[FindingView, ...]
    filters: Filters
    rules: tuple[RuleDoc, ...]
    notices: tuple[NoticeView, ...]

    @property
    def active_groups(self) -> tuple[Group, ...]:
        return group_by_file(self.active)

    @property
    def hidden_groups(self) -> tuple[Group, ...]:
        return group_by_file(self.hidden)


def project_name(root: Path) -> str:
    return root.name or "project"


class RootStripper:
    """Cuts the absolute project root out of free text (a notice can quote a path as the OS gave it)."""

    def __init__(self, root: Path) -> None:
        self._root = str(root)
        self._name = project_name(root)

    def __call__(self, text: str) -> str:
        if not self._root or self._root == "/" or self._root not in text:
            return text
        return text.replace(self._root + "/", "").replace(self._root, self._name)


def finding_anchor(finding: Finding, fallback: str) -> str:
    return f"finding-{finding.fingerprint}" if finding.fingerprint else fallback


def build_view(result: ScanResult, *, strip: RootStripper | None = None) -> ReportView:
    strip = strip or RootStripper(result.root)
    active = tuple(
        FindingView(_cleaned(finding, strip), finding_anchor(finding, f"finding-{number}"))
        for number, finding in enumerate(result.findings, start=1)
    )
    hidden: list[FindingView] = []
    for number, item in enumerate(result.suppressed, start=1):
        note = f"suppressed by {item.suppression.describe()}"
        finding = _cleaned(item.finding, strip)
        hidden.append(FindingView(finding, f"suppressed-{number}", "suppressed", strip(note)))
    for number, finding in enumerate(result.baselined, start=1):
        view = FindingView(_cleaned(finding, strip), finding_anchor(finding, f"baselined-{number}"), "baselined")
        hidden.append(view)
    hidden.sort(key=lambda view: view.finding.sort_key())
    everything = (*active, *hidden)
    return ReportView(
        project=project_name(result.root),
        active=active,
        hidden=tuple(hidden),
        filters=_filters(everything),
        rules=_rule_docs(view.finding.code for view in everything),
        notices=notice_views(result.notices, strip),
    )


def _cleaned(finding: Finding, strip: RootStripper) -> Finding:
    message, fix_hint = strip(finding.message), strip(finding.fix_hint)
    if message is finding.message and fix_hint is finding.fix_hint:
        return finding
    return replace(finding, message=message, fix_hint=fix_hint)


def group_by_file(views: Sequence[FindingView]) -> tuple[Group, ...]:
    ordered = sorted(views, key=lambda view: view.finding.sort_key())
    return tuple(
        Group(path, path, tuple(group))
        for path, group in itertools.groupby(ordered, key=lambda view: view.finding.location.path)
    )


def _filters(views: Sequence[FindingView]) -> Filters:
    findings = [view.finding for view in views]
    severities = Counter(f.severity for f in findings)
    confidences = Counter(f.confidence for f in findings)
    families = Counter(f.code[:3] for f in findings)
    rules = Counter(f.code for f in findings)
    files = Counter(f.location.path for f in findings)
    slugs = {view.finding.code: view.slug for view in views}
    return Filters(
        severity=_ranked(severities, sorted(Severity, reverse=True)),
        family=tuple(
            Choice(family, f"{family} {FAMILIES.get(family, '')}".strip(), families[family])
            for family in sorted(families, key=_family_order)
        ),
        rule=tuple(Choice(code, f"{code} {slugs[code]}".strip(), rules[code]) for code in sorted(rules)),
        file=tuple(Choice(path, path, files[path]) for path in sorted(files)),
        confidence=_ranked(confidences, sorted(Confidence, reverse=True)),
    )


def _ranked(counts: Counter[_Level], order: Sequence[_Level]) -> tuple[Choice, ...]:
    return tuple(Choice(level.label, level.label, counts[level]) for level in order if counts[level])


def _family_order(family: str) -> tuple[int, str]:
    order = list(FAMILIES)
    return (order.index(family) if family in order else len(order), family)


def _rule_docs(codes: Iterable[str]) -> tuple[RuleDoc, ...]:
    docs = []
    for code in sorted(set(codes)):
        rule = rule_for(code)
        if rule is not None:
            docs.append(RuleDoc(rule.code, rule.slug, rule.summary, rule.documentation()))
    return tuple(docs)


def notice_views(notices: Iterable[Notice], strip: RootStripper) -> tuple[NoticeView, ...]:
    views = []
    for notice in notices:
        where = notice.path or ""
        if where and notice.line:
            where = f"{where}:{notice.line}"
        views.append(NoticeView(notice.kind.value, strip(where), strip(notice.message), notice.kind.blocking))
    return tuple(views)
