"""Every source parser on the realistic manifests of tests/data/manifests, against its EXPECTED.md: each `audit`
row yields exactly its advisories (132 in all), with their aliases and the smallest fix; withdrawn advisories,
constraint-only pins, unpinned ranges, VCS/URL/path lines and false markers yield none."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from bastion.core.notice import NoticeKind
from bastion.core.result import ScanResult
from tests.conftest import TEST_DATA, make_services
from tests.deps.expected_md import ExpectedManifests, ExpectedRow, read_expected

MANIFESTS = TEST_DATA / "manifests"
# EXPECTED.md sections and the files whose findings count for them (requirements.txt includes requirements-dev.txt).
SECTION_FILES = {
    "requirements.txt": {"requirements.txt", "requirements-dev.txt"},
    "pyproject.toml": {"pyproject.toml"},
    "poetry.lock": {"poetry.lock"},
    "Pipfile.lock": {"Pipfile.lock"},
    "uv.lock": {"uv.lock"},
}


def _scan(folder: Path, **deps: object) -> ScanResult:
    config = BastionConfig.model_validate({"select": ["DEP101"], "deps": deps})
    return scan([folder], ScanOptions(config=config, root=folder, jobs=1, services=make_services()))


@pytest.fixture(scope="module")
def expected() -> ExpectedManifests:
    return read_expected()


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return _scan(MANIFESTS)


def _found(result: ScanResult, section: str) -> dict[tuple[str, str], frozenset[str]]:
    found: dict[tuple[str, str], frozenset[str]] = {}
    for finding in result.findings:
        if finding.location.path in SECTION_FILES[section]:
            key = (finding.properties["package"], finding.properties["id"])
            assert key not in found, f"{key} reported twice in {section}"
            found[key] = frozenset(finding.properties["aliases"])
    return found


def _audit_rows(expected: ExpectedManifests, section: str) -> list[ExpectedRow]:
    return [row for row in expected.sections[section] if row.treatment == "audit"]


def test_expected_md_lists_132_advisories(expected: ExpectedManifests) -> None:
    counted = sum(
        len(row.advisories) for rows in expected.sections.values() for row in rows if row.treatment == "audit"
    )
    assert expected.total == counted == 132
    assert set(expected.sections) == set(SECTION_FILES)


@pytest.mark.parametrize("section", sorted(SECTION_FILES))
def test_each_manifest_yields_exactly_its_advisories_with_aliases(
    section: str, expected: ExpectedManifests, result: ScanResult
) -> None:
    wanted = {
        (row.package, i): aliases for row in _audit_rows(expected, section) for i, aliases in row.advisories.items()
    }
    found = _found(result, section)
    assert sorted(set(wanted) - set(found)) == [], "advisories not reported"
    assert sorted(set(found) - set(wanted)) == [], "advisories reported that EXPECTED.md does not list"
    assert {key: found[key] for key in wanted} == wanted


def test_total_over_all_manifests_is_132(result: ScanResult) -> None:
    assert len(result.findings) == 132
    assert Counter(f.code for f in result.findings) == {"DEP101": 132}


@pytest.mark.parametrize("section", sorted(SECTION_FILES))
def test_smallest_fix_per_package(section: str, expected: ExpectedManifests, result: ScanResult) -> None:
    fixes = {
        f.properties["package"]: f.properties["smallest_fix"]
        for f in result.findings
        if f.location.path in SECTION_FILES[section]
    }
    wanted = {row.package: row.smallest_fix for row in _audit_rows(expected, section) if row.advisories}
    assert fixes == wanted


def test_withdrawn_advisories_are_never_reported(expected: ExpectedManifests, result: ScanResult) -> None:
    withdrawn = {i for rows in expected.sections.values() for row in rows for i in row.withdrawn}
    assert withdrawn == {"PYSEC-2023-73", "PYSEC-2022-43059"}
    reported = {i for f in result.findings for i in (f.properties["id"], *f.properties["aliases"])}
    assert not withdrawn & reported


def test_constraint_only_pins_add_no_package(expected: ExpectedManifests, result: ScanResult) -> None:
    (lxml,) = [row for row in expected.sections["requirements.txt"] if row.treatment == "constraint-only"]
    assert lxml.advisories, "the trap: ids a parser treating constraints as requirements would report"
    assert not [f for f in result.findings if f.location.path == "constraints.txt"]
    in_requirements = {f.properties["package"] for f in result.findings if f.location.path.startswith("requirements")}
    assert "lxml" not in in_requirements


def test_false_markers_are_skipped_with_a_notice(result: ScanResult) -> None:
    assert not [f for f in result.findings if f.properties["package"] in ("waitress", "pywin32")]
    skipped = [n for n in result.notices if "environment marker" in n.message]
    assert {(n.path, n.line) for n in skipped} == {("requirements.txt", 34), ("pyproject.toml", 17)}


def test_markers_can_be_ignored_to_audit_every_platform(expected: ExpectedManifests) -> None:
    result = _scan(MANIFESTS, **{"evaluate-markers": False})
    (waitress,) = [row for row in expected.sections["requirements.txt"] if row.package == "waitress"]
    found = {f.properties["id"] for f in result.findings if f.properties["package"] == "waitress"}
    assert found == set(waitress.advisories)
    assert {f.properties["smallest_fix"] for f in result.findings if f.properties["package"] == "waitress"} == {
        waitress.smallest_fix
    }
    assert len(result.findings) == 132 + len(waitress.advisories)  # pywin32 306 has no advisory


def test_unauditable_dependencies_are_notices_not_crashes(expected: ExpectedManifests, result: ScanResult) -> None:
    not_audited = {(n.path, n.message.split("`")[1]) for n in result.notices if "not a PyPI release" in n.message}
    wanted = {
        ("requirements.txt", "tornado"),
        ("requirements.txt", "itsdangerous"),
        ("requirements.txt", "localpkg"),
        ("requirements.txt", "twisted"),
        ("poetry.lock", "requests"),
        ("Pipfile.lock", "gunicorn"),
    }
    assert not_audited == wanted
    rows = {row.package for rows in expected.sections.values() for row in rows if row.treatment == "unauditable"}
    assert {package for _, package in wanted} == rows
    assert not [n for n in result.notices if n.kind.blocking]
    # The lock file's own project is not a PyPI package: neither audited nor reported as unauditable.
    assert not [n for n in result.notices if "bastion-demo-app" in n.message]


def test_findings_point_at_the_declaring_line(result: ScanResult) -> None:
    lines = {(f.location.path, f.properties["package"]): f.location.line for f in result.findings}
    assert lines[("requirements.txt", "django")] == 9
    assert lines[("requirements.txt", "jinja2")] == 11  # the first line of a continued requirement
    assert lines[("requirements-dev.txt", "pip")] == 3
    assert lines[("pyproject.toml", "babel")] == 22
    assert lines[("pyproject.toml", "pygments")] == 25
    assert lines[("poetry.lock", "django")] == 30
    assert lines[("Pipfile.lock", "notebook")] == 66
    assert lines[("uv.lock", "twisted")] == 91
    assert all(f.snippet for f in result.findings)


def test_finding_properties_and_stable_context(result: ScanResult) -> None:
    (finding,) = [
        f for f in result.findings if f.location.path == "requirements.txt" and f.properties["id"] == "PYSEC-2021-47"
    ]
    properties = finding.properties
    assert properties["package"] == "pydantic"
    assert properties["version"] == "1.7.2"
    assert properties["aliases"] == ["GHSA-5jqp-qgf6-3pvh", "CVE-2021-29510"]
    assert properties["ids"] == ["PYSEC-2021-47", "GHSA-5jqp-qgf6-3pvh", "CVE-2021-29510"]
    assert properties["fixed_versions"] == ["1.6.2", "1.7.4", "1.8.2"]
    assert properties["smallest_fix"] == "1.7.4"
    assert finding.context == "pydantic:CVE-2021-29510"
    assert "upgrade pydantic to 1.7.4" in finding.fix_hint
    assert finding.fingerprint


def test_cvss_vector_sets_the_severity(result: ScanResult) -> None:
    scored = [f for f in result.findings if f.properties["cvss_vector"]]
    assert scored
    for finding in scored:
        assert finding.properties["severity_source"] == "cvss"
        score = finding.properties["cvss_score"]
        assert finding.severity.label == (
            "critical" if score >= 9 else "high" if score >= 7 else "medium" if score >= 4 else "low"
        )
    unscored = [f for f in result.findings if not f.properties["cvss_vector"]]
    assert {f.severity.label for f in unscored} == {"medium"}
    assert not [n for n in result.notices if n.kind is NoticeKind.INTERNAL_ERROR]
