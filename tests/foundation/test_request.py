"""One path from flags to the API: every option lands in a field of the frozen request, config overrides and the
family restriction are the API's, and a contradictory request fails before any work."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bastion.api import ReportOptions, ScanRequest, build_request, resolve_config, run
from bastion.cli.main import cli
from bastion.cli.options import request_from
from bastion.core.errors import ConfigError, UsageError
from bastion.core.severity import Severity
from tests.conftest import make_services
from tests.foundation.conftest import write_tree

# Options a command turns into a request field itself (`bastion deps --env/--env-path` -> `env_paths`).
COMMAND_DECIDES = {
    "deps": {"audit_environment", "env_path", "fix_pins", "show_diff"},
    "fix": {"unsafe_fixes", "show_diff"},
}
REQUEST_COMMANDS = ("scan", "secrets", "deps", "checklist", "fix")


@pytest.mark.parametrize("name", REQUEST_COMMANDS)
def test_every_option_of_a_scanning_command_is_a_request_field(name: str) -> None:
    command = cli.command_named(name)
    fields = {f.name for f in dataclasses.fields(ScanRequest)} | {f.name for f in dataclasses.fields(ReportOptions)}
    names = {param.name for param in command.params if param.name} - COMMAND_DECIDES.get(name, set())
    assert names - fields == set(), f"options of `bastion {name}` with no request field"


def test_parsed_options_become_the_request() -> None:
    command = cli.command_named("scan")
    with click.Context(command) as context:
        params = command.make_context(
            "scan",
            ["a", "b", "--select", "pat1, sec", "--ignore", "TNT10", "-f", "json", "-o", "r.json", "--offline", "-j2"],
            parent=context,
        ).params
    request = request_from(params)
    assert request.paths == (Path("a"), Path("b"))
    assert request.select == ("PAT1", "SEC") and request.ignore == ("TNT10",)
    assert request.extend_select is None, "an option not given leaves the configuration alone"
    assert request.offline and request.jobs == 2
    assert request.report == ReportOptions(fmt="json", output=Path("r.json"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.jobs = 3  # type: ignore[misc]


def test_an_option_with_no_field_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="no request field for option"):
        build_request({"slect": ("PAT",)})


def test_contradictions_fail_when_the_request_is_built() -> None:
    with pytest.raises(UsageError, match="cannot be used together"):
        ScanRequest(baseline=Path("a.json"), write_baseline=Path("b.json"))
    with pytest.raises(UsageError, match="one repository"):
        ScanRequest(paths=(Path("a"), Path("b")), history=True, family="SEC")
    with pytest.raises(ValueError, match="SEC rules only"):
        ScanRequest(history=True)


def test_command_line_values_override_the_file_and_ignore_extends_it(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"bastion.toml": "ignore = ['PAT5']\nselect = ['PAT']\nfail-on = 'high'\n"})
    loaded = resolve_config(ScanRequest(paths=(root,), select=("SEC",), ignore=("SEC1",), fail_on="medium"))
    assert loaded.config.select == ("SEC",)
    assert loaded.config.ignore == ("PAT5", "SEC1")
    assert loaded.config.fail_on is Severity.MEDIUM
    untouched = resolve_config(ScanRequest(paths=(root,)))
    assert untouched.config.select == ("PAT",) and untouched.config.ignore == ("PAT5",)
    assert resolve_config(ScanRequest(paths=(root,), isolated=True)).config.ignore == ()


def test_a_wrong_type_in_the_file_is_reported_even_when_the_command_line_extends_it(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"bastion.toml": "ignore = 'PAT5'\n"})
    with pytest.raises(ConfigError, match="'ignore'"):
        resolve_config(ScanRequest(paths=(root,), ignore=("SEC1",)))


def test_a_family_command_runs_that_family_only(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"bastion.toml": "select = ['PAT']\nextend-select = ['TNT', 'SEC301']\n"})
    config = resolve_config(ScanRequest(paths=(root,), family="SEC")).config
    assert config.select == ("SEC",) and config.extend_select == ("SEC301",)
    narrowed = resolve_config(ScanRequest(paths=(root,), family="SEC", select=("SEC1", "ALL"))).config
    assert narrowed.select == ("SEC1",)
    with pytest.raises(UsageError, match="runs the DEP rules only; PAT1 is not one"):
        resolve_config(ScanRequest(paths=(root,), family="DEP", select=("PAT1",)))


def test_run_carries_out_the_request_and_writes_the_baseline(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"app.py": "import os\nos.system(input())\n"})
    baseline = tmp_path / "baseline.json"
    request = ScanRequest(paths=(root,), isolated=True, jobs=1, select=("PAT3",), write_baseline=baseline)
    result = run(request, services=make_services())
    assert [f.code for f in result.findings] == ["PAT302"]
    assert '"code": "PAT302"' in baseline.read_text()
    again = run(dataclasses.replace(request, write_baseline=None, baseline=baseline), services=make_services())
    assert again.findings == [] and len(again.baselined) == 1
    with pytest.raises(UsageError, match="no such file"):
        run(ScanRequest(paths=(tmp_path / "missing",)))


def test_the_history_scan_is_a_field_of_the_request(tmp_path: Path) -> None:
    outcome = CliRunner().invoke(cli, ["secrets", "--history", str(tmp_path), "--isolated"])
    assert outcome.exit_code == 2 and "not a git repository" in outcome.output.lower()
