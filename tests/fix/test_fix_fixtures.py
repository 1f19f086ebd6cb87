"""Every fix against its fixtures (`tests/fixes/<CODE>/`), and every fixing rule has fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from bastion.core.fix import Applicability
from bastion.core.rule import FixAvailability, Rule, all_rules
from tests.conftest import make_services
from tests.fix.harness import FIXES, FixCase, check_case, fix_cases
from tests.harness import read_expectations

CASES = fix_cases()
FIXING_RULES = [rule for rule in all_rules() if rule.fix is not FixAvailability.NONE]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_fix_case(case: FixCase, tmp_path: Path) -> None:
    problems = check_case(case, tmp_path, make_services())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("rule", FIXING_RULES, ids=lambda rule: rule.code)
def test_fixing_rule_has_fix_fixtures(rule: type[Rule]) -> None:
    cases = [case for case in CASES if case.code == rule.code]
    assert cases, f"{rule.code} has fixes but no cases in tests/fixes/{rule.code}/"
    assert any(case.expected() for case in cases), f"{rule.code}: no case shows a fix (add a `.fixed` file)"
    left = [case for case in cases if _marks_a_finding_left(case)]
    assert left, f"{rule.code}: no case shows where no fix may be offered (a `# $ {rule.code}` line after fixing)"
    if rule.fix_applicability is Applicability.UNSAFE:
        assert all(case.unsafe for case in cases if case.expected()), (
            f"{rule.code}'s fixes are unsafe: name the cases that expect a change `unsafe_...`"
        )


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_fix_metadata_agrees(rule: type[Rule]) -> None:
    has_fix = rule.fix is not FixAvailability.NONE
    assert has_fix == (rule.fix_applicability is not Applicability.NONE), (
        f"{rule.code}: `fix` and `fix_applicability` must both say whether the rule fixes"
    )


def test_every_fix_folder_names_a_fixing_rule() -> None:
    codes = {rule.code for rule in FIXING_RULES}
    strays = [path.name for path in FIXES.iterdir() if path.is_dir() and path.name not in codes]
    assert not strays, f"fix fixtures for rules that declare no fix: {strays}"


def _marks_a_finding_left(case: FixCase) -> bool:
    if case.source.is_dir():
        return bool(read_expectations(case.source, case.code).expected)
    expected = case.source.with_name(case.source.name + ".fixed")
    text = expected.read_text(encoding="utf-8") if expected.is_file() else case.source.read_text(encoding="utf-8")
    return f"# $ {case.code}" in text
