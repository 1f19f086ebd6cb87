"""`bastion rule` finds a rule by its code, its slug, or the bandit/ruff id it covers."""

from __future__ import annotations

from click.testing import CliRunner

from bastion.api.catalogue import find_rules
from bastion.cli.main import cli
from bastion.rules import load_all


def test_find_rules_by_code_slug_and_peer_id() -> None:
    assert [rule.code for rule in find_rules("PAT301")] == ["PAT301"]
    assert [rule.code for rule in find_rules("subprocess-shell-true")] == ["PAT301"]
    assert [rule.code for rule in find_rules("b602")] == ["PAT301", "TNT102"]
    assert [rule.code for rule in find_rules("S608")] == [r.code for r in load_all() if "S608" in r.ruff]
    assert find_rules("S608"), "ruff's SQL rule is covered"
    assert find_rules("B999") == [] and find_rules("NOPE123") == []


def test_rule_command_prints_every_rule_covering_a_peer_id() -> None:
    runner = CliRunner()
    bandit = runner.invoke(cli, ["rule", "B602"])
    assert bandit.exit_code == 0
    assert bandit.output.startswith("B602 is covered by 2 rules: PAT301, TNT102")
    assert "# PAT301: subprocess-shell-true" in bandit.output and "# TNT102:" in bandit.output
    single = runner.invoke(cli, ["rule", "S101"])
    assert single.exit_code == 0 and single.output.startswith("# PAT809: ")
    unknown = runner.invoke(cli, ["rule", "B999"])
    assert unknown.exit_code == 2 and "no bastion rule covers" in unknown.output
    assert "no bastion rule covers" not in runner.invoke(cli, ["rule", "NOPE123"]).output
