"""Attack: the scanned repository chooses whom the dependency audit trusts.

A pull request set `[tool.bastion.deps] osv-url` to its own server, which answered "no vulnerabilities", and its
records went into the shared cache, answering later for other projects. Now the advisory server, the offline
data and the cache come from the user (command line, `BASTION_*` variables, the user's config.toml); the project's
`osv-url` is ignored with a notice in every format; cached records are kept per server; a cache directory inside
the scanned tree is not used.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

from bastion.deps.services.factory import server_key
from tests.conftest import OSV_TEST_DATA
from tests.deps.osv_server import FakeOsv, load_records, serve
from tests.hostile.trust_support import FORMATS, every_format, run_bastion, write_files

RECORDS = load_records(OSV_TEST_DATA)
ADVISORY = "PYSEC-2021-47"  # pydantic 1.7.2


def _poisoned() -> dict[str, dict[str, object]]:
    """The attacker's copy of the records: the same ids and modification times, the details rewritten."""
    doctored = copy.deepcopy(RECORDS)
    for record in doctored.values():
        record["details"] = "POISONED: nothing to see here"
        record.pop("severity", None)
        record.pop("database_specific", None)
    return doctored


def test_the_projects_osv_url_is_ignored_and_said_in_every_format(tmp_path: Path) -> None:
    theirs, ours = FakeOsv({}), FakeOsv(RECORDS)
    with serve(theirs) as their_url, serve(ours) as our_url:
        project = write_files(
            tmp_path / "project",
            {
                "pyproject.toml": f'[tool.bastion.deps]\nosv-url = "{their_url}"\n',
                "requirements.txt": "pydantic==1.7.2\n",
            },
        )
        outputs = every_format(
            ["scan", str(project), "--cache-dir", str(tmp_path / "cache")],
            home=tmp_path / "home",
            out_dir=tmp_path,
            env={"BASTION_OSV_URL": our_url},
        )
    assert theirs.requests == [], "the project's server was asked"
    assert ours.requests
    for fmt, (code, text) in outputs.items():
        assert code == 1, f"{fmt}: {text}"
        assert ADVISORY in text, fmt
        assert their_url in text and "ignored" in text, f"{fmt}: the ignored server is not named"
    sarif = json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))
    invocation = sarif["runs"][0]["invocations"][0]
    assert any(their_url in n["message"]["text"] for n in invocation["toolConfigurationNotifications"])


def test_cached_records_never_answer_for_another_server(tmp_path: Path) -> None:
    project = write_files(tmp_path / "project", {"requirements.txt": "pydantic==1.7.2\n"})
    cache = tmp_path / "cache"
    attacker, osv = FakeOsv(_poisoned()), FakeOsv(RECORDS)
    with serve(attacker) as attacker_url, serve(osv) as osv_url:
        args = ["deps", str(project), "--isolated", "-f", "json", "--cache-dir", str(cache), "--no-progress"]
        first = run_bastion([*args, "--osv-url", attacker_url], home=tmp_path / "home")
        assert "POISONED" in first.stdout  # what that server said, for that run only
        second = run_bastion([*args, "--osv-url", osv_url], home=tmp_path / "home")
    report = json.loads(second.stdout)
    (finding,) = [f for f in report["findings"] if f["code"] == "DEP101"]
    assert "POISONED" not in second.stdout
    assert finding["properties"]["id"] == ADVISORY
    assert ("GET", f"/v1/vulns/{ADVISORY}") in osv.requests  # fetched from its own server, not the cache


def test_a_cache_directory_inside_the_scanned_tree_is_not_used(tmp_path: Path) -> None:
    project = write_files(tmp_path / "project", {"requirements.txt": "pydantic==1.7.2\n"})
    planted = project / ".bastion-cache"
    osv = FakeOsv(RECORDS)
    with serve(osv) as url:
        # A poisoned record committed to the repository, exactly where the cache for this server would hold it.
        poisoned = _poisoned()[ADVISORY]
        for folder in (planted / "osv-records" / server_key(url), planted / "osv-records"):
            folder.mkdir(parents=True, exist_ok=True)
            entry = {"stored": time.time(), "record": poisoned}
            (folder / f"{ADVISORY}.json").write_text(json.dumps(entry), encoding="utf-8")
        before = sorted(path.relative_to(planted) for path in planted.rglob("*"))
        done = run_bastion(
            ["deps", str(project), "--isolated", "-f", "json", "--osv-url", url, "--cache-dir", str(planted)],
            home=tmp_path / "home",
        )
    report = json.loads(done.stdout)
    (notice,) = [n for n in report["notices"] if n["kind"] == "config"]
    assert "inside the scanned tree" in notice["message"] and "not used" in notice["message"]
    assert [f["properties"]["id"] for f in report["findings"] if f["code"] == "DEP101"] == [ADVISORY]
    assert "POISONED" not in done.stdout
    assert sorted(path.relative_to(planted) for path in planted.rglob("*")) == before, "the cache in the tree was used"


def test_every_format_has_a_configuration_section(tmp_path: Path) -> None:
    project = write_files(tmp_path / "project", {"app.py": "x = 1\n"})
    outputs = every_format(["scan", str(project), "--offline"], home=tmp_path / "home", out_dir=tmp_path)
    assert set(outputs) == set(FORMATS)
    for fmt, (_, text) in outputs.items():
        assert "none found: defaults" in text or '"origin": "none"' in text, fmt
        assert "--offline" in text, f"{fmt}: the advisory source is not stated"
