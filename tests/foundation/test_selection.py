"""Which rules a selection runs: opt-in rules need their own code or an `ALL` the user wrote."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bastion.api.selection import enabled_rules
from bastion.core.config import BastionConfig


@dataclass(frozen=True)
class _Rule:
    code: str
    default_enabled: bool = True


RULES = [_Rule("PAT101"), _Rule("PAT804", default_enabled=False), _Rule("TNT101"), _Rule("TNT601", False)]


def _codes(**settings: object) -> list[str]:
    return [rule.code for rule in enabled_rules(BastionConfig(**settings), RULES)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, ["PAT101", "TNT101"]),
        ({"select": ("TNT",)}, ["TNT101"]),
        ({"select": ("TNT601",)}, ["TNT601"]),
        ({"extend_select": ("TNT601",)}, ["PAT101", "TNT101", "TNT601"]),
        ({"select": ("ALL",)}, ["PAT101", "PAT804", "TNT101", "TNT601"]),
        ({"extend_select": ("ALL",)}, ["PAT101", "PAT804", "TNT101", "TNT601"]),
        ({"extend_select": ("ALL",), "ignore": ("PAT8",)}, ["PAT101", "TNT101", "TNT601"]),
    ],
)
def test_opt_in_rules_run_only_when_named_or_all_is_written(settings: dict[str, object], expected: list[str]) -> None:
    assert _codes(**settings) == expected
