"""The engine: a rule that raises is reported and the scan goes on; project rules see every file's facts."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bastion.api import ScanOptions, scan
from bastion.core import rule as rule_registry
from bastion.core.config import BastionConfig
from bastion.core.finding import Finding, Location
from bastion.core.severity import Severity
from bastion.rules.base import AstRule, FactCollector, ModuleContext, ProjectContext, ProjectRule
from bastion.semantic.module import PythonModule
from tests.foundation.conftest import write_tree


@pytest.fixture
def temporary_rules() -> Iterator[None]:
    before = dict(rule_registry._REGISTRY)
    yield
    rule_registry._REGISTRY.clear()
    rule_registry._REGISTRY.update(before)


def _scan(folder: Path, select: list[str]) -> Any:
    config = BastionConfig.model_validate({"select": select})
    return scan([folder], ScanOptions(config=config, root=folder, jobs=1))


def test_a_crashing_rule_becomes_a_notice_and_the_scan_goes_on(tmp_path: Path, temporary_rules: None) -> None:
    class Crashes(AstRule):
        """Test rule."""

        code = "BST901"
        slug = "test-crash"
        summary = "crashes"
        cwe = (1,)
        fix_hint = "none"
        node_types = (ast.Call,)
        callees = frozenset({"builtins.print"})

        def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
            raise KeyError("boom")

    project = write_tree(
        tmp_path / "p", {"a.py": "print(1)\nprint(2)\n", "b.py": "import os\nos.system(x)\nprint(3)\n"}
    )
    result = _scan(project, ["BST901", "PAT302"])
    crashes = [n for n in result.notices if n.kind.value == "internal-error"]
    assert {n.path for n in crashes} == {"a.py", "b.py"}, "one notice per rule and file"
    assert all("BST901" in n.message and "KeyError" in n.message for n in crashes)
    assert [f.code for f in result.findings] == ["PAT302"], "other rules still ran"
    assert result.incomplete and result.exit_code(Severity.LOW) == 2


def test_project_rules_receive_facts_from_every_file(tmp_path: Path, temporary_rules: None) -> None:
    class CountFunctions(FactCollector):
        name = "test-count-functions"

        def collect_module(self, module: PythonModule) -> Any:
            return sum(isinstance(node, ast.FunctionDef) for node in ast.walk(module.tree))

    class TooManyFunctions(ProjectRule):
        """Test rule."""

        code = "BST902"
        slug = "test-project"
        summary = "project"
        cwe = (1,)
        fix_hint = "none"
        collectors = (CountFunctions,)

        def check_project(self, project: ProjectContext) -> Iterator[Finding]:
            counts = project.facts_of(CountFunctions)
            total = sum(counts.values())
            yield project.finding(self, Location("a.py", 1), f"{total} functions in {len(counts)} files")

    files = {f"m{n:02d}.py": "def f():\n    pass\n" * (n % 3 + 1) for n in range(30)}
    files["a.py"] = "x = 1\n"
    project = write_tree(tmp_path / "p", files)
    # jobs=1 only: worker processes import bastion's own rules, not rules defined inside a test.
    config = BastionConfig.model_validate({"select": ["BST902"]})
    result = scan([project], ScanOptions(config=config, root=project, jobs=1))
    assert [f.message for f in result.findings] == ["60 functions in 31 files"]


def test_rules_that_are_not_selected_do_not_run(tmp_path: Path) -> None:
    project = write_tree(tmp_path / "p", {"a.py": "import os\nos.system(x)\neval(x)\n"})
    result = _scan(project, ["PAT101"])
    # The BST1xx rules (what was not analysed) run whatever the selection; nothing else does.
    assert {r.code for r in result.rules if not r.code.startswith("BST1")} == {"PAT101"}
    assert [f.code for f in result.findings] == ["PAT101"]


def test_a_taint_finding_supersedes_the_pattern_finding_on_its_line(tmp_path: Path) -> None:
    project = write_tree(
        tmp_path / "p",
        {
            "app.py": """\
                import os
                from flask import Flask, request

                app = Flask(__name__)


                @app.route("/ping")
                def ping():
                    os.system("ping " + request.args["host"])
                    os.system("ping " + os.environ.get("HOST", "localhost"))
                    return "ok"
                """
        },
    )
    result = _scan(project, ["PAT302", "TNT102"])
    assert [(f.location.line, f.code) for f in result.findings] == [(9, "TNT102"), (10, "PAT302")]
    alone = _scan(project, ["PAT302"])
    assert [(f.location.line, f.code) for f in alone.findings] == [(9, "PAT302"), (10, "PAT302")]
