"""Which rules run: `select`, `extend-select`, `ignore` (codes or prefixes), and `per-file-ignores`.

The most specific selector wins (`--ignore PAT --select PAT101` runs PAT101 only among PAT rules, as in ruff);
on a tie, ignore wins. Rules that are off by default run only when selected by their exact code or `ALL`.
A selector that matches no rule is an error: a typo must not silently turn a check off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

import pathspec

from bastion.core.advisory_ids import is_advisory_id
from bastion.core.config import BastionConfig
from bastion.core.errors import ConfigError
from bastion.core.finding import Finding
from bastion.core.rule import Selectable

ALL = "ALL"
R = TypeVar("R", bound=Selectable)


def validate_selectors(selectors: Iterable[str], rules: Sequence[Selectable], option: str) -> None:
    codes = [rule.code for rule in rules]
    for selector in selectors:
        if selector == ALL:
            continue
        if not any(code.startswith(selector) for code in codes):
            if is_advisory_id(selector):
                raise ConfigError(
                    f"{option}: {selector!r} is an advisory id, not a rule; to ignore one advisory use "
                    f"--ignore-vuln {selector}, or [tool.bastion.deps] ignore = "
                    f'[{{ id = "{selector}", reason = "why", expires = "YYYY-MM-DD" }}]'
                )
            raise ConfigError(
                f"{option}: {selector!r} matches no rule; use a code (PAT101), a prefix (PAT1, PAT) or ALL; "
                "`bastion rules` lists them"
            )


def _specificity(selector: str, code: str) -> int:
    if selector == ALL:
        return 0
    return len(selector) if code.startswith(selector) else -1


def enabled_rules(config: BastionConfig, rules: Sequence[R]) -> list[R]:
    select = config.select
    validate_selectors(select or (), rules, "select")
    validate_selectors(config.extend_select, rules, "extend-select")
    validate_selectors(config.ignore, rules, "ignore")
    enabled = []
    for rule in rules:
        best_enable = -1
        exact_or_all = False
        # The implicit `ALL` of no --select does not switch opt-in rules on; an ALL the user wrote (in --select or
        # --extend-select) does.
        implicit = () if select is not None else (ALL,)
        for selector in (*implicit, *(select or ()), *config.extend_select):
            score = _specificity(selector, rule.code)
            best_enable = max(best_enable, score)
            exact_or_all |= selector == rule.code
        explicit = (*(select or ()), *config.extend_select)
        exact_or_all |= ALL in explicit
        best_ignore = max((_specificity(s, rule.code) for s in config.ignore), default=-1)
        if best_enable < 0 or best_ignore >= best_enable:
            continue
        if not rule.default_enabled and not exact_or_all:
            continue
        enabled.append(rule)
    if not enabled:
        # Selectors that cancel each other out (`--select TNT1 --ignore TNT10`) are as wrong as a typo.
        chosen = ", ".join(select) if select is not None else "every rule"
        ignored = ", ".join(config.ignore) or "nothing"
        raise ConfigError(
            f"the selection leaves no rule to run: select {chosen} (extend-select "
            f"{', '.join(config.extend_select) or 'nothing'}), ignore {ignored}; `bastion rules` lists the codes"
        )
    return enabled


class PerFileIgnores:
    """`per-file-ignores = { "tests/**" = ["PAT1"] }`: gitignore-style patterns relative to the project root."""

    def __init__(self, table: Mapping[str, Sequence[str]], rules: Sequence[Selectable]) -> None:
        self.entries: list[tuple[pathspec.GitIgnoreSpec, tuple[str, ...]]] = []
        for pattern, codes in table.items():
            validate_selectors(codes, rules, f"per-file-ignores[{pattern!r}]")
            self.entries.append((pathspec.GitIgnoreSpec.from_lines([pattern]), tuple(codes)))

    def ignores(self, finding: Finding) -> bool:
        if not self.entries:
            return False
        for spec, codes in self.entries:
            if spec.match_file(finding.location.path) and any(
                code == ALL or finding.code.startswith(code) for code in codes
            ):
                return True
        return False
