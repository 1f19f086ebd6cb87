"""Take the README's screenshots of the HTML report of the vulnerable example app, with the browser tests' Chromium.

    python scripts/report_screenshot.py          # rewrite docs/report-summary.png and docs/report-finding.png

The example app is copied to a temporary folder first, so that the report is rooted at the app itself (its title
names `vulnerable-flask-app`, its paths start at `app/`), and scanned against the offline advisory data of the
tests, as the README's demo does.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bastion.cli.main import cli  # noqa: E402
from tests.report.browser import chromium  # noqa: E402

EXAMPLE = ROOT / "examples" / "vulnerable-flask-app"
ADVISORIES = ROOT / "tests" / "data" / "osv-pypi"
DOCS = ROOT / "docs"
VIEWPORT = {"width": 1200, "height": 1000}


def build_report(workspace: Path) -> Path:
    project = workspace / EXAMPLE.name
    shutil.copytree(EXAMPLE, project)
    report = workspace / "report.html"
    arguments = ["scan", str(project), "--isolated", "--no-progress", "--db", str(ADVISORIES), "-f", "html"]
    result = CliRunner().invoke(cli, [*arguments, "-o", str(report)])
    if result.exit_code not in (0, 1):
        raise SystemExit(f"the scan failed ({result.exit_code}):\n{result.output}")
    return report


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bastion-screenshot-") as folder:
        report = build_report(Path(folder))
        with chromium() as browser:
            page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
            page.goto(report.as_uri())
            page.screenshot(path=str(DOCS / "report-summary.png"))
            # A reviewer's view: the taint findings, one path from the request to the SQL query opened.
            page.select_option("#filter-family", "TNT")
            article = page.locator('article[data-rule="TNT101"]').first
            article.locator("details.flow-fold > summary").click()
            page.locator("#filters").scroll_into_view_if_needed()
            page.evaluate("() => document.getElementById('filters').scrollIntoView({block: 'start'})")
            page.screenshot(path=str(DOCS / "report-finding.png"))
    for name in ("report-summary.png", "report-finding.png"):
        print(f"wrote docs/{name} ({(DOCS / name).stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
