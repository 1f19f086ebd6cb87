"""Reports of real scans for the HTML tests: the vulnerable example app, and a project that attacks the report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser

from bastion.cli.main import cli
from tests.conftest import OSV_TEST_DATA
from tests.report.browser import BrowserUnavailable, chromium

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_APP = ROOT / "examples" / "vulnerable-flask-app"
HOSTILE_NAME = "<img src=x onerror=alert(1)>.py"
HOSTILE_TEXT = "</script><script>alert(1)</script>"
# A file that does not parse: its name reaches the report through the "not analysed" finding (BST103).
BROKEN_NAME = "\"'><svg onload=alert(2)>.py"
# A link out of the tree: its name reaches the report through a notice.
LINK_NAME = "<b onmouseover=alert(3)>link"


def cli_report(project: Path, output: Path, *extra: str, command: str = "scan") -> Path:
    """Run `bastion <command> PROJECT -f html -o OUTPUT` in-process; the report must be written (exit 0 or 1)."""
    arguments = [command, str(project), "--no-progress", "--isolated", "--db", str(OSV_TEST_DATA), "-f", "html"]
    result = CliRunner().invoke(cli, [*arguments, "-o", str(output), *extra])
    assert result.exit_code in (0, 1), result.output
    assert output.is_file(), result.output
    return output


def cli_json(project: Path, *extra: str) -> dict[str, Any]:
    arguments = ["scan", str(project), "--no-progress", "--isolated", "--db", str(OSV_TEST_DATA), "-f", "json"]
    result = CliRunner().invoke(cli, [*arguments, *extra])
    assert result.exit_code in (0, 1), result.output
    document: dict[str, Any] = json.loads(result.output)
    return document


def write_hostile_project(folder: Path) -> Path:
    """A project whose file names and code try to script the report, and a suppressed and a broken file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / HOSTILE_NAME).write_text(
        f"import os\n\n\ndef run(arg):\n    os.system({HOSTILE_TEXT!r} + arg)\n",
        encoding="utf-8",
    )
    (folder / "quiet.py").write_text(
        "import pickle\n\n\ndef load(blob):\n    return pickle.loads(blob)  # bastion: ignore[PAT] reviewed\n",
        encoding="utf-8",
    )
    (folder / BROKEN_NAME).write_text(f"def broken(:\n    {HOSTILE_TEXT}\n", encoding="utf-8")
    (folder / "<!--.txt").write_text("x\u2028y\u2029z -->\n", encoding="utf-8")
    (folder / LINK_NAME).symlink_to("/")
    return folder


@pytest.fixture(scope="session")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cli_report(EXAMPLE_APP, tmp_path_factory.mktemp("example-report") / "report.html")


@pytest.fixture(scope="session")
def example_json() -> dict[str, Any]:
    return cli_json(EXAMPLE_APP)


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = write_hostile_project(tmp_path_factory.mktemp("hostile") / "attack")
    return cli_report(project, tmp_path_factory.mktemp("hostile-report") / "report.html")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the session. No browser is a failure with the reason, never a silent skip."""
    try:
        with chromium() as started:
            yield started
    except BrowserUnavailable as error:
        pytest.fail(f"the HTML report's browser tests need Chromium: {error}", pytrace=False)
