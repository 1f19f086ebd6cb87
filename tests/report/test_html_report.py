"""The HTML report as a document: self-contained, locked down by its CSP, escaped, no absolute path, complete
without JavaScript; and the pieces it is made of (message markup, rule docs, chart, colours)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from bastion.core.finding import Finding, Location
from bastion.core.severity import Confidence, Severity
from bastion.report.html import content_security_policy, csp_hash
from bastion.report.html_chart import BAR_AREA, family_chart
from bastion.report.markup import markdown_html, markdown_inline_html, message_html
from tests.report.conftest import BROKEN_NAME, EXAMPLE_APP, HOSTILE_NAME, HOSTILE_TEXT, cli_report

CSS = Path(__file__).resolve().parents[2] / "src" / "bastion" / "report" / "static" / "report.css"


class Page(HTMLParser):
    """Every tag and attribute of a page, and the text of its inline scripts and style sheets."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.inline:
            self._in = tag
            self.inline[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self.inline[self._in][-1] += data

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture(scope="module")
def example_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    return cli_report(EXAMPLE_APP, tmp_path_factory.mktemp("html") / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    from tests.report.conftest import write_hostile_project

    project = write_hostile_project(tmp_path_factory.mktemp("hostile-static") / "attack")
    page = cli_report(project, tmp_path_factory.mktemp("hostile-out") / "report.html").read_text(encoding="utf-8")
    return page, project


def _csp(page: Page) -> str:
    metas = [m for m in page.all("meta") if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(metas) == 1
    return metas[0]["content"] or ""


def test_csp_allows_only_the_page_own_style_and_script(example_page: str) -> None:
    page = Page(example_page)
    policy = _csp(page)
    assert "default-src 'none'" in policy and "base-uri 'none'" in policy and "form-action 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    (style,) = page.inline["style"]
    (script,) = page.inline["script"]
    assert f"style-src {csp_hash(style)};" in policy
    assert f"script-src {csp_hash(script)};" in policy
    # The policy comes before anything it governs.
    names = [name for name, _ in page.tags]
    assert names.index("meta") < names.index("style")
    assert example_page.index("Content-Security-Policy") < example_page.index("<style>")


def test_page_is_self_contained(example_page: str) -> None:
    page = Page(example_page)
    assert not page.all("link") and not page.all("img") and not page.all("iframe")
    for _, attributes in page.tags:
        assert "src" not in attributes and "style" not in attributes
        assert not [name for name in attributes if name.startswith("on")], attributes
        for value in attributes.values():
            assert not (value or "").lower().startswith(("javascript:", "data:"))
    # Links out of the report are plain links (CWE pages, references in the rule docs), never loads.
    external = [a["href"] for a in page.all("a") if (a.get("href") or "").startswith("http")]
    assert any(href.startswith("https://cwe.mitre.org/") for href in external)
    assert all(href.startswith("https://") for href in external)
    assert len(example_page) < 600_000


def test_no_absolute_path_and_project_named_by_its_folder(hostile_page: tuple[str, Path]) -> None:
    text, project = hostile_page
    assert str(project) not in text and str(project.parent) not in text
    assert "<title>bastion report: attack</title>" in text


def test_project_text_is_escaped_everywhere(hostile_page: tuple[str, Path]) -> None:
    text, _ = hostile_page
    page = Page(text)
    assert len(page.all("script")) == 1 and not page.all("img")
    assert len(page.all("svg")) == 1  # the chart
    assert HOSTILE_TEXT not in text and "<img src=x" not in text and "<svg onload" not in text
    # Shown as text: in the finding, in its file filter, in attributes, in the notice of the file that broke.
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert 'data-file="&lt;img src=x onerror=alert(1)&gt;.py"' in text
    assert any(a.get("value") == HOSTILE_NAME for a in page.all("option"))
    assert any(a.get("data-file") == HOSTILE_NAME for a in page.all("article"))
    assert "&#34;&#39;&gt;&lt;svg onload=alert(2)&gt;.py" in text
    assert "&lt;b onmouseover=alert(3)&gt;link" in text and "<b onmouseover" not in text
    (script,) = page.inline["script"]
    assert "alert" not in script
    # Nothing from the project inside the inline script or style sheet, where escaping does not apply.
    assert BROKEN_NAME not in script and HOSTILE_NAME not in script


def test_every_finding_is_in_the_page_without_script(example_page: str, example_json: dict[str, Any]) -> None:
    page = Page(example_page)
    articles = page.all("article")
    assert [a["id"] for a in articles] == [f"finding-{f['fingerprint']}" for f in example_json["findings"]]
    # No finding starts hidden, the filter form does (the script shows it).
    assert not [a for a in articles if "hidden" in a]
    form = next(attrs for attrs in page.all("form") if attrs.get("id") == "filters")
    assert "hidden" in form


def test_checklist_page_has_no_script(tmp_path: Path) -> None:
    report = cli_report(EXAMPLE_APP, tmp_path / "checklist.html", command="checklist")
    text = report.read_text(encoding="utf-8")
    page = Page(text)
    assert not page.inline["script"]
    assert "script-src 'none'" in _csp(page)
    statuses = {a.get("class") for a in page.all("span") if (a.get("class") or "").startswith("badge st-")}
    assert {"badge st-pass", "badge st-fail", "badge st-unknown"} <= statuses
    assert "Pre-deployment security checklist" in text and "<article" not in text
    assert '<div class="decided">Decided by <code>SEC</code> rules, <code>CFG102</code>' in text
    # An item with many findings lists three and folds the rest.
    folds = 0
    for row in re.findall(r'<tr id="check-.*?</tr>', text, re.S):
        lists = re.findall(r'<ul class="check-findings">(.*?)</ul>', row, re.S)
        folded = re.search(r"<summary>(\d+) more findings?</summary>", row)
        if folded:
            folds += 1
            assert lists[0].count("<li>") == 3 and lists[1].count("<li>") == int(folded.group(1))
        elif lists:
            assert lists[0].count("<li>") <= 3
    assert folds


def test_per_family_command_report_has_no_checklist(tmp_path: Path) -> None:
    report = cli_report(EXAMPLE_APP, tmp_path / "secrets.html", command="secrets")
    text = report.read_text(encoding="utf-8")
    assert 'id="checklist"' not in text and 'data-rule="SEC' in text


def test_message_markup() -> None:
    assert str(message_html("call `eval(x)` on <b>")) == "call <code>eval(x)</code> on &lt;b&gt;"
    assert str(message_html("`</code><script>`")) == "<code>&lt;/code&gt;&lt;script&gt;</code>"
    assert str(message_html("odd ` tick and `code`")) == "odd <code> tick and </code>code`"
    assert str(message_html("no ticks & <i>")) == "no ticks &amp; &lt;i&gt;"
    assert str(message_html("")) == ""


def test_rule_docs_markdown_cannot_carry_html() -> None:
    html = str(markdown_html("## What it does\nUse `x` <script>alert(1)</script>\n\n[ref](https://example.org)"))
    assert "<h4>What it does</h4>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">ref</a>' in html
    assert "<h3>" in str(markdown_html("## A", heading_level=3))
    assert str(markdown_inline_html("a `b` [c](javascript:alert(1))")).startswith("a <code>b</code> [c](javascript")


def _finding(code: str, severity: Severity) -> Finding:
    return Finding(code, "m", Location("a.py", 1), severity, Confidence.HIGH)


def test_chart_bars_are_proportional() -> None:
    findings = [_finding("PAT101", Severity.HIGH)] * 3 + [_finding("PAT102", Severity.LOW)]
    findings += [_finding("TNT101", Severity.CRITICAL)] * 2
    chart = family_chart(findings)
    assert [bar.family for bar in chart.bars] == ["PAT", "TNT"]
    pat, tnt = chart.bars
    assert [(s.severity, s.count) for s in pat.segments] == [("high", 3), ("low", 1)]
    assert sum(s.width for s in pat.segments) == pytest.approx(BAR_AREA)
    assert sum(s.width for s in tnt.segments) == pytest.approx(BAR_AREA / 2)
    assert pat.segments[1].x == pytest.approx(pat.segments[0].x + pat.segments[0].width)
    assert chart.description() == "Findings per family: PAT pattern 4 (3 high, 1 low); TNT taint 2 (2 critical)."
    assert family_chart([]).bars == () and family_chart([]).description() == "No findings."


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_badge_and_text_colours_have_enough_contrast() -> None:
    """WCAG AA: 4.5:1 for text. Badges carry white text on their colour; text sits on white and the code grey."""
    variables = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6});", CSS.read_text(encoding="utf-8")))
    white = _luminance("#ffffff")
    for name in ("critical", "high", "medium", "low", "info", "pass", "fail", "unknown", "text", "muted", "link"):
        colour = _luminance(variables[name])
        assert (white + 0.05) / (colour + 0.05) >= 4.5, name
        on_subtle = (_luminance(variables["subtle"]) + 0.05) / (colour + 0.05)
        assert on_subtle >= 4.5, f"{name} on the code background"
    assert (_luminance(variables["hit"]) + 0.05) / (_luminance(variables["text"]) + 0.05) >= 4.5


def test_policy_without_script_forbids_scripts() -> None:
    policy = content_security_policy(style="p{}", script=None)
    assert "script-src 'none'" in policy and csp_hash("p{}") in policy


def test_summary_counts_findings_held_back_in_tests(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "tests" / "test_run.py").write_text("import os\nos.system(input())\n", encoding="utf-8")
    (project / "app.py").write_text("import os\nos.system(input())\n", encoding="utf-8")
    text = cli_report(project, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "1 in test, CI, docs or example code held back" in text
    assert Page(text).all("article")[0]["data-file"] == "app.py" and len(Page(text).all("article")) == 1


def test_a_fix_bastion_can_apply_says_so(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "load.py").write_text("import yaml\n\n\ndef read(s):\n    return yaml.load(s)\n", encoding="utf-8")
    text = cli_report(project, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<strong>Fix:</strong>" in text
    assert "(<code>bastion fix</code> does it: Use <code>yaml.safe_load</code>)" in text
