"""Checklist evaluation: how findings, suppressions, missing rules and incomplete audits decide an item."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from bastion.api import ScanOptions, scan
from bastion.api.checklist import ITEMS, evaluate_checklist
from bastion.cli.main import cli
from bastion.core.config import BastionConfig
from bastion.core.finding import Finding, Location
from bastion.core.notice import Notice, NoticeKind
from bastion.core.result import ScanResult
from bastion.core.severity import Confidence, Severity
from bastion.report.checklist import render_checklist_json, render_checklist_markdown
from bastion.report.checklist_model import ItemStatus
from tests.conftest import OSV_TEST_DATA, make_services

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ITEM_BY_ID = {item.id: item for item in ITEMS}


def _scan(folder: Path, **config: object) -> ScanResult:
    options = ScanOptions(
        config=BastionConfig.model_validate(config), root=folder, jobs=1, services=make_services(), keep_facts=True
    )
    return scan([folder], options)


def _finding(code: str) -> Finding:
    return Finding(code, "m", Location("x.py", 3), Severity.HIGH, Confidence.HIGH)


def _item(checklist, item_id):  # type: ignore[no-untyped-def]
    return next(item for item in checklist.items if item.id == item_id)


def test_items_have_unique_ids_and_a_manual_check() -> None:
    assert len(ITEM_BY_ID) == len(ITEMS)
    for item in ITEMS:
        assert item.verify and item.title


def test_suppressed_finding_makes_the_item_unknown(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(
        'INSTALLED_APPS = ["django.contrib.auth"]\nDEBUG = True  # bastion: ignore[CFG101] staging only\n'
    )
    checklist = evaluate_checklist(_scan(tmp_path))
    item = _item(checklist, "no-debug")
    assert item.status is ItemStatus.UNKNOWN
    assert any("suppressed" in reason for reason in item.reasons)


def test_problem_of_an_unselected_rule_keeps_the_item_unknown(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text('INSTALLED_APPS = ["django.contrib.auth"]\nDEBUG = True\n')
    checklist = evaluate_checklist(_scan(tmp_path, ignore=["CFG101"]))
    item = _item(checklist, "no-debug")
    assert item.status is ItemStatus.UNKNOWN
    assert any("not reported" in reason for reason in item.reasons)


def test_absence_items_pass_only_when_a_covering_rule_ran(tmp_path: Path) -> None:
    (tmp_path / "tool.py").write_text("import subprocess\n\nsubprocess.run(['ls'])\n")
    checklist = evaluate_checklist(_scan(tmp_path))
    assert _item(checklist, "no-shell-with-input").status is ItemStatus.PASS
    assert "PAT301" in _item(checklist, "no-shell-with-input").evidence[0].text
    checklist = evaluate_checklist(_scan(tmp_path, ignore=["PAT3", "TNT102"]))
    item = _item(checklist, "no-shell-with-input")
    assert item.status is ItemStatus.UNKNOWN
    assert any("no rule" in reason for reason in item.reasons)


def test_unreachable_service_makes_dependencies_unknown_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    result = _scan(tmp_path)
    down = Notice(NoticeKind.SERVICE_UNAVAILABLE, "OSV could not be reached", "requirements.txt", rule="DEP101")
    result = replace(result, notices=[down])
    checklist = evaluate_checklist(result)
    item = _item(checklist, "dependencies")
    assert item.status is ItemStatus.UNKNOWN
    assert item.decided_by.startswith("DEP101 could not run") and "OSV could not be reached" in item.decided_by
    assert checklist.exit_code == 2


def test_crashed_rule_makes_its_item_unknown(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    result = _scan(tmp_path)
    crash = Notice(NoticeKind.INTERNAL_ERROR, "internal error: ValueError: x", "app.py", rule="PAT301")
    checklist = evaluate_checklist(replace(result, notices=[crash]))
    assert _item(checklist, "no-shell-with-input").status is ItemStatus.UNKNOWN
    # The rule is read from the notice's field, never from its text.
    unrelated = Notice(NoticeKind.INTERNAL_ERROR, "internal error in PAT301 (SubprocessShell)", "app.py", rule="PAT999")
    assert (
        _item(evaluate_checklist(replace(result, notices=[unrelated])), "no-shell-with-input").status is ItemStatus.PASS
    )


def test_no_format_prints_a_secret() -> None:
    checklist = evaluate_checklist(_scan(EXAMPLES / "vulnerable-flask-app"))
    secret = "bookshelf-dev-key-do-not-use-" + "1234"  # bastion: ignore[SEC201] the example app's fake
    password = "changeme-not-a-real-" + "password"  # bastion: ignore[SEC201] the example app's fake
    for text in (render_checklist_json(checklist), render_checklist_markdown(checklist)):
        assert secret not in text and password not in text


def test_json_and_markdown_have_one_entry_per_item() -> None:
    checklist = evaluate_checklist(_scan(EXAMPLES / "hardened-flask-app"))
    document = json.loads(render_checklist_json(checklist))
    assert document["schema_version"] == 1
    assert [item["id"] for item in document["items"]] == [item.id for item in ITEMS]
    assert document["summary"]["fail"] == 0 and document["summary"]["exit_code"] == 0
    markdown = render_checklist_markdown(checklist)
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and ("PASS" in line or "UNKNOWN" in line)]
    assert len(rows) == len(ITEMS)


@pytest.mark.parametrize(("app", "code"), [("hardened-flask-app", 0), ("vulnerable-flask-app", 1)])
def test_cli_exit_codes(app: str, code: int, tmp_path: Path) -> None:
    output = tmp_path / "checklist.md"
    runner = CliRunner()
    outcome = runner.invoke(
        cli,
        [
            "checklist",
            str(EXAMPLES / app),
            "--isolated",
            "--no-progress",
            "--db",
            str(OSV_TEST_DATA),
            "-f",
            "markdown",
            "-o",
            str(output),
        ],
    )
    assert outcome.exit_code == code, outcome.output
    assert output.read_text(encoding="utf-8").startswith("## Pre-deployment security checklist")
    outcome = runner.invoke(
        cli, ["checklist", str(EXAMPLES / app), "--isolated", "--no-progress", "--db", str(OSV_TEST_DATA), "-f", "json"]
    )
    assert json.loads(outcome.output)["summary"]["exit_code"] == code


def test_cli_refuses_scan_only_formats() -> None:
    outcome = CliRunner().invoke(cli, ["checklist", ".", "-f", "sarif"])
    assert outcome.exit_code == 2
    assert "sarif" in outcome.output


def test_every_item_is_documented() -> None:
    documentation = (Path(__file__).resolve().parents[2] / "docs" / "cfg.md").read_text(encoding="utf-8")
    missing = [item.id for item in ITEMS if f"(`{item.id}`)" not in documentation]
    assert not missing, f"docs/cfg.md lacks the mapping of {missing}"
