"""Configuration: found by walking up, validated with messages that name the file, key and what is allowed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bastion.api.config_loader import find_config_file, load_config
from bastion.core.config import BastionConfig
from bastion.core.errors import ConfigError
from bastion.core.severity import Severity
from tests.foundation.conftest import run_cli, write_tree


def test_pyproject_with_table_is_found_walking_up(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pyproject.toml": "[tool.bastion]\nfail-on = 'high'\n", "src/pkg/mod.py": "x = 1\n"})
    loaded = load_config(root / "src" / "pkg")
    assert loaded.path == root / "pyproject.toml"
    assert loaded.config.fail_on is Severity.HIGH
    assert loaded.root == root.resolve()


def test_pyproject_without_table_is_passed_over(tmp_path: Path) -> None:
    write_tree(tmp_path, {"bastion.toml": "ignore = ['PAT5']\n", "inner/pyproject.toml": "[project]\nname = 'x'\n"})
    assert find_config_file(tmp_path / "inner") == tmp_path / "bastion.toml"


def test_bastion_toml_wins_over_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"bastion.toml": "fail-on = 'critical'\n", "pyproject.toml": "[tool.bastion]\nfail-on = 'low'\n"}
    )
    assert load_config(tmp_path).config.fail_on is Severity.CRITICAL


def test_unknown_key_names_file_key_and_allowed_keys(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[tool.bastion]\nselct = ['PAT']\n"})
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path)
    message = str(error.value)
    assert str(tmp_path / "pyproject.toml") in message
    assert "[tool.bastion]" in message and "'selct'" in message
    assert "allowed keys are:" in message and "select" in message and "per-file-ignores" in message


def test_wrong_type_is_explained(tmp_path: Path) -> None:
    write_tree(tmp_path, {"bastion.toml": "fail-on = 'severe'\nmax-file-size = 'big'\n"})
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path)
    message = str(error.value)
    assert "'fail-on'" in message and "expected one of" in message and "'severe'" in message
    assert "'max-file-size'" in message and "not a size" in message


def test_broken_toml_is_reported_not_skipped(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[tool.bastion\nselect = [\n"})
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path)
    assert "invalid TOML" in str(error.value)


def test_cli_flags_win_over_the_file(tmp_path: Path) -> None:
    project = write_tree(
        tmp_path,
        {
            "pyproject.toml": "[tool.bastion]\nselect = ['PAT2']\nfail-on = 'critical'\n",
            "app.py": "import os\nos.system(x)\n",
        },
    )
    assert run_cli("scan", str(project)).returncode == 0  # PAT302 not selected by the file
    assert run_cli("scan", str(project), "--select", "PAT3").returncode == 0  # below critical
    assert run_cli("scan", str(project), "--select", "PAT3", "--fail-on", "high").returncode == 1


def test_config_error_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    project = write_tree(tmp_path, {"bastion.toml": "exclude = 'build'\n", "app.py": ""})
    result = run_cli("scan", str(project))
    assert result.returncode == 2
    assert "bastion: error:" in result.stderr and "'exclude'" in result.stderr
    assert "Traceback" not in result.stderr


def test_sizes_and_codes_are_normalised() -> None:
    config = BastionConfig.model_validate({"max-file-size": "512KB", "ignore": ["pat1"], "select": ["sec"]})
    assert config.max_file_size == 512 * 1024
    assert config.ignore == ("PAT1",) and config.select == ("SEC",)
    assert BastionConfig.model_validate({"max-file-size": 1000}).max_file_size == 1000


def test_per_file_ignores_and_excludes(tmp_path: Path) -> None:
    project = write_tree(
        tmp_path,
        {
            "bastion.toml": "per-file-ignores = { 'tests/**' = ['PAT3'] }\nextend-exclude = ['generated']\n",
            "tests/test_a.py": "import os\nos.system(x)\n",
            "generated/b.py": "import os\nos.system(x)\n",
            "app.py": "import os\nos.system(x)\n",
        },
    )
    result = run_cli("scan", str(project), "-f", "json")
    paths = {finding["path"] for finding in json.loads(result.stdout)["findings"]}
    assert paths == {"app.py"}


def test_unknown_code_in_per_file_ignores_is_an_error(tmp_path: Path) -> None:
    project = write_tree(tmp_path, {"bastion.toml": "per-file-ignores = { 'x.py' = ['ZZZ1'] }\n", "x.py": ""})
    result = run_cli("scan", str(project))
    assert result.returncode == 2 and "matches no rule" in result.stderr


def test_config_command_shows_what_is_in_effect(tmp_path: Path) -> None:
    project = write_tree(tmp_path, {"bastion.toml": "fail-on = 'high'\nignore = ['PAT5']\n", "app.py": ""})
    result = run_cli("config", str(project))
    assert result.returncode == 0
    assert f"configuration file: {project / 'bastion.toml'}" in result.stdout
    assert 'fail-on = "high"' in result.stdout and 'ignore = ["PAT5"]' in result.stdout
