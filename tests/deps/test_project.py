"""The project phase: includes followed inside the root, constraints set aside, lock files noticed, the
vulnerability service asked once per scan whatever DEP rules run, and configuration read from the project."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from bastion.api import ScanOptions, scan
from bastion.cli.main import cli
from bastion.core.config import BastionConfig
from bastion.core.result import ScanResult
from bastion.deps.advisory import Advisory
from bastion.deps.model import PackageVersion
from bastion.deps.services.interface import VulnerabilityService
from bastion.rules.base import ScanServices
from tests.conftest import OSV_TEST_DATA, offline_advisories
from tests.deps.osv_server import FakeOsv, load_records, serve


class CountingService(VulnerabilityService):
    def __init__(self) -> None:
        self.calls: list[list[PackageVersion]] = []

    @property
    def description(self) -> str:
        return "counting"

    def query(self, packages: Sequence[PackageVersion]) -> Mapping[PackageVersion, tuple[Advisory, ...]]:
        self.calls.append(list(packages))
        return offline_advisories().query(packages)


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _scan(root: Path, service: VulnerabilityService, select: str = "DEP") -> ScanResult:
    config = BastionConfig.model_validate({"select": [select]})
    return scan([root], ScanOptions(config=config, root=root, jobs=1, services=ScanServices(vulnerabilities=service)))


def test_includes_are_followed_once_and_stay_inside_the_project(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "p",
        {
            "requirements.txt": "-r base/common.txt\n-r ../outside.txt\n-r https://x.invalid/r.txt\n-r gone.txt\n",
            "base/common.txt": "-r ../requirements.txt\nflask==0.12.2\n",  # not named requirements*: read via -r
            "constraints-only.txt": "django==3.2.0\n",
        },
    )
    _write(tmp_path, {"outside.txt": "django==3.2.0\n"})
    result = _scan(root, CountingService(), select="DEP101")
    assert {(f.location.path, f.location.line) for f in result.findings if f.code == "DEP101"} == {
        ("base/common.txt", 2)
    }
    # Includes not followed leave requirements unaudited: BST108 findings.
    notices = {(f.location.path, f.location.line): f.message for f in result.findings if f.code == "BST108"}
    assert "outside the project" in notices[("requirements.txt", 2)]
    assert "remote includes are not fetched" in notices[("requirements.txt", 3)]
    assert "not found" in notices[("requirements.txt", 4)]


def test_a_file_only_named_by_c_is_a_constraints_file(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "p",
        {
            "requirements.txt": "-c requirements-constraints.txt\nidna==3.7\n",
            "requirements-constraints.txt": "django==3.2.0\n",  # matches the name pattern, but is only -c'd
        },
    )
    result = _scan(root, CountingService())
    assert not [f for f in result.findings if f.location.path == "requirements-constraints.txt"]


def test_the_service_is_asked_once_per_scan_whatever_rules_run(tmp_path: Path) -> None:
    root = _write(tmp_path / "p", {"requirements.txt": "flask==0.12.2\nwaitress==1.4.0\nidna==3.7\n"})
    service = CountingService()
    result = _scan(root, service)
    assert {f.code for f in result.findings} == {"DEP101", "DEP202", "DEP203"}
    first_round = [call for call in service.calls if PackageVersion("idna", "3.7") in call]
    assert len(first_round) == 1  # one audit; later calls only check the fix candidates
    assert all(len(call) <= 2 for call in service.calls[1:])
    service.calls.clear()
    _scan(root, service, select="DEP2")
    assert service.calls == []  # hygiene rules never need the service


def test_the_advisory_server_is_the_users_choice_never_the_projects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _write(tmp_path / "p", {"requirements.txt": "pydantic==1.7.2\n"})
    theirs = FakeOsv({})  # the project's server: it would answer "no vulnerabilities"
    ours = FakeOsv(load_records(OSV_TEST_DATA))
    with serve(theirs) as their_url, serve(ours) as our_url:
        (root / "bastion.toml").write_text(f'[deps]\nosv-url = "{their_url}"\ntimeout = 2\n', encoding="utf-8")
        for how in ("environment", "user config"):
            ours.requests.clear()
            if how == "environment":
                monkeypatch.setenv("BASTION_OSV_URL", our_url)
            else:
                monkeypatch.delenv("BASTION_OSV_URL")
                config = Path(os.environ["XDG_CONFIG_HOME"]) / "bastion" / "config.toml"
                config.parent.mkdir(parents=True, exist_ok=True)
                config.write_text(f'osv-url = "{our_url}"\n', encoding="utf-8")
            result = CliRunner().invoke(cli, ["deps", str(root), "-f", "json", "--cache-dir", str(tmp_path / how)])
            assert result.exit_code == 1, result.output
            report = json.loads(result.output)
            assert [f["properties"]["id"] for f in report["findings"] if f["code"] == "DEP101"] == ["PYSEC-2021-47"]
            assert ours.requests and ours.requests[0] == ("POST", "/v1/querybatch")
            (ignored,) = [n for n in report["notices"] if n["kind"] == "config"]
            assert their_url in ignored["message"] and "ignored" in ignored["message"]
    assert theirs.requests == []


def test_unknown_deps_settings_are_configuration_errors(tmp_path: Path) -> None:
    root = _write(tmp_path / "p", {"bastion.toml": "[deps]\nosv-ulr = 'x'\n", "requirements.txt": "idna==3.7\n"})
    result = CliRunner().invoke(cli, ["deps", str(root), "--offline"])
    assert result.exit_code == 2
    assert "osv-ulr" in result.output
