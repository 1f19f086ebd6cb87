"""Every file kind the scan reaches, with credentials built at run time and inline expectations (`# $ CODE`),
checked by the same harness as tests/fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.harness import check_fixture
from tests.secrets.tokens import PROVIDER_TOKENS, g, private_key, rand

GITHUB = PROVIDER_TOKENS["github-token"]
STRIPE = PROVIDER_TOKENS["stripe-live-key"]
SLACK = PROVIDER_TOKENS["slack-token"]
OPENAI = PROVIDER_TOKENS["openai-project-key"]
JWT = PROVIDER_TOKENS["jwt"]
RANDOM = rand(24)


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return folder


def notebook(cells: list[dict[str, object]]) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def code_cell(source: list[str], outputs: list[dict[str, object]] | None = None) -> dict[str, object]:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "id": rand(8),
        "metadata": {},
        "outputs": outputs or [],
        "source": source,
    }


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.split("\n"), start=1) if needle in line)


def test_provider_shapes_in_every_text_kind(tmp_path: Path) -> None:
    files = {
        ".env": f"GITHUB_TOKEN={GITHUB}  # $ SEC101\nDEBUG=1  # ok\n",
        ".env.production": f"STRIPE_KEY={STRIPE}  # $ SEC101\n",
        "config/settings.yaml": f"slack:\n  token: {SLACK}  # $ SEC101\n  channel: ops  # ok\n",
        "config/app.toml": f'[openai]\nkey = "{OPENAI}"  # $ SEC101\n',
        "config/app.ini": f"[github]\ntoken = {GITHUB}  # $ SEC101\n",
        "config/app.cfg": f"[stripe]\nkey: {STRIPE}  # $ SEC101\n",
        "config/app.properties": f"slack.token={SLACK}  # $ SEC101\n",
        "Dockerfile": f"FROM python:3.12\nENV GITHUB_TOKEN={GITHUB}  # $ SEC101\n",
        "docker-compose.yml": f"services:\n  web:\n    environment:\n      - STRIPE_KEY={STRIPE}  # $ SEC101\n",
        "scripts/deploy.sh": f"#!/bin/sh\ncurl -H 'Authorization: token {GITHUB}' https://api.github.com  # $ SEC101\n",
        "notes/setup.txt": f"Use `{SLACK}` to test.  # $ SEC101\n",
        "app/client.py": f'TOKEN = "{GITHUB}"  # $ SEC101\n',
        "web/app.js": f"const key = '{STRIPE}';  // # $ SEC101\n",
    }
    json_text = json.dumps({"openai": {"api_key": OPENAI}, "retries": 3}, indent=2) + "\n"
    files["config/keys.json"] = json_text
    files["config/keys.json.expected"] = f"{line_of(json_text, OPENAI)} SEC101\n{line_of(json_text, 'retries')} ok\n"
    problems = check_fixture(write(tmp_path, files), "SEC101")
    assert not problems, "\n".join(problems)


def test_notebook_code_outputs_and_markdown(tmp_path: Path) -> None:
    text = notebook(
        [
            {"cell_type": "markdown", "id": "m", "metadata": {}, "source": [f"Token for staging: {SLACK}"]},
            code_cell(
                ["import os\n", f'client = Client(api_key="{RANDOM}")\n', 'pw = os.environ["PW"]'],
                [{"name": "stdout", "output_type": "stream", "text": [f"connected with {GITHUB}\n"]}],
            ),
        ]
    )
    expected_101 = f"{line_of(text, SLACK)} SEC101\n{line_of(text, 'connected with')} SEC101\n"
    expected_201 = f"{line_of(text, 'api_key=')} SEC201\n{line_of(text, 'os.environ')} ok\n"
    write(tmp_path, {"analysis.ipynb": text, "analysis.ipynb.expected": expected_101 + expected_201})
    for code in ("SEC101", "SEC201"):
        problems = check_fixture(tmp_path, code)
        assert not problems, "\n".join(problems)


def test_private_keys_in_files(tmp_path: Path) -> None:
    key = private_key("OPENSSH ")
    escaped = private_key("").replace("\n", "\\n")
    service_account = json.dumps(
        {"type": "service_account", "project_id": "shop", "private_key": escaped.replace("\\n", "\n")}, indent=2
    )
    files = {
        "deploy/id_ed25519": key + "\n",
        "deploy/id_ed25519.expected": "1 SEC102\n",
        "sa.json": service_account + "\n",
        "sa.json.expected": (
            f"{line_of(service_account, 'private_key')} SEC102\n{line_of(service_account, 'project_id')} ok\n"
        ),
        "docs/keys.txt": "-----BEGIN RSA " + "PRIVATE KEY-----  # ok: a header in prose\n",
    }
    problems = check_fixture(write(tmp_path, files), "SEC102")
    assert not problems, "\n".join(problems)


def test_url_credentials_and_jwt_in_config(tmp_path: Path) -> None:
    url = g("postgres://shop:", RANDOM) + "@db.internal/shop"
    files = {
        ".env": f"DATABASE_URL={url}  # $ SEC103\nCACHE_URL=redis://cache:6379/0  # ok\n",
        "config.yaml": f"auth:\n  service_jwt: {JWT}  # $ SEC104\n",
    }
    write(tmp_path, files)
    for code in ("SEC103", "SEC104"):
        problems = check_fixture(tmp_path, code)
        assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("settings.yaml", f"auth:\n  headers: {{Authorization: 'Bearer {RANDOM}'}}  # $ SEC204\n"),
        ("README.md", f"export the token {RANDOM} first  # $ SEC204\n"),
        ("index.html", f'<meta name="api-key" content="{RANDOM}">  <!-- # $ SEC204 -->\n'),
    ],
)
def test_high_entropy_next_to_a_secret_name(tmp_path: Path, name: str, line: str) -> None:
    target = name if not name.endswith(".md") else "README.txt"
    problems = check_fixture(write(tmp_path, {target: line}), "SEC204")
    assert not problems, "\n".join(problems)


def test_one_finding_per_secret_per_place(tmp_path: Path) -> None:
    # A provider token assigned to a secret-like name is SEC101 only, not also SEC203 or SEC204.
    write(tmp_path, {".env": f"GITHUB_TOKEN={GITHUB}\n", "app.py": f'api_key = "{STRIPE}"\n'})
    from bastion.api import ScanOptions, scan
    from bastion.core.config import BastionConfig

    result = scan([tmp_path], ScanOptions(config=BastionConfig(select=("SEC",)), root=tmp_path, jobs=1))
    assert sorted((f.location.path, f.code) for f in result.findings) == [
        (".env", "SEC101"),
        (".env", "SEC301"),
        ("app.py", "SEC101"),
    ]
