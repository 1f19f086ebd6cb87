"""No secret is printed or written in full: every output format, the baseline, and other families' findings."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bastion.cli.main import cli
from bastion.core.finding import Finding, FlowStep, Location
from bastion.core.severity import Confidence, Severity
from bastion.secrets.redaction import redact, redact_spans, redact_values, secret_hash
from bastion.secrets.scrub import scrub, scrub_finding
from tests.secrets.tokens import PROVIDER_TOKENS, g, private_key, rand

GITHUB = PROVIDER_TOKENS["github-token"]
STRIPE = PROVIDER_TOKENS["stripe-live-key"]
RANDOM_PASSWORD = rand(22)
AUTH_TOKEN = rand(28)
KEY = private_key("RSA ")
PLANTED = [GITHUB, STRIPE, RANDOM_PASSWORD, AUTH_TOKEN, *KEY.split("\n")[1:-1]]


def test_redact_shows_at_most_four_characters_and_a_quarter() -> None:
    assert redact(GITHUB) == GITHUB[:4] + "…(40 chars)"
    assert redact("hunter22") == "hu…(8 chars)"
    assert redact("abc") == "…(3 chars)"
    assert redact_spans("a=SECRETVALUE;", [(2, 13)]) == "a=SE…(11 chars);"
    assert redact_values("x SECRETVALUE y SECRETVALUE", ["SECRETVALUE"]).count("…") == 2
    assert secret_hash(GITHUB).startswith("secret-sha256:") and GITHUB not in secret_hash(GITHUB)


def _project(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "app.py").write_text(
        "import requests\n\n"
        f'TOKEN = "{GITHUB}"\n'
        f'password = "{RANDOM_PASSWORD}"\n\n\n'
        "def fetch(url):\n"
        f'    return requests.get(url, auth=("bot", "{AUTH_TOKEN}"), verify=False)\n',
        encoding="utf-8",
    )
    (folder / ".env").write_text(f"STRIPE_KEY={STRIPE}\n", encoding="utf-8")
    (folder / "deploy_key.pem").write_text(KEY + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "html"])
def test_no_output_format_holds_a_secret(tmp_path: Path, fmt: str) -> None:
    project = _project(tmp_path / "project")
    runner = CliRunner()
    report = tmp_path / f"report.{fmt}"
    result = runner.invoke(cli, ["scan", str(project), "--isolated", "--no-progress", "-f", fmt, "-o", str(report)])
    assert result.exit_code == 1, result.output
    stdout = runner.invoke(cli, ["scan", str(project), "--isolated", "--no-progress", "-f", fmt]).output
    written = report.read_text(encoding="utf-8")
    for text in (written, stdout, result.output):
        leaked = [value[:8] + "..." for value in PLANTED if value in text]
        assert not leaked, f"{fmt} output holds secrets: {leaked}"
    # The findings are there, only redacted (the PAT501 finding's snippet included).
    assert "(40 chars)" in stdout
    assert "PAT501" in written


def test_baseline_stores_hashes_not_secrets(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    baseline = tmp_path / "baseline.json"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["secrets", str(project), "--isolated", "--no-progress", "--write-baseline", str(baseline)]
    )
    assert result.exit_code == 0, result.output
    text = baseline.read_text(encoding="utf-8")
    assert '"SEC101"' in text
    assert not [value for value in PLANTED if value in text]
    again = runner.invoke(cli, ["secrets", str(project), "--isolated", "--no-progress", "--baseline", str(baseline)])
    assert again.exit_code == 0, again.output


def test_suppressed_findings_are_redacted_too(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(f'TOKEN = "{GITHUB}"  # pragma: allowlist secret\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["secrets", str(tmp_path), "--isolated", "--no-progress", "--show-suppressed"])
    assert result.exit_code == 0, result.output
    assert "SEC101" in result.output and GITHUB not in result.output


def test_scrub_cleans_other_families_findings() -> None:
    line = f'requests.get(url, auth=("bot", "{AUTH_TOKEN}"), verify=False)'
    finding = Finding(
        "PAT501",
        f"TLS verification disabled in {line}",
        Location("app.py", 3),
        Severity.HIGH,
        Confidence.HIGH,
        snippet=line,
        flow=(FlowStep(Location("app.py", 2), "token", f'TOKEN = "{GITHUB}"'),),
    )
    clean = scrub_finding(finding)
    assert AUTH_TOKEN not in clean.snippet and AUTH_TOKEN not in clean.message
    assert GITHUB not in clean.flow[0].snippet
    assert "verify=False" in clean.snippet
    untouched = Finding(
        "PAT101", "eval of input", Location("a.py", 1), Severity.HIGH, Confidence.HIGH, snippet="eval(x)"
    )
    assert scrub_finding(untouched) is untouched


@pytest.mark.parametrize(
    "text",
    [
        f"connect({g('pass', 'word')}='{RANDOM_PASSWORD}')",
        f"headers = {{'Authorization': 'Bearer {AUTH_TOKEN}'}}",
        f"url = 'postgres://u:{RANDOM_PASSWORD}@db/x'",
        f"key: {STRIPE}",
        f"GITHUB_TOKEN={GITHUB[:-1]}X",  # even a token whose checksum fails is hidden
    ],
)
def test_scrub_payloads(text: str) -> None:
    cleaned = scrub(text)
    assert "…(" in cleaned
    for value in (RANDOM_PASSWORD, AUTH_TOKEN, STRIPE, GITHUB[:-1]):
        assert value not in cleaned


def test_scrub_leaves_harmless_text_alone() -> None:
    for text in ("subprocess.run(cmd, shell=True)", "password = os.environ['PW']", "token_type = 'bearer'"):
        assert scrub(text) == text
