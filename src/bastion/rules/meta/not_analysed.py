"""What the audit did not analyse, as findings (BST1xx): never a silent "clean".

Each stage of a scan says what it could not do with a `Notice` (a file over the size cap, a file that does not
parse, a dependency audit that could not reach its server ...). A notice alone changes no exit code and no
`--fail-on`, and a padded file or a NUL byte used to turn a flaw into "No findings", exit 0. At the end of a scan
the notices of the kinds below become findings of the BST1xx rule that owns their kind, so that `--fail-on` sees
them, SARIF carries them as results, and a baseline (or a suppression comment where one can be read) accepts a
known one.

The BST1xx rules are on whatever the selection, and a project's configuration cannot switch them off: the scanned
repository must not be able to hide what was not analysed. Only the command line can (`--ignore BST1`, or one
code); a rule switched off that way leaves its notices as notices.

Severities follow what a miss would hide: Python source not analysed (where any rule could have fired) is
medium; configuration, manifests, deployment files and templates, and a dependency line not audited, are low
(both fail the default `--fail-on low`); other files (assets, documents, data, read for secrets only) are info.
An empty scan and an advisory audit that could not run are high; an audit skipped because the user asked for it
(`--offline` without `--db`) is info.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable, Sequence
from typing import ClassVar, TypeVar

from bastion.core import patterns
from bastion.core.finding import Finding, Location
from bastion.core.notice import Notice, NoticeKind
from bastion.core.rule import Rule, Selectable, all_rules
from bastion.core.severity import Confidence, Severity

# Selectors that reach these rules only from the command line (see the module documentation).
NOT_ANALYSED_PREFIX = "BST1"
# Files a family reads for configuration, deployment, dependency or template flaws (not only for secrets).
_CONFIG_SUFFIXES = (
    ".toml", ".yaml", ".yml", ".ini", ".cfg", ".conf", ".env", ".json", ".properties", ".lock", ".in",
    ".html", ".htm", ".jinja", ".jinja2", ".j2", ".sh",
)  # fmt: skip
_CONFIG_PREFIXES = ("dockerfile", "containerfile", "requirements", ".env", "pipfile", "docker-compose", "compose")
# Other ecosystems' lock files: bulky data, nothing a Python audit reads in them.
_BULKY_NAMES = frozenset({"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "composer.lock", "cargo.lock"})
_NUMBER = patterns.compile(r"\d+(?:\.\d+)?")


class NotAnalysedRule(Rule):
    """The base of the BST1xx rules: a finding made from a notice of one of `notice_kinds`."""

    notice_kinds: ClassVar[frozenset[NoticeKind]] = frozenset()
    cwe = (710,)  # the nearest pillar: the audit itself did not do what it should
    confidence = Confidence.HIGH
    tags = ("not-analysed",)

    @classmethod
    def from_notice(cls, notice: Notice) -> Finding:
        return Finding(
            code=cls.code,
            message=cls.message_for(notice),
            location=Location(notice.path or ".", notice.line or 1),
            severity=notice.severity if notice.severity is not None else cls.severity_for(notice),
            confidence=cls.confidence,
            fix_hint=cls.fix_hint,
            # Stable across runs: the kind and the reason, without the sizes and line numbers in it.
            context=f"{notice.kind.value}:{_NUMBER.sub('N', notice.message)}",
            # The rule whose work did not happen, when the notice names one (the checklist reads it).
            properties={"notice_kind": notice.kind.value, **({"rule": notice.rule} if notice.rule else {})},
        )

    @classmethod
    def message_for(cls, notice: Notice) -> str:
        return f"not analysed: {notice.message.removesuffix('; skipped')}"

    @classmethod
    def severity_for(cls, notice: Notice) -> Severity:
        return cls.severity


def file_severity(path: str | None) -> Severity:
    """Medium for Python source (every family reads it); low for configuration, manifests, deployment files and
    templates (read for their own flaws); info for the rest (assets, documents, data: read for secrets only)."""
    name = posixpath.basename(path or "").lower()
    if name.endswith((".py", ".pyw", ".pyi", ".ipynb")):
        return Severity.MEDIUM
    if name in _BULKY_NAMES:
        return Severity.INFO
    if name.endswith(_CONFIG_SUFFIXES) or name.startswith(_CONFIG_PREFIXES):
        return Severity.LOW
    return Severity.INFO


def not_analysed_rules() -> dict[NoticeKind, type[NotAnalysedRule]]:
    """Which rule turns each notice kind into findings."""
    owners: dict[NoticeKind, type[NotAnalysedRule]] = {}
    for rule in all_rules():
        if issubclass(rule, NotAnalysedRule):
            for kind in rule.notice_kinds:
                owners[kind] = rule
    return owners


def is_not_analysed_code(code: str) -> bool:
    return code.startswith(NOT_ANALYSED_PREFIX)


def findings_from_notices(notices: Iterable[Notice], enabled: Collection[str]) -> tuple[list[Finding], list[Notice]]:
    """The notices about something not analysed, as findings of their rule (when it runs), and the rest."""
    owners = not_analysed_rules()
    findings: list[Finding] = []
    kept: list[Notice] = []
    for notice in notices:
        rule = owners.get(notice.kind)
        if rule is None or rule.code not in enabled:
            kept.append(notice)
        else:
            findings.append(rule.from_notice(notice))
    return findings, kept


R = TypeVar("R", bound=Selectable)


def protected_rules(enabled: Sequence[R], every: Sequence[R], ignored_by_user: Sequence[str]) -> list[R]:
    """`enabled` plus every BST1xx rule the user did not switch off on the command line (`ignored_by_user`,
    the codes or prefixes of `--ignore`), whatever the configuration file selects or ignores."""
    chosen = {rule.code for rule in enabled}
    extra = [
        rule
        for rule in every
        if is_not_analysed_code(rule.code)
        and rule.code not in chosen
        and rule.default_enabled
        and not any(selector == "ALL" or rule.code.startswith(selector) for selector in ignored_by_user)
    ]
    return sorted([*enabled, *extra], key=lambda rule: rule.code)
