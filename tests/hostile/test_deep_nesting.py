"""Deep-recursion inputs: a structure nested thousands of levels deep in any data file bastion parses gives a
clear notice or error naming the file, never a `RecursionError` that aborts the whole scan.

`tomllib` and `json` recurse once per level; the attack is a few kilobytes of brackets.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.hostile.attack import bastion_command, run
from tests.secrets.tokens import b64url_json

TOML_DEPTH = 5_000
JSON_DEPTH = 100_000
APP = "import yaml\n\n\ndef load(text):\n    return yaml.load(text)\n"


def _deep_toml_array() -> str:
    return "[" * TOML_DEPTH + "]" * TOML_DEPTH


def _deep_json() -> str:
    return "[" * JSON_DEPTH + "]" * JSON_DEPTH


def _bastion(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    completed = run([*bastion_command(), *args], cwd=cwd, home=home, timeout=300)
    assert "Traceback" not in completed.stderr and "RecursionError" not in completed.stderr, completed.stderr
    return completed


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "project"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("name", ["pyproject.toml", "bastion.toml"])
def test_deep_configuration_is_an_error_naming_the_file(tmp_path: Path, name: str) -> None:
    table = "[tool.bastion]\n" if name == "pyproject.toml" else ""
    root = _project(tmp_path, {name: f"{table}extend-exclude = {_deep_toml_array()}\n", "app.py": APP})
    for command in (["scan", "--offline"], ["config"], ["checklist", "--offline"]):
        completed = _bastion(root, tmp_path, *command)
        assert completed.returncode == 2
        assert name in completed.stderr and "nested too deeply" in completed.stderr, completed.stderr


def test_deep_manifests_are_not_audited_and_the_scan_goes_on(tmp_path: Path) -> None:
    deep = _deep_toml_array()
    root = _project(
        tmp_path,
        {
            "pyproject.toml": f'[project]\nname = "app"\ndependencies = {deep}\n',  # no [tool.bastion]: a manifest
            "services/api/pyproject.toml": f"[tool.poetry.dependencies]\nx = {deep}\n",
            "Pipfile.lock": _deep_json(),
            "pylock.toml": f"packages = {deep}\n",
            "docker-compose.yml": "services:\n  web:\n    environment: " + "[" * 5000 + "]" * 5000 + "\n",
            "app.py": APP,
            "token.py": f'JWT = "{b64url_json({"alg": "HS256"})}.{_deep_json_b64()}.c2lnbmF0dXJl"\n',
        },
    )
    completed = _bastion(root, tmp_path, "scan", "--offline", "-f", "json")
    assert completed.returncode == 1, completed.stderr
    report = json.loads(completed.stdout)
    assert "PAT202" in {finding["code"] for finding in report["findings"]}
    said = " ".join(f"{item.get('path')}: {item['message']}" for item in [*report["notices"], *report["findings"]])
    for name in ("pyproject.toml", "services/api/pyproject.toml", "Pipfile.lock"):
        assert name in said, (name, said)
    assert "internal error" not in said.lower(), said


def _deep_json_b64() -> str:
    import base64

    return base64.urlsafe_b64encode(_deep_json().encode()).decode().rstrip("=")


def test_deep_baseline_is_an_error_naming_the_file(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app.py": APP})
    baseline = tmp_path / "baseline.json"
    baseline.write_text('{"version": 1, "findings": ' + _deep_json() + "}", encoding="utf-8")
    completed = _bastion(root, tmp_path, "scan", "--offline", "--baseline", str(baseline))
    assert completed.returncode == 2
    assert "baseline.json" in completed.stderr and "nested too deeply" in completed.stderr, completed.stderr
