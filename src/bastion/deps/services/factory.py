"""Build the vulnerability service a scan asked for: an offline database (`--db`) or OSV online."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bastion.deps.services.interface import DEFAULT_OSV_URL, DEFAULT_TIMEOUT, VulnerabilityService
from bastion.deps.services.offline import OfflineDatabase, default_cache_dir
from bastion.deps.services.record_cache import RecordCache


def online_service(
    *,
    osv_url: str = DEFAULT_OSV_URL,
    timeout: float = DEFAULT_TIMEOUT,
    cache_dir: Path | None = None,
    disk_cache: bool = True,
) -> VulnerabilityService:
    """OSV online, with the on-disk record cache in `cache_dir` (default: the user cache directory), one folder
    per server: records one server gave never answer for another (a test server, a mirror, a hostile one)."""
    # Imported here: httpx is only needed when the audit goes online, not in every worker that loads the rules.
    from bastion.deps.services.osv_online import OsvService

    base = cache_dir if cache_dir is not None else default_cache_dir()
    cache = RecordCache(base / "osv-records" / server_key(osv_url)) if base is not None and disk_cache else None
    return OsvService(base_url=osv_url, timeout=timeout, cache=cache)


def server_key(url: str) -> str:
    """The cache folder of a server: a digest of its base URL (trailing slashes and case of the host ignored)."""
    normalised = url.strip().rstrip("/")
    scheme, separator, rest = normalised.partition("://")
    host, slash, path = rest.partition("/")
    canonical = f"{scheme.lower()}{separator}{host.lower()}{slash}{path}"
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:24]


def offline_service(db: Path, *, cache_dir: Path | None = None, disk_cache: bool = True) -> VulnerabilityService:
    """The OSV data at `db` (a folder of OSV JSON files or a zip of them), indexed in `cache_dir` (in memory for
    this run only without `disk_cache`)."""
    return OfflineDatabase(db, cache_dir=cache_dir, disk_cache=disk_cache)
