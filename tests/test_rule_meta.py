"""Meta-tests: every rule is complete (fixtures, docs, CWE, unique code and slug)."""

from __future__ import annotations

import re

import pytest

from bastion.core.rule import FAMILIES, Rule, all_rules
from bastion.report.common import doc_sections
from tests.harness import FIXTURES, read_expectations

REQUIRED_HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")
RULES = all_rules()


def test_rules_are_registered() -> None:
    assert len(RULES) >= 7
    assert {rule.family() for rule in RULES} <= set(FAMILIES)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_metadata(rule: type[Rule]) -> None:
    assert re.fullmatch(r"[A-Z]{3}\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.slug), rule.slug
    assert rule.summary and "\n" not in rule.summary
    assert rule.cwe, f"{rule.code} has no CWE"
    assert all(isinstance(number, int) and number > 0 for number in rule.cwe)
    assert rule.fix_hint, f"{rule.code} has no fix hint"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_doc_headings(rule: type[Rule]) -> None:
    sections = doc_sections(rule.documentation())
    missing = [heading for heading in REQUIRED_HEADINGS if not sections.get(heading)]
    assert not missing, f"{rule.code} documentation lacks: {', '.join(missing)}"
    if rule.fix.value != "none":
        assert sections.get("Fix safety"), f"{rule.code} has a fix but no 'Fix safety' section"


def test_codes_and_slugs_are_unique() -> None:
    slugs = [rule.slug for rule in RULES]
    assert len(slugs) == len(set(slugs))


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_has_fixtures(rule: type[Rule]) -> None:
    folder = FIXTURES / rule.code
    assert folder.is_dir(), f"{rule.code} has no fixture folder tests/fixtures/{rule.code}/"
    expectations = read_expectations(folder, rule.code)
    assert expectations.expected, f"{rule.code}: the fixtures expect no finding (add `# $ {rule.code}` lines)"
    assert expectations.ok_lines, f"{rule.code}: the fixtures have no safe case (mark one with `# ok`)"


def test_every_fixture_folder_names_a_rule() -> None:
    codes = {rule.code for rule in RULES}
    strays = [p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name not in codes]
    assert not strays, f"fixture folders for unknown rules: {strays}"
