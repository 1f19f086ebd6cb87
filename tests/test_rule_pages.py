"""docs/rules/ is generated from the rule classes: one page per rule (SARIF's helpUri), an index; never stale."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from bastion.report.rule_pages import rule_page, rule_page_url, rules_index
from bastion.rules import load_all

ROOT = Path(__file__).resolve().parents[1]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bastion_rule_docs_script", ROOT / "scripts" / "rule_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_rule_page_is_generated_and_up_to_date() -> None:
    problems = _script().differences(_script().expected_pages())
    assert not problems, "\n".join(problems) + "\nrun `python scripts/rule_docs.py`"


def test_a_page_says_what_the_rule_is_and_links_resolve() -> None:
    rules = load_all()
    for rule in rules:
        page = rule_page(rule)
        assert page.startswith(f"# {rule.code}: {rule.slug}\n") and "## What it does" in page
        assert rule_page_url(rule).endswith(f"/docs/rules/{rule.code}.md")
        for code in rule.supersedes:
            assert (ROOT / "docs" / "rules" / f"{code}.md").is_file()
    index = rules_index(rules)
    assert all(f"[{rule.code}]({rule.code}.md)" in index for rule in rules)


def test_a_stale_page_is_caught(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    script = _script()
    pages = script.expected_pages()
    monkeypatch.setattr(script, "PAGES", tmp_path)
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert script.differences(pages) == []
    (tmp_path / "PAT301.md").write_text("# PAT301: an older page\n", encoding="utf-8")
    (tmp_path / "PAT000.md").write_text("# gone\n", encoding="utf-8")
    assert script.differences(pages) == [
        "docs/rules/PAT000.md is for no rule; remove it",
        "docs/rules/PAT301.md is out of date",
    ]
