"""Rule metadata and the registry. Defining a concrete rule class (one with a `code`) registers it."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import Enum
from typing import ClassVar, Protocol

from bastion.core import patterns
from bastion.core.fix import Applicability
from bastion.core.severity import Confidence, Severity


class FixAvailability(str, Enum):
    """How often a rule's findings come with a fix: some shapes of code cannot be rewritten mechanically."""

    NONE = "none"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


class RuleStatus(str, Enum):
    STABLE = "stable"
    PREVIEW = "preview"


FAMILIES: dict[str, str] = {
    "PAT": "pattern",
    "TNT": "taint",
    "SEC": "secrets",
    "DEP": "dependencies",
    "CFG": "configuration",
    "BST": "bastion",
}


class Selectable(Protocol):
    """What choosing the rules to run reads of a rule: a rule class, or its entry in the rule index
    (`bastion.rules.RuleEntry`) before its module is imported."""

    @property
    def code(self) -> str: ...

    @property
    def default_enabled(self) -> bool: ...


_CODE_SHAPE = patterns.compile(r"^(?P<family>[A-Z]{3})\d{3}$")
_REGISTRY: dict[str, type[Rule]] = {}
# Imports the module of a rule not registered yet (set by `bastion.rules`, which knows where each rule lives):
# rules are imported only when a scan selects them, and looking one up by code still finds it.
_loader: Callable[[str], None] | None = None


class Rule:
    """Metadata every rule carries. Family-specific base classes (in `bastion.rules`) add the check method.

    The class docstring is the rule's documentation in Markdown, with the headings *What it does*,
    *Why is this bad?*, *Example*, *Use instead* and *References*.
    """

    code: ClassVar[str] = ""
    slug: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.MEDIUM
    confidence: ClassVar[Confidence] = Confidence.HIGH
    cwe: ClassVar[tuple[int, ...]] = ()
    fix_hint: ClassVar[str] = ""
    # Whether the rule writes fixes, and the best applicability they get (`safe`, `unsafe`, `display-only`); a
    # finding's own fix may be less safe than this (the doc's *Fix safety* section says when).
    fix: ClassVar[FixAvailability] = FixAvailability.NONE
    fix_applicability: ClassVar[Applicability] = Applicability.NONE
    status: ClassVar[RuleStatus] = RuleStatus.STABLE
    tags: ClassVar[tuple[str, ...]] = ()
    # Peer rule ids this rule covers: bandit's nosec and ruff's noqa comments naming them suppress this rule too,
    # and docs/parity.md lists them.
    bandit: ClassVar[tuple[str, ...]] = ()
    ruff: ClassVar[tuple[str, ...]] = ()
    # Rules that are off unless selected explicitly (opt-in sources, noisy hygiene checks).
    default_enabled: ClassVar[bool] = True
    # Codes of other rules that report the same problem less well: when this rule and one of those fire on the
    # same line, only this one is reported (a literal SECRET_KEY is a secret first, a setting second).
    supersedes: ClassVar[tuple[str, ...]] = ()
    # Whether the test-path policy holds this rule's findings back in test, CI, docs and example code. False only
    # for rules whose subject is such a file (a CI workflow that runs no security check).
    held_back_in_test_paths: ClassVar[bool] = True
    # An active finding of this rule means part of the audit could not run (an advisory server down): the scan
    # exits 2, as for a crash, unless the finding is accepted (baseline) or the rule switched off.
    marks_incomplete: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("code")
        if not code:
            return
        if not _CODE_SHAPE.match(code):
            raise ValueError(f"rule {cls.__name__}: code {code!r} is not a family prefix and three digits")
        if code[:3] not in FAMILIES:
            raise ValueError(f"rule {cls.__name__}: unknown family {code[:3]!r}")
        existing = _REGISTRY.get(code)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise ValueError(f"rule code {code} is used by both {existing.__name__} and {cls.__name__}")
        _REGISTRY[code] = cls

    @classmethod
    def family(cls) -> str:
        return cls.code[:3]

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def name(cls) -> str:
        """The rule's name in PascalCase words, as SARIF wants it."""
        return "".join(part.capitalize() for part in cls.slug.split("-"))


def all_rules() -> list[type[Rule]]:
    """Every registered rule, by code. Rules register when their module is imported: `bastion.rules.load_all`
    imports them all, a scan only those it selected."""
    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


def set_rule_loader(loader: Callable[[str], None]) -> None:
    global _loader
    _loader = loader


def get_rule(code: str) -> type[Rule] | None:
    """The rule with this code, importing its module if it is not loaded yet; None for no such rule."""
    code = code.upper()
    rule = _REGISTRY.get(code)
    if rule is None and _loader is not None:
        _loader(code)
        rule = _REGISTRY.get(code)
    return rule
