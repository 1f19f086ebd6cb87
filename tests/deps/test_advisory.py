"""OSV range evaluation, severity, alias merging and the smallest fix, on records shaped like the real ones."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bastion.core.severity import Severity
from bastion.deps.advisory import Advisory, advisories_from_record
from bastion.deps.aliases import merge_aliases
from bastion.deps.fixes import smallest_fix
from bastion.deps.severity import advisory_severity
from tests.conftest import OSV_TEST_DATA, offline_advisories


def record(identifier: str = "PYSEC-0000-1", *, events: list[dict[str, str]] | None = None, **fields: Any) -> dict:  # type: ignore[type-arg]
    affected = {
        "package": {"ecosystem": "PyPI", "name": fields.pop("name", "Demo_Pkg")},
        "ranges": [{"type": "ECOSYSTEM", "events": events or [{"introduced": "0"}, {"fixed": "2.0"}]}],
    }
    affected.update(fields.pop("affected_extra", {}))
    return {"id": identifier, "modified": "2024-01-01T00:00:00Z", "affected": [affected], **fields}


def advisory(**kwargs: Any) -> Advisory:
    (only,) = advisories_from_record(record(**kwargs))
    return only


def shared(identifier: str) -> Advisory:
    data = json.loads((OSV_TEST_DATA / f"{identifier}.json").read_text(encoding="utf-8"))
    (only,) = advisories_from_record(data)
    return only


@pytest.mark.parametrize(
    ("events", "affected", "safe"),
    [
        ([{"introduced": "0"}, {"fixed": "2.0"}], ["0.1", "1.9.9", "2.0rc1"], ["2.0", "2.0.0", "3"]),
        ([{"introduced": "1.2"}, {"fixed": "1.4"}], ["1.2", "1.2.0", "1.3.9"], ["1.1", "1.4", "1.5"]),
        ([{"introduced": "0"}, {"last_affected": "1.11.0"}], ["1.11.0", "1.11"], ["1.11.1", "2.0"]),
        ([{"introduced": "0"}], ["0.0.1", "99"], []),
        ([{"introduced": "1.0"}, {"limit": "1.5"}], ["1.0", "1.4"], ["0.9", "1.5", "2.0"]),
        # Out of order, several intervals (pydantic PYSEC-2021-47's shape).
        (
            [
                {"introduced": "1.8"},
                {"fixed": "1.8.2"},
                {"introduced": "1.7"},
                {"fixed": "1.7.4"},
                {"introduced": "0"},
                {"fixed": "1.6.2"},
            ],
            ["1.6.1", "1.7", "1.7.2", "1.8.1"],
            ["1.6.2", "1.6.5", "1.7.4", "1.8.2", "2.0"],
        ),
        ([{"introduced": "1.0"}, {"fixed": "1.0"}], [], ["1.0", "0.9"]),
    ],
)
def test_ecosystem_ranges(events: list[dict[str, str]], affected: list[str], safe: list[str]) -> None:
    item = advisory(events=events)
    assert [v for v in affected if not item.affects(v)] == []
    assert [v for v in safe if item.affects(v)] == []


def test_explicit_versions_list_is_enough_and_git_ranges_are_ignored() -> None:
    item = advisory(
        events=[{"introduced": "5.0"}, {"fixed": "5.1"}],
        affected_extra={
            "versions": ["1.0.0", "0.8.0-alpha2"],
            "ranges": [
                {"type": "GIT", "repo": "https://x.invalid", "events": [{"introduced": "0"}, {"fixed": "abc123"}]},
                {"type": "ECOSYSTEM", "events": [{"introduced": "5.0"}, {"fixed": "5.1"}]},
            ],
        },
    )
    assert item.affects("1.0") and item.affects("0.8a2") and item.affects("5.0.1")
    assert not item.affects("2.0") and not item.affects("abc123")
    assert item.fixed_versions() == ("5.1",)


def test_unparsable_versions_never_crash() -> None:
    item = advisory(events=[{"introduced": "0"}, {"fixed": "not-a-version"}], affected_extra={"versions": ["dev-r1"]})
    assert item.affects("1.0")  # the fix cannot be read: still affected
    assert not item.affects("garbage version")


def test_withdrawn_other_ecosystems_and_malformed_records_give_nothing() -> None:
    assert advisories_from_record(record(withdrawn="2024-02-02T00:00:00Z")) == []
    other = record()
    other["affected"][0]["package"]["ecosystem"] = "npm"
    assert advisories_from_record(other) == []
    assert advisories_from_record({"id": 3}) == []
    assert advisories_from_record({"id": "X", "affected": "nope"}) == []


def test_a_record_for_several_packages_gives_one_advisory_each() -> None:
    data = record(name="pkg-a")
    data["affected"].append({"package": {"ecosystem": "PyPI", "name": "Pkg.B"}, "versions": ["1.0"]})
    assert [a.package for a in advisories_from_record(data)] == ["pkg-a", "pkg-b"]
    assert [a.package for a in advisories_from_record(data, package="PKG_B")] == ["pkg-b"]


def test_summary_falls_back_to_the_first_sentences_of_details() -> None:
    assert advisory(summary="Title", details="Long text.").summary == "Title"
    text = advisory(details="Requests is a HTTP library. It leaks a header. More words follow here.").summary
    assert text.startswith("Requests is a HTTP library. It leaks a header.")
    assert len(advisory(details="x" * 1000).summary) == 200


@pytest.mark.parametrize(
    ("severity", "database", "level", "score"),
    [
        ([{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}], None, Severity.CRITICAL, 9.8),
        ([{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}], None, Severity.HIGH, 7.5),
        ([{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"}], None, Severity.MEDIUM, 6.1),
        ([{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"}], None, Severity.LOW, 1.8),
        (
            [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],
            None,
            Severity.CRITICAL,
            9.3,
        ),
        ([{"type": "CVSS_V3", "score": "garbage"}], {"severity": "MODERATE"}, Severity.MEDIUM, None),
        ([], {"severity": "HIGH"}, Severity.HIGH, None),
        ([{"type": "Ubuntu", "score": "high"}], None, Severity.MEDIUM, None),
        (None, "not a mapping", Severity.MEDIUM, None),
    ],
)
def test_severity(severity: Any, database: Any, level: Severity, score: float | None) -> None:
    result = advisory_severity(severity, database)
    assert result.level is level
    assert result.score == score


def test_aliases_merge_pysec_ghsa_and_shared_cve() -> None:
    pysec = advisory(identifier="PYSEC-2021-47", aliases=["CVE-2021-29510", "GHSA-5jqp-qgf6-3pvh"])
    ghsa = advisory(
        identifier="GHSA-5jqp-qgf6-3pvh",
        aliases=["CVE-2021-29510"],
        summary="Infinite loop",
        severity=[{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
    )
    other_by_cve = advisory(identifier="SNYK-PY-1", aliases=["CVE-2021-29510"])
    unrelated = advisory(identifier="PYSEC-2023-1", aliases=["CVE-2023-1"])
    groups = merge_aliases([ghsa, unrelated, other_by_cve, pysec])
    assert [g.id for g in groups] == ["PYSEC-2021-47", "PYSEC-2023-1"]
    merged = groups[0]
    assert merged.aliases == ("GHSA-5jqp-qgf6-3pvh", "CVE-2021-29510", "SNYK-PY-1")
    assert merged.key == "CVE-2021-29510"
    assert merged.summary == "Infinite loop"
    assert merged.level is Severity.HIGH  # the CVSS score of the GHSA record
    assert groups[1].aliases == ("CVE-2023-1",)


def test_smallest_fix() -> None:
    # waitress 1.4.0: 2.1.1 fixes its three advisories but falls in another one, introduced later.
    affecting = [shared(i) for i in ("PYSEC-2019-138", "PYSEC-2020-155", "PYSEC-2022-169")]
    every = list(offline_advisories().package_advisories("waitress"))
    assert smallest_fix("1.4.0", affecting) == "2.1.1"
    assert smallest_fix("1.4.0", every) == "2.1.2"
    assert smallest_fix("1.11.0", [shared("PYSEC-2022-42969")]) is None  # py: last_affected only
    assert smallest_fix("2.6.1", [shared("PYSEC-2017-94"), shared("PYSEC-2018-97")]) is None  # pycrypto: no fix
    assert smallest_fix("22.4.0", [shared("PYSEC-2023-224"), shared("PYSEC-2024-75")]) == "24.7.0rc1"
    assert smallest_fix("not a version", every) is None
