"""The HTML report with many findings: render time and size, and with `--browser` how fast Chromium opens it and
applies a filter, a regrouping and a search.

    python bench/html_report.py                  # 5,000 findings (the example app's, copied into 70 packages)
    python bench/html_report.py --copies 10 --browser

Render time is CPU time of `render_html` (median of the runs); browser figures are wall-clock times of Playwright
calls, so they include its round trips (tens of milliseconds) and whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bastion.api import ScanOptions, scan  # noqa: E402
from bastion.core.result import ScanResult  # noqa: E402
from bastion.core.severity import Severity  # noqa: E402
from bastion.report.html import render_html  # noqa: E402
from tests.conftest import make_services  # noqa: E402

EXAMPLE = ROOT / "examples" / "vulnerable-flask-app"


def many_findings(copies: int) -> ScanResult:
    result = scan([EXAMPLE], ScanOptions(root=EXAMPLE, jobs=1, services=make_services(), excerpt_lines=2))
    findings = []
    for copy in range(copies):
        for finding in result.findings:
            location = dataclasses.replace(finding.location, path=f"pkg{copy:03d}/{finding.location.path}")
            findings.append(
                dataclasses.replace(finding, location=location, fingerprint=f"{copy:04d}{finding.fingerprint[4:]}")
            )
    return dataclasses.replace(result, findings=findings)


def spread(values: list[float]) -> str:
    return f"min {min(values):.2f}  median {statistics.median(values):.2f}  max {max(values):.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=70, help="copies of the example app's findings")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--browser", action="store_true", help="also time Chromium opening and filtering it")
    arguments = parser.parse_args()
    result = many_findings(arguments.copies)
    times, page = [], ""
    for _ in range(arguments.runs):
        started = time.process_time()
        page = render_html(result, threshold=Severity.LOW)
        times.append(time.process_time() - started)
    count = len(result.findings)
    print(f"{count:,} findings: {len(page) / 1e6:.1f} MB, {len(page) / count:,.0f} bytes each")
    print(f"render (CPU s): {spread(times)}")
    if arguments.browser:
        from tests.report.browser import chromium

        with tempfile.TemporaryDirectory() as folder, chromium() as browser:
            report = Path(folder) / "report.html"
            report.write_text(page, encoding="utf-8")
            steps: dict[str, list[float]] = {}
            for _ in range(arguments.runs):
                tab = browser.new_page()
                for name, action in (
                    ("open", lambda tab=tab: tab.goto(report.as_uri())),
                    ("filter severity", lambda tab=tab: tab.select_option("#filter-severity", "high")),
                    ("group by rule", lambda tab=tab: tab.select_option("#filter-group", "rule")),
                    ("search", lambda tab=tab: tab.fill("#filter-q", "cursor execute")),
                    ("clear", lambda tab=tab: tab.click("button[type=reset]")),
                ):
                    started = time.perf_counter()
                    action()
                    tab.evaluate("() => document.body.offsetHeight")
                    steps.setdefault(name, []).append(time.perf_counter() - started)
                tab.close()
            for name, values in steps.items():
                print(f"browser {name} (wall s): {spread(values)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
