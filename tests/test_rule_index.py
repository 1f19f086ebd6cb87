"""The rule index (`bastion/rules/index.py`): up to date, and what lets a scan import only the rules it runs.

Start-up time is measured by `bench/startup.py`, not here; these tests check what it rests on, in fresh
processes: which modules a `--select SEC` scan imports, and that every rule is still found by code and listed.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from bastion.rules import RuleEntry, load_all, rule_entries
from bastion.rules.index import RULES

ROOT = Path(__file__).resolve().parents[1]


def _script_index() -> str:
    spec = importlib.util.spec_from_file_location("bastion_rule_docs_for_index", ROOT / "scripts" / "rule_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    text: str = module.rule_index(load_all())
    return text


def test_the_index_is_up_to_date() -> None:
    written = (ROOT / "src" / "bastion" / "rules" / "index.py").read_text(encoding="utf-8")
    assert written == _script_index(), "run `python scripts/rule_docs.py`"


def test_the_index_names_every_rule_and_its_module() -> None:
    rules = load_all()
    assert sorted(RULES) == [rule.code for rule in rules]
    for rule in rules:
        assert RULES[rule.code] == (rule.__module__, rule.default_enabled)
    assert rule_entries()[0] == RuleEntry("BST001", RULES["BST001"][0], RULES["BST001"][1])


def _fresh(code: str, tmp_path: Path) -> dict[str, object]:
    """Run `code` in a new interpreter (with a temporary cache) and return the JSON it prints last."""
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={"BASTION_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    answer: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    return answer


SCAN_AND_LIST_MODULES = """
import json, sys
from click.testing import CliRunner
from bastion.cli.main import cli
open("settings.py", "w").write("import os\\nTOKEN = os.environ['TOKEN']\\n")
outcome = CliRunner().invoke(cli, ["scan", "--no-progress", "--isolated", *{options}, "settings.py"])
print(json.dumps({{"exit": outcome.exit_code, "output": outcome.output, "modules": sorted(sys.modules)}}))
"""


def test_a_secrets_scan_imports_only_the_secrets_and_meta_rules(tmp_path: Path) -> None:
    answer = _fresh(SCAN_AND_LIST_MODULES.format(options=["--select", "SEC"]), tmp_path)
    assert answer["exit"] == 0, answer["output"]
    modules = set(answer["modules"])  # type: ignore[call-overload]
    rule_modules = {name for name in modules if name.startswith("bastion.rules.") and name.count(".") >= 3}
    assert rule_modules, "the selected rules were loaded"
    assert all(name.split(".")[2] in ("secrets", "meta") for name in rule_modules), sorted(rule_modules)
    # Nor the engines and libraries of the other families, the other formats or the other commands.
    for heavy in ("bastion.taint", "bastion.concepts", "bastion.deps.advisory", "bastion.fix", "bastion.report.html"):
        assert heavy not in modules, heavy
    for library in ("libcst", "jinja2", "httpx", "pygit2", "markdown_it", "multiprocessing", "pydantic"):
        assert library not in modules, library


def test_a_scan_of_every_rule_still_loads_them_all(tmp_path: Path) -> None:
    answer = _fresh(SCAN_AND_LIST_MODULES.format(options=[]), tmp_path)
    assert answer["exit"] == 0, answer["output"]
    loaded = {name for name in answer["modules"] if name.startswith("bastion.rules.")}  # type: ignore[attr-defined]
    on_by_default = {module for module, enabled in RULES.values() if enabled}
    assert on_by_default <= loaded
    assert not {module for module, enabled in RULES.values() if not enabled} & loaded  # opt-in rules stay out


def test_a_rule_is_found_by_code_without_loading_the_others(tmp_path: Path) -> None:
    code = """
import json, sys
from bastion.core.rule import get_rule
import bastion.rules
rule = get_rule("pat101")
print(json.dumps({"code": rule.code, "taint": any(m.startswith("bastion.rules.taint.") for m in sys.modules)}))
"""
    assert _fresh(code, tmp_path) == {"code": "PAT101", "taint": False}


def test_rules_lists_every_rule_in_a_fresh_process(tmp_path: Path) -> None:
    code = """
import json
from click.testing import CliRunner
from bastion.cli.main import cli
outcome = CliRunner().invoke(cli, ["rules", "--format", "json"])
print(json.dumps({"codes": sorted(rule["code"] for rule in json.loads(outcome.output))}))
"""
    assert _fresh(code, tmp_path) == {"codes": sorted(RULES)}


def test_codes_named_without_importing_their_rule_are_right() -> None:
    from bastion.api.advisory_ignores import VULNERABLE_DEPENDENCY
    from bastion.rules.deps.vulnerable_dependency import VulnerableDependency

    assert VulnerableDependency.code == VULNERABLE_DEPENDENCY
