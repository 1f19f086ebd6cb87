"""The offline database: a folder or a zip of OSV JSON, indexed once, rebuilt when the data changes, tolerant of
bad files, and usable when the cache directory is not."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from bastion.deps.model import PackageVersion
from bastion.deps.services.interface import DatabaseError
from bastion.deps.services.offline import OfflineDatabase
from tests.conftest import OSV_TEST_DATA

PYDANTIC = PackageVersion("pydantic", "1.7.2")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "osv"
    folder.mkdir()
    for name in ("PYSEC-2021-47.json", "PYSEC-2023-46.json", "PYSEC-2023-73.json", "PYSEC-2022-42969.json"):
        shutil.copy(OSV_TEST_DATA / name, folder / name)
    return folder


def test_the_index_is_built_once_and_reused(data: Path, tmp_path: Path) -> None:
    first = OfflineDatabase(data, cache_dir=tmp_path / "cache")
    stats = first.open()
    assert (stats.records, stats.withdrawn, stats.rebuilt) == (4, 1, True)
    assert [a.id for a in first.query([PYDANTIC])[PYDANTIC]] == ["PYSEC-2021-47"]
    first.close()
    second = OfflineDatabase(data, cache_dir=tmp_path / "cache")
    assert second.open().rebuilt is False
    assert [a.id for a in second.query([PYDANTIC])[PYDANTIC]] == ["PYSEC-2021-47"]
    assert len(list((tmp_path / "cache" / "osv-index").iterdir())) == 1


def test_a_changed_file_rebuilds_the_index(data: Path, tmp_path: Path) -> None:
    OfflineDatabase(data, cache_dir=tmp_path).open()
    record = json.loads((data / "PYSEC-2021-47.json").read_text(encoding="utf-8"))
    record["withdrawn"] = "2024-01-01T00:00:00Z"
    (data / "PYSEC-2021-47.json").write_text(json.dumps(record), encoding="utf-8")
    os.utime(data / "PYSEC-2021-47.json", ns=(1, 1))
    again = OfflineDatabase(data, cache_dir=tmp_path)
    assert again.open().rebuilt is True
    assert again.query([PYDANTIC])[PYDANTIC] == ()


def test_a_zip_export_works_like_the_folder(data: Path, tmp_path: Path) -> None:
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in data.iterdir():
            handle.write(path, path.name)
        handle.writestr("README.txt", "not an advisory")
    queries = [PYDANTIC, PackageVersion("redis", "4.5.3"), PackageVersion("py", "1.11.0")]
    from_zip = OfflineDatabase(archive, cache_dir=tmp_path / "c").query(queries)
    from_folder = OfflineDatabase(data, cache_dir=tmp_path / "c").query(queries)
    assert {k: [a.id for a in v] for k, v in from_zip.items()} == {k: [a.id for a in v] for k, v in from_folder.items()}


def test_bad_files_are_skipped_with_a_warning(data: Path, tmp_path: Path) -> None:
    (data / "broken.json").write_text("{not json", encoding="utf-8")
    (data / "list.json").write_text("[1, 2]", encoding="utf-8")
    database = OfflineDatabase(data, cache_dir=tmp_path)
    assert [a.id for a in database.query([PYDANTIC])[PYDANTIC]] == ["PYSEC-2021-47"]
    (warning,) = database.warnings()
    assert "2 advisory file(s) skipped" in warning and "broken.json: not valid JSON" in warning
    # The warning survives in the index, for the runs that reuse it.
    reused = OfflineDatabase(data, cache_dir=tmp_path)
    reused.open()
    assert reused.warnings() == (warning,)


def test_an_unwritable_cache_falls_back_to_memory(data: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    database = OfflineDatabase(data, cache_dir=blocker)
    assert [a.id for a in database.query([PYDANTIC])[PYDANTIC]] == ["PYSEC-2021-47"]


@pytest.mark.parametrize("make", ["empty", "missing", "not-a-zip", "only-garbage"])
def test_unusable_data_is_a_database_error(make: str, tmp_path: Path) -> None:
    target = tmp_path / "db"
    if make == "empty":
        target.mkdir()
    elif make == "not-a-zip":
        target.write_text("hello", encoding="utf-8")
    elif make == "only-garbage":
        target.mkdir()
        (target / "x.json").write_text("nope", encoding="utf-8")
    with pytest.raises(DatabaseError):
        OfflineDatabase(target, cache_dir=tmp_path / "cache").query([PYDANTIC])
