"""The dependency audit from the command line: `bastion scan` and `bastion deps`, online (a fake OSV on
127.0.0.1), offline (`--db`, a folder or a zip), `--offline`, and every way OSV can fail: the other findings are
still reported, a notice says the audit did not run, and the exit code is 2."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bastion.cli.main import cli
from tests.conftest import OSV_TEST_DATA
from tests.deps import osv_server
from tests.deps.osv_server import FakeOsv, closed_port_url, load_records, serve

RECORDS = load_records(OSV_TEST_DATA)
APP = {
    "requirements.txt": "flask==0.12.2\nrequests==2.31.0\n",
    "app.py": "import os\n\n\ndef ping(host):\n    os.system('ping ' + host)\n",
}


def _project(tmp_path: Path, files: dict[str, str] = APP) -> Path:
    root = tmp_path / "project"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _json(result: Result) -> dict:  # type: ignore[type-arg]
    return json.loads(result.output)


def _codes(report: dict) -> set[tuple[str, str, int]]:  # type: ignore[type-arg]
    return {(f["code"], f["path"], f["line"]) for f in report["findings"]}


def test_scan_online_reports_vulnerabilities(tmp_path: Path) -> None:
    root = _project(tmp_path)
    with serve(FakeOsv(RECORDS)) as url:
        result = _run(
            "scan", str(root), "--isolated", "-f", "json", "--osv-url", url, "--cache-dir", str(tmp_path / "c")
        )
    assert result.exit_code == 1
    report = _json(result)
    assert ("PAT302", "app.py", 5) in _codes(report)
    dep101 = [f for f in report["findings"] if f["code"] == "DEP101"]
    assert {f["properties"]["id"] for f in dep101} == {"PYSEC-2018-66", "PYSEC-2019-179", "PYSEC-2023-62"}
    assert {f["properties"]["smallest_fix"] for f in dep101} == {"2.2.5"}
    assert {f["properties"]["database"] for f in dep101} == {f"OSV ({url})"}
    assert not report["summary"]["incomplete"]


@pytest.mark.parametrize("mode", [osv_server.SERVER_ERROR, osv_server.GARBAGE, osv_server.WRONG_SHAPE])
def test_scan_with_a_broken_osv_reports_the_rest_and_exits_2(tmp_path: Path, mode: str) -> None:
    root = _project(tmp_path)
    with serve(FakeOsv(RECORDS, mode=mode)) as url:
        result = _run("scan", str(root), "--isolated", "-f", "json", "--osv-url", url, "--cache-dir", str(tmp_path))
    _assert_audit_did_not_run(result)


def test_scan_with_osv_unreachable_exits_2(tmp_path: Path) -> None:
    root = _project(tmp_path)
    result = _run(
        "scan", str(root), "--isolated", "-f", "json", "--osv-url", closed_port_url(), "--cache-dir", str(tmp_path)
    )
    _assert_audit_did_not_run(result)


def test_scan_with_osv_too_slow_exits_2(tmp_path: Path) -> None:
    root = _project(tmp_path)
    with serve(FakeOsv(RECORDS, mode=osv_server.SLOW, delay=2.0)) as url:
        result = _run(
            "scan",
            str(root),
            "--isolated",
            "-f",
            "json",
            "--osv-url",
            url,
            "--timeout",
            "0.2",
            "--cache-dir",
            str(tmp_path),
        )
    report = _assert_audit_did_not_run(result)
    assert "no answer within 0.2 s" in next(f for f in report["findings"] if f["code"] == "BST106")["message"]


def _assert_audit_did_not_run(result: Result) -> dict:  # type: ignore[type-arg]
    assert result.exit_code == 2, result.output
    report = _json(result)
    assert ("PAT302", "app.py", 5) in _codes(report)  # every other finding is still reported
    assert not [f for f in report["findings"] if f["code"] == "DEP101"]  # and no silent "no vulnerabilities"
    # The gap is a finding at the manifest's first pin (BST106), which keeps the exit code at 2.
    (gap,) = [f for f in report["findings"] if f["code"] == "BST106"]
    assert (gap["path"], gap["line"], gap["severity"]) == ("requirements.txt", 1, "high")
    assert "the dependency audit did not run" in gap["message"]
    assert "2 pinned packages here" in gap["message"]
    assert report["summary"]["incomplete"] is True
    return report


def test_text_report_says_the_audit_did_not_run(tmp_path: Path) -> None:
    root = _project(tmp_path)
    result = _run("scan", str(root), "--isolated", "--osv-url", closed_port_url(), "--cache-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "the dependency audit did not run" in result.output
    assert "PAT302" in result.output


def test_offline_without_db_skips_the_audit_with_a_notice(tmp_path: Path) -> None:
    root = _project(tmp_path)
    # An unreachable URL proves no request is attempted: reaching it would make the audit fail (exit 2).
    result = _run("scan", str(root), "--isolated", "-f", "json", "--offline", "--osv-url", closed_port_url())
    assert result.exit_code == 1  # the PAT finding; the skipped audit is not an error when asked for
    report = _json(result)
    assert not [f for f in report["findings"] if f["code"] == "DEP101"]
    # Said as a finding of info severity (BST107): the default --fail-on does not fail on what the user asked for.
    (skipped,) = [f for f in report["findings"] if f["code"] == "BST107"]
    assert skipped["severity"] == "info" and "skipped" in skipped["message"]
    assert skipped["properties"]["rule"] == "DEP101", "the finding names the rule that was skipped"
    assert not report["summary"]["incomplete"]
    alone = _run(
        "scan", str(_project(tmp_path / "clean", {"requirements.txt": "flask==0.12.2\n"})), "--isolated", "--offline"
    )
    assert alone.exit_code == 0, alone.output


def test_db_folder_and_zip_give_the_same_findings(tmp_path: Path) -> None:
    root = _project(tmp_path)
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in OSV_TEST_DATA.glob("*.json"):
            handle.write(path, path.name)
    reports = []
    for db in (OSV_TEST_DATA, archive):
        result = _run(
            "deps", str(root), "--isolated", "-f", "json", "--db", str(db), "--cache-dir", str(tmp_path / "c")
        )
        assert result.exit_code == 1, result.output
        reports.append(_json(result))
    assert _codes(reports[0]) == _codes(reports[1])
    assert {f["code"] for f in reports[0]["findings"]} == {"DEP101", "DEP202", "DEP203"}  # deps: DEP rules only


def test_db_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(_project(tmp_path)), "--db", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_db_that_holds_no_osv_data_stops_the_audit_plainly(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _run("deps", str(_project(tmp_path)), "--isolated", "-f", "json", "--db", str(empty))
    assert result.exit_code == 2
    (gap,) = [f for f in _json(result)["findings"] if f["code"] == "BST106"]
    assert "holds no OSV JSON records" in gap["message"]


def test_deps_refuses_other_families(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["deps", str(_project(tmp_path)), "--select", "PAT"])
    assert result.exit_code == 2
    assert "DEP rules only" in result.output


def test_deps_env_audits_installed_distributions(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    for name, version in (("Flask", "0.12.2"), ("click", "8.1.7")):
        info = site / f"{name}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    empty_project = _project(tmp_path, {"README.md": "nothing to audit\n"})
    result = _run(
        "deps", str(empty_project), "--isolated", "-f", "json", "--env-path", str(site), "--db", str(OSV_TEST_DATA)
    )
    assert result.exit_code == 1, result.output
    findings = _json(result)["findings"]
    assert {f["properties"]["package"] for f in findings} == {"flask"}
    assert {f["line"] for f in findings} == {3}  # the Version: line of the METADATA file
    assert {Path(f["path"]).parts[-2:] for f in findings} == {("Flask-0.12.2.dist-info", "METADATA")}


def test_the_readme_demo_scans_the_example_app_and_exits_1(tmp_path: Path) -> None:
    """`bastion scan examples/vulnerable-flask-app --db tests/data/osv-pypi`, as the README and CI run it: the
    project's own configuration excludes `examples`, yet the folder named on the command line is scanned."""
    repository = Path(__file__).resolve().parents[2]
    example = repository / "examples" / "vulnerable-flask-app"
    result = _run("scan", str(example), "--db", str(OSV_TEST_DATA), "-f", "json", "--cache-dir", str(tmp_path))
    assert result.exit_code == 1, result.output
    report = _json(result)
    dep = {(f["code"], f["path"], f["line"]) for f in report["findings"] if f["code"].startswith("DEP")}
    requirements = "examples/vulnerable-flask-app/requirements.txt"
    assert {(code, line) for code, path, line in dep if path == requirements} >= {("DEP101", n) for n in range(2, 8)}
    assert any("scanned because it was named explicitly" in n["message"] for n in report["notices"])
    assert not report["summary"]["incomplete"]


def _dependency_item(result: Result) -> dict:  # type: ignore[type-arg]
    return next(item for item in _json(result)["items"] if item["id"] == "dependencies")


def test_checklist_dependency_item_is_unknown_offline_and_when_osv_is_down_and_decided_with_db(tmp_path: Path) -> None:
    root = _project(tmp_path)
    common = ("checklist", str(root), "--isolated", "-f", "json", "--cache-dir", str(tmp_path / "c"))
    offline = _run(*common, "--offline")
    item = _dependency_item(offline)
    assert item["status"] == "unknown" and item["decided_by"].startswith("DEP101 was skipped")
    assert offline.exit_code == 1, "other items fail; a skipped audit asked for is not an error"
    down = _run(*common, "--osv-url", closed_port_url())
    item = _dependency_item(down)
    assert item["status"] == "unknown" and item["decided_by"].startswith("DEP101 could not run")
    assert down.exit_code == 2
    with_db = _run(*common, "--db", str(OSV_TEST_DATA))
    item = _dependency_item(with_db)
    assert item["status"] == "fail" and item["decided_by"].startswith("DEP101 at requirements.txt:1")


def test_checklist_dependency_item_passes_on_a_clean_locked_audit(tmp_path: Path) -> None:
    digest = "a" * 64
    header = "# This file is autogenerated by pip-compile with Python 3.11\n"
    locked = f"{header}requests==2.31.0 \\\n    --hash=sha256:{digest}\n"
    root = _project(tmp_path, {"requirements.txt": locked, "app.py": "x = 1\n"})
    result = _run("checklist", str(root), "--isolated", "-f", "json", "--db", str(OSV_TEST_DATA))
    item = _dependency_item(result)
    assert item["status"] == "pass", item
    assert any(e["text"] == "1 manifest(s), 1 pinned package(s) audited" for e in item["evidence"])
    nothing = _project(tmp_path / "empty", {"app.py": "x = 1\n"})
    empty = _dependency_item(_run("checklist", str(nothing), "--isolated", "-f", "json", "--db", str(OSV_TEST_DATA)))
    assert empty["status"] == "unknown" and "nothing to audit" in empty["decided_by"]
