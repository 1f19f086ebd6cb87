"""The OSV online service against a real HTTP server on 127.0.0.1 that answers like OSV: batch queries in order,
pagination, one GET per new record, the disk cache, and every way the service can fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from bastion.deps.audit import MAX_FIX_ROUNDS
from bastion.deps.model import PackageVersion
from bastion.deps.services.interface import ServiceUnavailable
from bastion.deps.services.osv_online import OsvService
from bastion.deps.services.record_cache import RecordCache
from bastion.rules.base import ScanServices
from tests.conftest import OSV_TEST_DATA, TEST_DATA, offline_advisories
from tests.deps import osv_server
from tests.deps.osv_server import FakeOsv, closed_port_url, load_records, serve

RECORDS = load_records(OSV_TEST_DATA)
PACKAGES = [
    PackageVersion("django", "3.2.0"),
    PackageVersion("pydantic", "1.7.2"),
    PackageVersion("redis", "4.5.3"),
    PackageVersion("markupsafe", "2.1.5"),
    PackageVersion("py", "1.11.0"),
]


def _service(url: str, cache_dir: Path | None = None, **options: object) -> OsvService:
    cache = RecordCache(cache_dir) if cache_dir is not None else None
    settings: dict[str, object] = {"timeout": 2.0, "attempts": 2, "backoff": 0.01, **options}
    return OsvService(base_url=url, cache=cache, **settings)  # type: ignore[arg-type]


def _ids(answers: dict[PackageVersion, tuple]) -> dict[PackageVersion, list[str]]:  # type: ignore[type-arg]
    return {package: sorted(a.id for a in advisories) for package, advisories in answers.items()}


def test_online_answers_match_the_offline_database_and_paginate(tmp_path: Path) -> None:
    fake = FakeOsv(RECORDS, page_size=4)
    with serve(fake) as url:
        answers = _service(url, tmp_path).query(PACKAGES)
    assert _ids(answers) == _ids(dict(offline_advisories().query(PACKAGES)))
    assert len(answers[PackageVersion("django", "3.2.0")]) == 25
    assert answers[PackageVersion("markupsafe", "2.1.5")] == ()
    assert [a.id for a in answers[PackageVersion("redis", "4.5.3")]] == ["PYSEC-2023-46"]  # withdrawn one dropped
    posts = [path for method, path in fake.requests if method == "POST"]
    gets = [path for method, path in fake.requests if method == "GET"]
    assert len(posts) == 7  # django's 25 ids in pages of 4: the first batch, then 6 pages of django alone
    assert fake.batch_sizes[0] == len(PACKAGES) and set(fake.batch_sizes[1:]) == {1}
    assert len(gets) == len(set(gets)) == 25 + 1 + 2 + 1  # one GET per distinct id (the withdrawn redis one too)


def test_a_second_run_reads_records_from_the_cache(tmp_path: Path) -> None:
    fake = FakeOsv(RECORDS)
    with serve(fake) as url:
        first = _service(url, tmp_path).query(PACKAGES)
        fake.requests.clear()
        second = _service(url, tmp_path).query(PACKAGES)
    assert _ids(first) == _ids(second)
    assert [method for method, _ in fake.requests] == ["POST"]  # the batch only: every record came from disk


def test_a_record_modified_since_it_was_cached_is_fetched_again(tmp_path: Path) -> None:
    records = dict(RECORDS)
    fake = FakeOsv(records)
    with serve(fake) as url:
        _service(url, tmp_path).query([PackageVersion("pydantic", "1.7.2")])
        records["PYSEC-2021-47"] = {**records["PYSEC-2021-47"], "modified": "2030-01-01T00:00:00Z"}
        fake.requests.clear()
        _service(url, tmp_path).query([PackageVersion("pydantic", "1.7.2")])
    assert ("GET", "/v1/vulns/PYSEC-2021-47") in fake.requests


def test_expired_cache_entries_are_not_used(tmp_path: Path) -> None:
    cache = RecordCache(tmp_path, max_age=0.0)
    cache.put("PYSEC-2021-47", RECORDS["PYSEC-2021-47"])
    assert cache.get("PYSEC-2021-47", RECORDS["PYSEC-2021-47"]["modified"]) is None
    fresh = RecordCache(tmp_path)
    assert fresh.get("PYSEC-2021-47", RECORDS["PYSEC-2021-47"]["modified"]) == RECORDS["PYSEC-2021-47"]
    assert fresh.get("PYSEC-2021-47", "another time") is None
    (tmp_path / "PYSEC-2021-47.json").write_text("{not json", encoding="utf-8")
    assert fresh.get("PYSEC-2021-47", RECORDS["PYSEC-2021-47"]["modified"]) is None


def test_transient_errors_are_retried(tmp_path: Path) -> None:
    fake = FakeOsv(RECORDS, mode=osv_server.FLAKY, failures=2)
    with serve(fake) as url:
        answers = _service(url, tmp_path, attempts=3).query([PackageVersion("pydantic", "1.7.2")])
    assert [a.id for a in answers[PackageVersion("pydantic", "1.7.2")]] == ["PYSEC-2021-47"]
    assert len(fake.requests) == 4  # 503, 503, the batch, the record


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        (osv_server.SERVER_ERROR, "HTTP 500"),
        (osv_server.GARBAGE, "not JSON"),
        (osv_server.WRONG_SHAPE, "unexpected shape"),
    ],
)
def test_server_errors_are_service_unavailable(mode: str, message: str) -> None:
    fake = FakeOsv(RECORDS, mode=mode)
    with serve(fake) as url, pytest.raises(ServiceUnavailable, match=message):
        _service(url).query(PACKAGES)


def test_a_timeout_is_service_unavailable() -> None:
    fake = FakeOsv(RECORDS, mode=osv_server.SLOW, delay=1.0)
    with serve(fake) as url, pytest.raises(ServiceUnavailable, match=r"no answer within 0.2 s \(2 attempts\)"):
        _service(url, timeout=0.2).query(PACKAGES)


def test_connection_refused_is_service_unavailable() -> None:
    with pytest.raises(ServiceUnavailable, match="cannot connect"):
        _service(closed_port_url()).query(PACKAGES)


def test_no_packages_no_request() -> None:
    assert _service(closed_port_url()).query([]) == {}


def test_the_whole_audit_online_matches_expected_md(tmp_path: Path) -> None:
    """The 132 advisories of EXPECTED.md, through the online service and the fake server (pages of 3)."""
    fake = FakeOsv(RECORDS, page_size=3)
    config = BastionConfig.model_validate({"select": ["DEP101"]})
    folder = TEST_DATA / "manifests"
    with serve(fake) as url:
        services = ScanServices(vulnerabilities=_service(url, tmp_path))
        result = scan([folder], ScanOptions(config=config, root=folder, jobs=1, services=services))
    assert len(result.findings) == 132
    assert not [n for n in result.notices if n.kind.blocking]


def test_a_few_requests_for_many_packages(tmp_path: Path) -> None:
    """Every manifest of tests/data/manifests (51 distinct pins): one batch, at most three more to check fix
    candidates, and one GET per advisory, each fetched once; a second run fetches no record again."""
    fake = FakeOsv(RECORDS)
    config = BastionConfig.model_validate({"select": ["DEP101"]})
    folder = TEST_DATA / "manifests"
    with serve(fake) as url:
        for _ in range(2):
            services = ScanServices(vulnerabilities=_service(url, tmp_path))
            scan([folder], ScanOptions(config=config, root=folder, jobs=1, services=services))
    posts = [path for method, path in fake.requests if method == "POST"]
    gets = [path for method, path in fake.requests if method == "GET"]
    assert fake.batch_sizes[0] == 51  # distinct (package, version) pairs, asked in one batch
    assert len(posts) <= 2 * (1 + MAX_FIX_ROUNDS)
    assert len(gets) == len(set(gets))  # the second run took every record from the cache
