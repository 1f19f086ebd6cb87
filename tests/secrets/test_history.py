"""`bastion secrets --history`: every commit from every ref, added lines only, each blob once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bastion.cli.main import cli
from bastion.secrets.history import HistoryError, scan_history
from tests.secrets.gitrepo import GitRepo
from tests.secrets.tokens import PROVIDER_TOKENS, rand

GITHUB = PROVIDER_TOKENS["github-token"]
STRIPE = PROVIDER_TOKENS["stripe-live-key"]
SLACK = PROVIDER_TOKENS["slack-token"]
PASSWORD = rand(18)


@pytest.fixture
def repo(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    git = GitRepo(tmp_path / "repo")
    commits = {}
    commits["first"] = git.commit(
        "settings",
        **{"app__settings.py": f'DEBUG = False\nTOKEN = "{GITHUB}"\n', ".env": f"STRIPE_KEY={STRIPE}\n"},
    )
    commits["removed"] = git.commit("move token to env", **{"app__settings.py": "DEBUG = False\nTOKEN = None\n"})
    commits["allowed"] = git.commit(
        "fixture", **{"tests__fixture.py": f'db_password = "{PASSWORD}"  # pragma: allowlist secret\n'}
    )
    git.git("checkout", "-q", "-b", "feature")
    commits["branch"] = git.commit("notes", **{"docs__notes.txt": f"slack: {SLACK}\n"})
    git.git("checkout", "-q", "main")
    commits["picked"] = git.commit("same notes on main", **{"docs__notes.txt": f"slack: {SLACK}\n"})
    return git, commits


def test_history_reports_each_secret_once_with_its_commit(repo: tuple[GitRepo, dict[str, str]]) -> None:
    git, commits = repo
    scan = scan_history(git.path)
    hits = {(hit.path, hit.match.detector): hit for hit in scan.hits}
    assert set(hits) == {
        ("app/settings.py", "github-token"),
        (".env", "stripe-live-key"),
        ("tests/fixture.py", "python-literal"),
        ("docs/notes.txt", "slack-token"),
    }
    token = hits[("app/settings.py", "github-token")]
    assert token.commit == commits["first"] and token.match.line == 2
    assert token.author_date.startswith("2023-11-1")
    assert not token.present and token.present_line is None
    stripe = hits[(".env", "stripe-live-key")]
    assert stripe.present and stripe.present_line == 1
    # Reachable only from the feature branch first; the same file version on main is not scanned again.
    notes = hits[("docs/notes.txt", "slack-token")]
    assert notes.commit == commits["branch"] and notes.commits == 1
    assert scan.commits == 5 and scan.blobs == 5
    assert hits[("tests/fixture.py", "python-literal")].allowed
    for hit in scan.hits:
        assert hit.match.value not in hit.snippet


def test_history_counts_re_added_secrets(tmp_path: Path) -> None:
    git = GitRepo(tmp_path / "r")
    git.commit("add", **{"a.env": f"TOKEN={GITHUB}\n"})
    git.commit("remove", **{"a.env": "TOKEN=\n"})
    git.commit("again", **{"a.env": f"TOKEN={GITHUB}\nX=1\n"})
    (hit,) = scan_history(git.path).hits
    assert hit.commits == 2 and hit.present


def test_secrets_history_command(repo: tuple[GitRepo, dict[str, str]], tmp_path: Path) -> None:
    git, commits = repo
    runner = CliRunner()
    result = runner.invoke(
        cli, ["secrets", "--history", str(git.path), "--isolated", "-f", "json", "--show-suppressed"]
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    by_code = {(f["path"], f["code"]) for f in report["findings"]}
    assert ("app/settings.py", "SEC101") in by_code and ("tests/fixture.py", "SEC201") not in by_code
    token = next(f for f in report["findings"] if f["path"] == "app/settings.py")
    assert commits["first"][:12] in token["message"] and "no longer in the working tree" in token["message"]
    assert token["properties"]["commit"] == commits["first"]
    assert token["properties"]["in_working_tree"] is False
    assert GITHUB not in result.output and STRIPE not in result.output and SLACK not in result.output
    assert [s["code"] for s in report["suppressed"]] == ["SEC201"]
    text = runner.invoke(cli, ["secrets", "--history", str(git.path), "--isolated", "--select", "SEC101"])
    assert "SEC101" in text.output and "git history: 5 commits" in text.output
    baseline = tmp_path / "history-baseline.json"
    written = runner.invoke(
        cli, ["secrets", "--history", str(git.path), "--isolated", "--write-baseline", str(baseline)]
    )
    assert written.exit_code == 0 and GITHUB not in baseline.read_text()
    again = runner.invoke(cli, ["secrets", "--history", str(git.path), "--isolated", "--baseline", str(baseline)])
    assert again.exit_code == 0, again.output


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(HistoryError):
        scan_history(tmp_path)
    result = CliRunner().invoke(cli, ["secrets", "--history", str(tmp_path), "--isolated"])
    assert result.exit_code == 2 and "not inside a git repository" in result.output


def test_secrets_command_rejects_other_families(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["secrets", str(tmp_path), "--select", "PAT101"])
    assert result.exit_code == 2 and "SEC rules only" in result.output


def test_secrets_command_runs_only_sec_rules(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(f'import os\nos.system(cmd)\nTOKEN = "{GITHUB}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["secrets", str(tmp_path), "--isolated", "--no-progress", "-f", "json"])
    codes = {f["code"] for f in json.loads(result.output)["findings"]}
    assert codes == {"SEC101"}


def test_python_versions_are_read_as_code_not_as_lines(tmp_path: Path) -> None:
    git = GitRepo(tmp_path / "repo")
    docstring = f'def connect():\n    """Call it like this:\n\n    password = "{PASSWORD}"\n    """\n'
    table = f'CASES = [\n    (\'password = "{PASSWORD}x"\', "an example line"),\n]\n'
    real = f'db_password = "{PASSWORD}y"\n'
    git.commit("docs and tables", **{"app__client.py": docstring, "tests__cases.py": table, "app__db.py": real})
    hits = {(hit.path, hit.match.value) for hit in scan_history(git.path).hits}
    assert hits == {("app/db.py", PASSWORD + "y")}, "text inside a docstring or a string is not an assignment"


def test_a_statement_wide_suppression_in_the_working_tree_counts(tmp_path: Path) -> None:
    git = GitRepo(tmp_path / "repo")
    git.commit("call", **{"app__db.py": f'connect(\n    password="{PASSWORD}",\n)  # bastion: ignore[SEC201]\n'})
    [hit] = scan_history(git.path).hits
    assert hit.present and hit.allowed


def test_history_honours_baseline_expiry(tmp_path: Path) -> None:
    git = GitRepo(tmp_path / "repo")
    git.commit("token", **{"app__settings.py": f'TOKEN = "{GITHUB}"\n'})
    baseline = tmp_path / "baseline.json"
    runner = CliRunner()
    runner.invoke(cli, ["secrets", "--history", str(git.path), "--no-progress", "--write-baseline", str(baseline)])
    document = json.loads(baseline.read_text())
    assert len(document["findings"]) == 1 and GITHUB not in baseline.read_text()
    accepted = runner.invoke(cli, ["secrets", "--history", str(git.path), "--no-progress", "--baseline", str(baseline)])
    assert accepted.exit_code == 0, accepted.output
    document["findings"][0]["expires"] = "2000-01-01"
    baseline.write_text(json.dumps(document))
    outcome = runner.invoke(
        cli, ["secrets", "--history", str(git.path), "--no-progress", "--baseline", str(baseline), "-f", "json"]
    )
    report = json.loads(outcome.output)
    assert outcome.exit_code == 1 and len(report["findings"]) == 1
    assert any("expired on 2000-01-01" in n["message"] for n in report["notices"])
