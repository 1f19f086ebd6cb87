"""Advisory ignores: `[tool.bastion.deps] ignore = [{ id, reason, expires }]` (and `[deps]` in bastion.toml) and
`--ignore-vuln ID`. An ignore silences one advisory by any of its ids and nothing else; it needs a reason; after
its expiry date the advisory is reported again with a notice; an ignored advisory a release fixes gets a notice;
a stale ignore is BST001; ignored findings are listed as suppressed, with their reason, in every machine format."""

from __future__ import annotations

import datetime as dt
import io
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from bastion.api import ScanOptions, ScanRequest, run, scan
from bastion.api.advisory_ignores import ConfiguredIgnore, apply_advisory_ignores
from bastion.api.config_loader import load_config
from bastion.core.config import AdvisoryIgnore
from bastion.core.errors import ConfigError
from bastion.core.finding import Finding, Location
from bastion.core.notice import NoticeKind
from bastion.core.result import ScanResult
from bastion.core.severity import Confidence, Severity
from bastion.report.formats import FORMATS, render
from bastion.report.json_report import render_json
from bastion.report.sarif import sarif_document
from bastion.report.text import render_findings, render_summary
from tests.conftest import OSV_TEST_DATA, TEST_DATA, make_services
from tests.foundation.conftest import run_cli, write_tree
from tests.secrets.gitrepo import GitRepo

# flask 0.12.2 has three advisories in the test data, each with a PYSEC id, a GHSA alias and a CVE alias.
FLASK = "flask==0.12.2\n"
JSON_DECODER = ("PYSEC-2018-66", "GHSA-562c-5r94-xh97", "CVE-2018-1000656")  # fixed in 0.12.3
MEMORY = ("PYSEC-2019-179", "GHSA-5wv5-4vpf-pj6m", "CVE-2019-1010083")  # fixed in 1.0
CACHING = "PYSEC-2023-62"
FLASK_ADVISORIES = {JSON_DECODER[0], MEMORY[0], CACHING}
# pycrypto 2.6.1's advisories have no fixed release.
PYCRYPTO = "pycrypto==2.6.1\n"
PYCRYPTO_ADVISORY = "PYSEC-2018-97"
SARIF_SCHEMA = TEST_DATA / "sarif" / "sarif-schema-2.1.0.json"


def _pyproject(*entries: str) -> str:
    return (
        "[project]\nname = 'app'\n\n[tool.bastion.deps]\nignore = [\n" + "".join(f"  {e},\n" for e in entries) + "]\n"
    )


def _entry(advisory: str, reason: str = "reviewed: not reachable", expires: str | None = None) -> str:
    until = f', expires = "{expires}"' if expires else ""
    return f'{{ id = "{advisory}", reason = "{reason}"{until} }}'


def _scan(
    root: Path, *, today: dt.date | None = None, unused: bool = False, ignore_vulns: tuple[str, ...] = ()
) -> ScanResult:
    loaded = load_config(root)
    config = loaded.config.model_copy(update={"select": ("DEP101", "BST001")})
    options = ScanOptions(
        config=config,
        root=loaded.root,
        jobs=1,
        services=make_services(),
        config_path=loaded.path,
        report_unused_suppressions=unused,
        ignore_vulns=ignore_vulns,
        today=today,
    )
    return scan([root], options)


def _reported(result: ScanResult) -> set[str]:
    return {str(f.properties["id"]) for f in result.findings if f.code == "DEP101"}


def _ignored(result: ScanResult) -> set[str]:
    return {str(item.finding.properties["id"]) for item in result.suppressed}


# --- configuration: what is accepted, and the clear error for what is not ------------------------------------


def test_an_entry_with_a_reason_and_a_date_is_read_from_pyproject_and_bastion_toml(tmp_path: Path) -> None:
    pyproject = write_tree(
        tmp_path / "a", {"pyproject.toml": _pyproject(_entry("GHSA-562c-5r94-xh97", expires="2027-03-01"))}
    )
    (ignore,) = load_config(pyproject).config.deps.ignore
    assert ignore == AdvisoryIgnore(
        id="GHSA-562c-5r94-xh97", reason="reviewed: not reachable", expires=dt.date(2027, 3, 1)
    )
    # A TOML date (unquoted) is a date too; no expiry is allowed.
    toml = write_tree(
        tmp_path / "b",
        {
            "bastion.toml": '[deps]\nignore = [{ id = "CVE-2019-1010083", reason = "r", expires = 2027-03-01 }, '
            '{ id = "PYSEC-2018-66", reason = "r" }]\n'
        },
    )
    first, second = load_config(toml).config.deps.ignore
    assert first.expires == dt.date(2027, 3, 1) and second.expires is None


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ('{ id = "GHSA-562c-5r94-xh97" }', "'deps.ignore[0]': the ignore of GHSA-562c-5r94-xh97 has no `reason`"),
        ('{ id = "GHSA-562c-5r94-xh97", reason = "  " }', "'deps.ignore[0].reason': the reason is empty"),
        (
            '{ id = "GHSA-562c-5r94-xh97", reason = "r", until = "2027-01-01" }',
            "unknown key 'deps.ignore[0].until'; allowed keys are: expires, id, reason",
        ),
        (
            '{ id = "GHSA-562c-5r94-xh97", reason = "r", expires = "2027-02-30" }',
            "'deps.ignore[0].expires': not a date",
        ),
        ('{ id = "GHSA-562c-5r94-xh97", reason = "r", expires = "next year" }', "expected a date, YYYY-MM-DD"),
        ('{ id = "GHSA-562c-5r94-xh97", reason = "r", expires = 2027-03-01T10:00:00 }', "expected a date, YYYY-MM-DD"),
        ('{ id = "GHSA-562c-5r94-xh97", reason = "r", expires = 20270301 }', "expected a date, YYYY-MM-DD"),
        ('{ id = "flask-0.12", reason = "r" }', "'deps.ignore[0].id': 'flask-0.12' is not an advisory id"),
        ('{ id = "GHSA-562c", reason = "r" }', "'GHSA-562c' is not an advisory id"),
        ('{ reason = "r" }', "'deps.ignore[0].id': Field required"),
        ('"GHSA-562c-5r94-xh97"', "write each ignored advisory as a table"),
    ],
)
def test_a_bad_entry_is_a_configuration_error_that_says_what_is_wrong(
    tmp_path: Path, entry: str, expected: str
) -> None:
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject(entry)})
    with pytest.raises(ConfigError) as error:
        load_config(root)
    assert expected in str(error.value)
    assert str(root / "pyproject.toml") in str(error.value)


def test_a_table_instead_of_a_list_is_explained(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"bastion.toml": '[deps]\nignore = { id = "PYSEC-2018-66", reason = "r" }\n'})
    with pytest.raises(ConfigError, match="expected a list of tables"):
        load_config(root)


def test_a_missing_reason_exits_2_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject('{ id = "PYSEC-2018-66" }'), "requirements.txt": FLASK})
    for command in ("scan", "deps"):
        result = run_cli(command, str(root), "--db", str(OSV_TEST_DATA), "--no-cache")
        assert result.returncode == 2
        assert "bastion: error:" in result.stderr and "has no `reason`" in result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("bad", ["PYSEC-2018", "flask", "GHSA-562c-5r94", "CVE-18-1"])
def test_ignore_vuln_that_is_no_advisory_id_exits_2(tmp_path: Path, bad: str) -> None:
    root = write_tree(tmp_path, {"requirements.txt": FLASK})
    result = run_cli("deps", str(root), "--isolated", "--db", str(OSV_TEST_DATA), "--ignore-vuln", bad)
    assert result.returncode == 2
    assert f"--ignore-vuln {bad}: not an advisory id" in result.stderr
    assert "Traceback" not in result.stderr


def _shown(result: ScanResult, fmt: str, *, show_suppressed: bool = False) -> str:
    if fmt != "text":
        return render(result, fmt, threshold=Severity.LOW, show_suppressed=show_suppressed)
    console = Console(file=io.StringIO(), width=400, soft_wrap=True, force_terminal=False)
    render_findings(console, result, show_suppressed=show_suppressed)
    render_summary(console, result, threshold=Severity.LOW)
    return console.file.getvalue()  # type: ignore[attr-defined]


# --- matching: one advisory, by any of its ids ---------------------------------------------------------------


@pytest.mark.parametrize("named", [*JSON_DECODER, JSON_DECODER[1].lower(), JSON_DECODER[2].lower()])
def test_any_id_of_the_advisory_ignores_that_advisory_only(tmp_path: Path, named: str) -> None:
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject(_entry(named)), "requirements.txt": FLASK})
    result = _scan(root)
    assert _ignored(result) == {JSON_DECODER[0]}
    assert _reported(result) == FLASK_ADVISORIES - {JSON_DECODER[0]}, "the package's other advisories stay reported"


def test_an_ignore_of_another_packages_advisory_ignores_nothing_here(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject(_entry(PYCRYPTO_ADVISORY)), "requirements.txt": FLASK})
    result = _scan(root)
    assert not result.suppressed
    assert _reported(result) == FLASK_ADVISORIES


def test_an_ignore_applies_in_every_manifest_that_pins_the_package(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": _pyproject(_entry(MEMORY[1])),
        "requirements.txt": FLASK,
        "services/api/requirements.txt": FLASK + PYCRYPTO,
    }
    result = _scan(write_tree(tmp_path, files))
    assert sorted(item.finding.location.path for item in result.suppressed) == [
        "requirements.txt",
        "services/api/requirements.txt",
    ]
    assert PYCRYPTO_ADVISORY in _reported(result)


def test_ignore_vuln_on_the_command_line_ignores_without_a_configuration(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"requirements.txt": FLASK})
    result = run(
        ScanRequest(paths=(root,), isolated=True, jobs=1, select=("DEP101",), ignore_vulns=("cve-2023-30861",)),
        services=make_services(),
    )
    assert _ignored(result) == {CACHING}
    (item,) = result.suppressed
    assert item.suppression.kind == "external" and item.suppression.text == "--ignore-vuln cve-2023-30861"
    assert item.suppression.path is None and "--ignore-vuln" in item.suppression.reason
    assert _reported(result) == FLASK_ADVISORIES - {CACHING}


def test_only_vulnerable_dependency_findings_are_ignored() -> None:
    """A finding of another rule that happens to carry an `id` property is never silenced by an advisory ignore."""
    ignore = ConfiguredIgnore(AdvisoryIgnore(id="PYSEC-2018-66", reason="r"), "pyproject.toml", 5, in_tree=True)
    ids = {"id": "PYSEC-2018-66"}
    other = Finding("CFG101", "m", Location("settings.py", 3), Severity.HIGH, Confidence.HIGH, properties=ids)
    advisory = Finding("DEP101", "m", Location("requirements.txt", 1), Severity.HIGH, Confidence.HIGH, properties=ids)
    outcome = apply_advisory_ignores([other, advisory], [], [ignore], dt.date(2026, 1, 1))
    assert outcome.active == [other]
    assert [item.finding for item in outcome.ignored] == [advisory]


# --- expiry -------------------------------------------------------------------------------------------------------


def test_an_ignore_works_to_its_expiry_date_and_not_after(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path, {"pyproject.toml": _pyproject(_entry(MEMORY[2], expires="2027-03-01")), "requirements.txt": FLASK}
    )
    for today in (dt.date(2026, 12, 7), dt.date(2027, 3, 1)):
        result = _scan(root, today=today)
        assert _ignored(result) == {MEMORY[0]}, today
        assert not any("expired" in notice.message for notice in result.notices)
    after = _scan(root, today=dt.date(2027, 3, 2))
    assert not after.suppressed
    assert MEMORY[0] in _reported(after)
    (notice,) = [notice for notice in after.notices if "expired" in notice.message]
    assert notice.kind is NoticeKind.CONFIG
    assert (notice.path, notice.line) == ("pyproject.toml", 6)
    assert "expired on 2027-03-01" in notice.message and f"{MEMORY[2]} is reported again (1 finding)" in notice.message


def test_an_expired_ignore_that_matches_nothing_still_says_it_expired(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {"pyproject.toml": _pyproject(_entry(PYCRYPTO_ADVISORY, expires="2020-01-01")), "requirements.txt": FLASK},
    )
    result = _scan(root, unused=True)
    (notice,) = [notice for notice in result.notices if "expired" in notice.message]
    assert "expired on 2020-01-01; it ignores nothing now" in notice.message
    assert not [f for f in result.findings if f.code == "BST001"], "an expired ignore is not also reported as unused"


def test_the_expiry_notice_is_in_every_format(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path, {"pyproject.toml": _pyproject(_entry(MEMORY[0], expires="2020-01-01")), "requirements.txt": FLASK}
    )
    result = _scan(root)
    for fmt in FORMATS:
        assert "expired on 2020-01-01" in _shown(result, fmt), fmt


# --- an ignored advisory that a release fixes ---------------------------------------------------------------------


def test_an_ignored_advisory_with_a_fixed_release_gets_a_notice(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject(_entry(JSON_DECODER[1])), "requirements.txt": FLASK})
    result = _scan(root)
    (notice,) = [notice for notice in result.notices if "is ignored but fixed in" in notice.message]
    assert notice.message.startswith(f"{JSON_DECODER[1]} is ignored but fixed in 0.12.3: upgrade flask 0.12.2")
    assert (notice.path, notice.line) == ("requirements.txt", 1)


def test_the_fix_named_is_the_first_release_after_the_pinned_one(tmp_path: Path) -> None:
    # PYSEC-2023-62 is fixed in 2.2.5 and in 2.3.2: a project on 2.3.0 needs 2.3.2.
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject(_entry(CACHING)), "requirements.txt": "flask==2.3.0\n"})
    (notice,) = [notice for notice in _scan(root).notices if "is ignored but fixed in" in notice.message]
    assert "fixed in 2.3.2: upgrade flask 2.3.0" in notice.message


def test_an_ignored_advisory_with_no_fixed_release_gets_no_such_notice(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject(_entry(PYCRYPTO_ADVISORY)), "requirements.txt": PYCRYPTO})
    result = _scan(root)
    assert _ignored(result) == {PYCRYPTO_ADVISORY}
    assert not any("fixed in" in notice.message for notice in result.notices)


# --- stale ignores: BST001 ------------------------------------------------------------------------------------------


def test_an_ignore_that_matches_nothing_is_an_unused_suppression(tmp_path: Path) -> None:
    entries = (_entry(JSON_DECODER[0]), _entry(PYCRYPTO_ADVISORY))
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject(*entries), "requirements.txt": FLASK})
    result = _scan(root, unused=True, ignore_vulns=("GHSA-cq27-v7xp-c356",))
    stale = sorted((f.location.path, f.location.line, f.message) for f in result.findings if f.code == "BST001")
    assert stale == [
        (
            ".",
            1,
            "unused advisory ignore `--ignore-vuln GHSA-cq27-v7xp-c356` (the command line): no audited dependency "
            "has GHSA-cq27-v7xp-c356 in this scan",
        ),
        (
            "pyproject.toml",
            7,
            f"unused advisory ignore `deps.ignore {PYCRYPTO_ADVISORY}` (pyproject.toml:7): no audited dependency "
            f"has {PYCRYPTO_ADVISORY} in this scan",
        ),
    ]
    # Only with --report-unused-suppressions, as for comments.
    assert not [f for f in _scan(root).findings if f.code == "BST001"]


def test_an_ignore_of_an_advisory_a_comment_already_silences_is_in_use(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": _pyproject(_entry(CACHING)),
        "requirements.txt": "flask==0.12.2  # bastion: ignore[PYSEC-2023-62] reviewed\n",
    }
    result = _scan(write_tree(tmp_path, files), unused=True)
    assert _ignored(result) == {CACHING}
    assert not [f for f in result.findings if f.code == "BST001"]


def test_no_ignore_is_called_stale_when_the_audit_did_not_run(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject(_entry(PYCRYPTO_ADVISORY)), "requirements.txt": FLASK})
    result = run(
        ScanRequest(paths=(root,), jobs=1, offline=True, select=("DEP101", "BST001"), report_unused_suppressions=True)
    )
    assert not [f for f in result.findings if f.code == "BST001"]
    assert any(f.code.startswith("BST1") for f in result.findings), "the skipped audit itself is reported"


def test_bastion_deps_reports_stale_ignores_when_asked(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject(_entry(PYCRYPTO_ADVISORY)), "requirements.txt": FLASK})
    args = ("deps", str(root), "--db", str(OSV_TEST_DATA), "--no-cache", "-f", "json")
    asked = json.loads(run_cli(*args, "--report-unused-suppressions").stdout)
    assert [(f["code"], f["path"]) for f in asked["findings"] if f["code"] == "BST001"] == [
        ("BST001", "pyproject.toml")
    ]
    plain = json.loads(run_cli(*args).stdout)
    assert not [f for f in plain["findings"] if f["code"] == "BST001"]


# --- listed as suppressed, with the reason, in the machine formats ------------------------------------------------


def _listed(tmp_path: Path) -> ScanResult:
    entry = _entry(JSON_DECODER[1], reason="decoder never reached: we parse JSON ourselves", expires="2999-01-01")
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject(entry), "requirements.txt": FLASK})
    return _scan(root)


def test_json_lists_ignored_advisories_with_their_reason_and_counts_them(tmp_path: Path) -> None:
    result = _listed(tmp_path)
    document = json.loads(render_json(result, threshold=Severity.LOW, show_suppressed=True))
    schema = json.loads(resources.files("bastion.report").joinpath("schemas/report-v2.json").read_text("utf-8"))
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    assert document["summary"]["suppressed"] == 1 and document["summary"]["ignored_advisories"] == 1
    (item,) = document["suppressed"]
    assert item["properties"]["id"] == JSON_DECODER[0]
    assert item["suppressed_by"] == f"deps.ignore {JSON_DECODER[1]}"
    assert item["suppression"] == {
        "kind": "external",
        "path": "pyproject.toml",
        "line": 6,
        "reason": "decoder never reached: we parse JSON ourselves",
        "expires": "2999-01-01",
    }
    # Without --show-suppressed the summary still counts it.
    assert json.loads(render_json(result, threshold=Severity.LOW))["summary"]["ignored_advisories"] == 1


def test_sarif_lists_ignored_advisories_as_external_suppressions_with_a_justification(tmp_path: Path) -> None:
    document = sarif_document(_listed(tmp_path), show_suppressed=True)
    validator = jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    assert not list(validator.iter_errors(document))
    (suppressed,) = [r for r in document["runs"][0]["results"] if "suppressions" in r]
    (suppression,) = suppressed["suppressions"]
    assert suppression["kind"] == "external"
    assert suppression["justification"] == "decoder never reached: we parse JSON ourselves"
    assert suppression["location"]["physicalLocation"]["artifactLocation"]["uri"] == "pyproject.toml"
    assert suppression["location"]["physicalLocation"]["region"] == {"startLine": 6}
    assert suppression["properties"] == {"ignore": f"deps.ignore {JSON_DECODER[1]}", "expires": "2999-01-01"}
    # A comment stays `inSource`.
    assert all(
        s["kind"] == "inSource"
        for r in document["runs"][0]["results"]
        for s in r.get("suppressions", [])
        if r is not suppressed
    )


def test_text_names_the_ignore_and_its_reason(tmp_path: Path) -> None:
    shown = _shown(_listed(tmp_path), "text", show_suppressed=True)
    assert "1 suppressed (1 by advisory ignores)" in shown
    assert f"(by `deps.ignore {JSON_DECODER[1]}` in pyproject.toml:6 (until 2999-01-01): decoder never reached" in shown


def test_the_config_command_shows_the_ignores(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject(_entry(MEMORY[1], expires="2027-03-01"))})
    result = run_cli("config", str(root))
    assert result.returncode == 0
    assert (
        f'"ignore": [{{"id": "{MEMORY[1]}", "reason": "reviewed: not reachable", "expires": "2027-03-01"}}]'
        in result.stdout
    )


def test_an_advisory_id_among_the_rule_selectors_points_to_the_advisory_ignore(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"requirements.txt": FLASK})
    result = run_cli("deps", str(root), "--isolated", "--db", str(OSV_TEST_DATA), "--ignore", "pysec-2018-66")
    assert result.returncode == 2
    assert "'PYSEC-2018-66' is an advisory id, not a rule; to ignore one advisory use --ignore-vuln" in result.stderr
    # A rule code that matches nothing keeps its own message.
    other = run_cli("deps", str(root), "--isolated", "--db", str(OSV_TEST_DATA), "--ignore", "DEP999")
    assert other.returncode == 2 and "matches no rule" in other.stderr and "advisory id" not in other.stderr


def test_ignores_from_a_config_file_outside_the_project_name_that_file(tmp_path: Path) -> None:
    """A library caller may root the scan elsewhere than the configuration's directory: notices and findings then
    name the file instead of pointing at a path outside the root."""
    entries = _entry(MEMORY[0], expires="2020-01-01") + ",\n" + _entry(CACHING) + ",\n" + _entry(PYCRYPTO_ADVISORY)
    shared = write_tree(tmp_path / "shared", {"bastion.toml": "[deps]\nignore = [\n" + entries + "]\n"})
    root = write_tree(tmp_path / "project", {"requirements.txt": FLASK})
    loaded = load_config(root, config_file=shared / "bastion.toml")
    options = ScanOptions(
        config=loaded.config.model_copy(update={"select": ("DEP101", "BST001")}),
        root=root,
        jobs=1,
        services=make_services(),
        config_path=loaded.path,
        report_unused_suppressions=True,
    )
    result = scan([root], options)
    assert _ignored(result) == {CACHING}
    (item,) = result.suppressed
    assert (item.suppression.path, item.suppression.line) == ((shared / "bastion.toml").as_posix(), 4)
    (expired,) = [notice for notice in result.notices if "expired" in notice.message]
    assert expired.path is None and f"({(shared / 'bastion.toml').as_posix()}:3) expired on" in expired.message
    (stale,) = [f for f in result.findings if f.code == "BST001"]
    assert stale.location.path == "." and f"({(shared / 'bastion.toml').as_posix()}:5)" in stale.message


def test_no_ignore_is_called_stale_by_a_diff_scan_that_did_not_audit_the_manifests(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("start", **{"pyproject.toml": _pyproject(_entry(CACHING)), "requirements.txt": FLASK})
    repo.write("pyproject.toml", _pyproject(_entry(CACHING), _entry(MEMORY[0])))  # requirements.txt unchanged
    args = (
        "scan",
        ".",
        "-f",
        "json",
        "--select",
        "DEP101,BST001",
        "--db",
        str(OSV_TEST_DATA),
        "--report-unused-suppressions",
    )
    report = json.loads(run_cli(*args, "--diff", "HEAD", cwd=repo.path).stdout)
    assert not [f for f in report["findings"] if f["code"] == "BST001"]
    # The same entries in a full scan are in use.
    full = json.loads(run_cli(*args, cwd=repo.path).stdout)
    assert not [f for f in full["findings"] if f["code"] == "BST001"]
    assert full["summary"]["ignored_advisories"] == 2


# --- trust: the scanned project's configuration may ignore advisories, never unseen -------------------------------


def test_every_report_names_the_advisories_the_project_configuration_ignores(tmp_path: Path) -> None:
    entries = (_entry(JSON_DECODER[1], expires="2999-01-01"), _entry(MEMORY[2], expires="2020-01-01"))
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject(*entries), "requirements.txt": FLASK})
    args = ("scan", str(root), "--select", "DEP101", "--db", str(OSV_TEST_DATA), "--ignore-vuln", CACHING)
    report = json.loads(run_cli(*args, "-f", "json").stdout)
    changes = {change["setting"]: change for change in report["configuration"]["changes"]}
    ignored = changes["deps.ignore"]
    assert ignored["value"] == f"{JSON_DECODER[1]} (until 2999-01-01), {MEMORY[2]} (expired 2020-01-01)"
    assert (ignored["source"], ignored["warning"]) == ("pyproject.toml", True)
    assert "advisories not reported" in ignored["effect"]
    command_line = changes["--ignore-vuln"]
    assert (command_line["value"], command_line["source"], command_line["warning"]) == (CACHING, "command line", False)
    # A warning: also a notice, so that the formats that show no configuration section (annotations) say it.
    for fmt in ("github", "gitlab", "junit", "sarif", "text"):
        shown = run_cli(*args, "-f", fmt).stdout
        assert f"deps.ignore = {JSON_DECODER[1]} (until 2999-01-01)" in shown, fmt


def test_no_ignore_is_stated_where_no_advisory_is_audited(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pyproject.toml": _pyproject(_entry(CACHING)), "app.py": "x = 1\n"})
    report = json.loads(run_cli("secrets", str(root), "-f", "json").stdout)
    assert not [c for c in report["configuration"]["changes"] if c["setting"] == "deps.ignore"]
    scanned = json.loads(run_cli("scan", str(root), "-f", "json", "--offline").stdout)
    assert [c["setting"] for c in scanned["configuration"]["changes"]] == ["deps.ignore"]
