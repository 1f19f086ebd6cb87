"""The HTML report in a real browser (headless Chromium): counts, every filter, search, sort, grouping, a taint
path, deep links, no JavaScript, printing, and a project that tries to run a script in the report."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page

from bastion.api.config_loader import find_project_root
from tests.report.conftest import EXAMPLE_APP

# Collects what a page must never do: CSP violations (the report's own script and style are allowed by hash, so a
# violation means something else tried to run or load) and script errors.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""
VISIBLE = "article.finding:not([hidden])"


class Watched:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"console {message.type}: {message.text}")

    def violations(self) -> list[str]:
        found: list[str] = self.page.evaluate("() => window.__violations || []")
        return found

    def assert_quiet(self) -> None:
        assert not self.dialogs, f"a dialog opened: {self.dialogs}"
        assert not self.violations(), f"Content-Security-Policy violations: {self.violations()}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture
def open_report(browser: Browser) -> Iterator[Any]:
    contexts = []

    def open_(report: Path, fragment: str = "", *, javascript: bool = True) -> Watched:
        context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        context.add_init_script(WATCH)
        page = context.new_page()
        watched = Watched(page)
        page.goto(report.as_uri() + fragment)
        return watched

    yield open_
    for context in contexts:
        context.close()


def _visible(page: Page, attribute: str) -> list[str]:
    values: list[str] = page.eval_on_selector_all(VISIBLE, f"(nodes) => nodes.map((n) => n.dataset.{attribute})")
    return values


def _count_visible(page: Page) -> int:
    return page.locator(VISIBLE).count()


def test_counts_match_the_scan(open_report: Any, example_report: Path, example_json: dict[str, Any]) -> None:
    watched = open_report(example_report)
    page = watched.page
    summary = example_json["summary"]
    assert page.title() == f"bastion report: {find_project_root(EXAMPLE_APP).name}"
    for label, count in summary["by_severity"].items():
        assert page.locator(f'[data-severity-count="{label}"] .count').inner_text() == str(count)
    assert page.locator("#total-count").inner_text() == str(summary["findings"])
    assert _count_visible(page) == summary["findings"]
    assert page.locator("#shown").inner_text() == f"Showing {summary['findings']} of {summary['findings']} findings"
    for family, count in summary["by_family"].items():
        row = page.locator(f'table.by-family tr[data-family="{family}"] td').last
        assert row.inner_text() == str(count)
        assert page.locator(f'svg.chart g[data-family="{family}"] rect').count() >= 1
    assert page.locator("#checklist tbody tr").count() > 0
    watched.assert_quiet()


@pytest.mark.parametrize(
    ("control", "attribute", "value"),
    [
        ("severity", "severity", "high"),
        ("family", "family", "TNT"),
        ("rule", "rule", "DEP101"),
        ("file", "file", "settings.py"),
        ("confidence", "confidence", "medium"),
    ],
)
def test_each_filter_keeps_exactly_its_findings(
    open_report: Any, example_report: Path, example_json: dict[str, Any], control: str, attribute: str, value: str
) -> None:
    watched = open_report(example_report)
    page = watched.page
    keys = {"family": "family", "rule": "code", "file": "path", "severity": "severity", "confidence": "confidence"}
    if control == "file":
        value = next(f["path"] for f in example_json["findings"] if f["path"].endswith("/" + value))
    page.select_option(f"#filter-{control}", value)
    expected = sum(1 for finding in example_json["findings"] if finding[keys[control]] == value)
    assert expected > 0
    assert set(_visible(page, attribute)) == {value}
    assert _count_visible(page) == expected
    assert page.locator("#shown").inner_text() == f"Showing {expected} of {len(example_json['findings'])} findings"
    # Groups left empty by the filter are hidden with their heading.
    for group in page.locator("#findings-list > section.group").all():
        assert group.is_hidden() == (group.locator(VISIBLE).count() == 0)
    page.click("button[type=reset]")
    page.wait_for_function(
        "([selector, total]) => document.querySelectorAll(selector).length === total",
        arg=[VISIBLE, len(example_json["findings"])],
    )
    watched.assert_quiet()


def test_filters_combine_and_search_matches_text(
    open_report: Any, example_report: Path, example_json: dict[str, Any]
) -> None:
    watched = open_report(example_report)
    page = watched.page
    page.fill("#filter-q", "md5")
    visible_rules = _visible(page, "rule")
    assert "PAT402" in visible_rules
    for article in page.locator(VISIBLE).all():
        assert "md5" in article.inner_text().lower()
    # Terms must all match, in any order; nothing matches nonsense.
    page.fill("#filter-q", "cursor execute")
    expected = {f["fingerprint"] for f in example_json["findings"] if "cursor.execute" in f["message"]}
    shown = set(page.eval_on_selector_all(VISIBLE, "(nodes) => nodes.map((n) => n.id.slice(8))"))
    assert expected and expected <= shown
    page.select_option("#filter-severity", "high")
    assert set(_visible(page, "severity")) == {"high"}
    for article in page.locator(VISIBLE).all():
        text = article.inner_text().lower()
        assert "cursor" in text and "execute" in text
    page.fill("#filter-q", "no such text anywhere in the report")
    assert _count_visible(page) == 0
    assert page.locator("#shown").inner_text().startswith("Showing 0 of")
    watched.assert_quiet()


def test_sort_and_group(open_report: Any, example_report: Path, example_json: dict[str, Any]) -> None:
    watched = open_report(example_report)
    page = watched.page
    rank = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
    page.select_option("#filter-group", "none")
    page.select_option("#filter-sort", "severity")
    severities = [rank[label] for label in _visible(page, "severity")]
    assert severities == sorted(severities, reverse=True)
    assert page.locator("#findings-list > section.group > h3").count() == 0
    page.select_option("#filter-group", "rule")
    titles = page.locator("#findings-list > section.group > h3 code").all_inner_texts()
    assert titles == sorted(titles) == sorted(Counter(f["code"] for f in example_json["findings"]))
    for group in page.locator("#findings-list > section.group").all():
        code = group.locator("h3 code").inner_text()
        rules = group.locator("article.finding").evaluate_all("(nodes) => nodes.map((n) => n.dataset.rule)")
        assert set(rules) == {code}
    page.select_option("#filter-sort", "location")
    page.select_option("#filter-group", "file")
    files = page.locator("#findings-list > section.group > h3 code").all_inner_texts()
    assert files == sorted({f["path"] for f in example_json["findings"]})
    assert _count_visible(page) == len(example_json["findings"])
    watched.assert_quiet()


def test_taint_path_opens_with_a_code_line_per_step(
    open_report: Any, example_report: Path, example_json: dict[str, Any]
) -> None:
    watched = open_report(example_report)
    page = watched.page
    taint = next(f for f in example_json["findings"] if f["code"] == "TNT101" and len(f["flow"]) > 3)
    article = page.locator(f"#finding-{taint['fingerprint']}")
    steps = article.locator("ol.flow > li")
    assert steps.first.is_hidden()
    article.locator("details.flow-fold > summary").click()
    assert steps.count() == len(taint["flow"])
    for position, step in enumerate(taint["flow"]):
        item = steps.nth(position)
        assert item.is_visible()
        assert f"{step['path']}:{step['line']}" in item.inner_text()
        line = item.locator("table.code th").inner_text()
        assert line.strip() == str(step["line"])
    # The finding's own excerpt: numbered lines around it, its own line highlighted.
    hit = article.locator(".excerpt tr.hit th")
    assert hit.inner_text().split()[0] == str(taint["line"])
    assert article.locator(".excerpt tr").count() >= 3
    watched.assert_quiet()


def test_deep_link_reveals_the_finding(open_report: Any, example_report: Path, example_json: dict[str, Any]) -> None:
    target = next(f for f in example_json["findings"] if f["code"] == "TNT101")
    watched = open_report(example_report, f"#finding-{target['fingerprint']}")
    page = watched.page
    article = page.locator(f"#finding-{target['fingerprint']}")
    assert article.is_visible()
    box = article.bounding_box()
    assert box is not None and 0 <= box["y"] < 900, "the linked finding is not scrolled into view"
    assert page.evaluate("() => document.querySelector(':target') && document.querySelector(':target').id") == (
        f"finding-{target['fingerprint']}"
    )
    # A link to a finding the filters hide (here from the checklist) clears the filters.
    page.select_option("#filter-severity", "info")
    assert article.is_hidden()
    page.click(f"#checklist a[href='#finding-{target['fingerprint']}']")
    page.wait_for_function("(id) => !document.getElementById(id).hidden", arg=f"finding-{target['fingerprint']}")
    assert page.input_value("#filter-severity") == ""
    box = article.bounding_box()
    assert box is not None and 0 <= box["y"] < 900, "the linked finding is not scrolled into view"
    # A link to a rule's documentation opens its fold.
    page.evaluate("() => { window.location.hash = 'rule-tnt101'; }")
    page.wait_for_function("() => document.getElementById('rule-tnt101').open")
    assert page.locator("#rule-tnt101 h3").first.inner_text() == "What it does"
    watched.assert_quiet()


def test_without_javascript_every_finding_is_listed(
    open_report: Any, example_report: Path, example_json: dict[str, Any]
) -> None:
    watched = open_report(example_report, javascript=False)
    page = watched.page
    assert page.locator("article.finding").count() == len(example_json["findings"])
    assert _count_visible(page) == len(example_json["findings"])
    assert page.locator("#filters").is_hidden()
    assert page.locator("noscript").count() == 1
    # Folds still open by hand.
    page.locator("details.flow-fold > summary").first.click()
    assert page.locator("details.flow-fold ol.flow").first.is_visible()


def test_keyboard_and_print(open_report: Any, example_report: Path, example_json: dict[str, Any]) -> None:
    watched = open_report(example_report)
    page = watched.page
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.id") == "filter-q"
    page.keyboard.type("sql")
    assert 0 < _count_visible(page) < len(example_json["findings"])
    # A fold opens from the keyboard.
    fold = page.locator(f"{VISIBLE} details.about").first
    fold.locator("summary").focus()
    page.keyboard.press("Enter")
    assert fold.evaluate("(node) => node.open")
    assert fold.locator("p").first.is_visible()
    # Every control has a label.
    unlabelled = page.eval_on_selector_all(
        "#filters select, #filters input",
        "(nodes) => nodes.filter((n) => !document.querySelector(`label[for='${n.id}']`)).map((n) => n.name)",
    )
    assert unlabelled == []
    page.emulate_media(media="print")
    assert page.locator("#filters").is_hidden()
    page.emulate_media(media="screen")
    # Printing opens every fold, and closes again those that were closed.
    closed = page.locator("details:not([open])").count()
    assert closed > 0
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details:not([open])").count() == 0
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("details:not([open])").count() == closed
    watched.assert_quiet()


def test_a_browser_that_cannot_start_is_a_clear_failure(tmp_path: Path) -> None:
    """Run apart (one Playwright per thread, and this session's is busy): a missing or broken Chromium is an
    error that says what is wrong and how to install it."""
    not_a_browser = tmp_path / "chromium"
    not_a_browser.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    not_a_browser.chmod(0o755)
    probe = (
        "import sys\n"
        "from tests.report.browser import BrowserUnavailable, chromium\n"
        "try:\n"
        "    with chromium(sys.argv[1]):\n"
        "        pass\n"
        "except BrowserUnavailable as error:\n"
        "    print(error)\n"
    )
    root = Path(__file__).resolve().parents[2]
    for executable, expected in ((tmp_path / "nothing", "no Chromium at"), (not_a_browser, "did not start")):
        completed = subprocess.run(
            [sys.executable, "-c", probe, str(executable)], cwd=root, capture_output=True, text=True, timeout=120
        )
        assert expected in completed.stdout and "apt-get install -y chromium" in completed.stdout, completed
