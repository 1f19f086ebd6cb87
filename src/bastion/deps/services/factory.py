"""Build the vulnerability service a scan asked for: an offline database (`--db`) or OSV online."""

from __future__ import annotations

from pathlib import Path

from bastion.deps.services.interface import DEFAULT_OSV_URL, DEFAULT_TIMEOUT, VulnerabilityService
from bastion.deps.services.offline import OfflineDatabase, default_cache_dir
from bastion.deps.services.record_cache import RecordCache


def online_service(
    *, osv_url: str = DEFAULT_OSV_URL, timeout: float = DEFAULT_TIMEOUT, cache_dir: Path | None = None
) -> VulnerabilityService:
    """OSV online, with the on-disk record cache in `cache_dir` (default: the user cache directory)."""
    # Imported here: httpx is only needed when the audit goes online, not in every worker that loads the rules.
    from bastion.deps.services.osv_online import OsvService

    base = cache_dir if cache_dir is not None else default_cache_dir()
    cache = RecordCache(base / "osv-records") if base is not None else None
    return OsvService(base_url=osv_url, timeout=timeout, cache=cache)


def offline_service(db: Path, *, cache_dir: Path | None = None) -> VulnerabilityService:
    """The OSV data at `db` (a folder of OSV JSON files or a zip of them), indexed in `cache_dir`."""
    return OfflineDatabase(db, cache_dir=cache_dir)
