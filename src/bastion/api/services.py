"""The outside services a scan uses, built from the request: the dependency audit's advisory source and the
installed environments to audit."""

from __future__ import annotations

from pathlib import Path

from bastion.api.request import ScanRequest
from bastion.core.config import BastionConfig
from bastion.deps.model import Manifest
from bastion.deps.services.factory import offline_service, online_service
from bastion.deps.services.interface import VulnerabilityService
from bastion.deps.sources.environment import installed_environment
from bastion.rules.base import ScanServices


def build_services(request: ScanRequest, config: BastionConfig, *, root: Path) -> ScanServices:
    """`db`: the offline data (no network). `offline` alone: no advisory source, the audit is skipped with a
    notice. Otherwise OSV online, the request's `osv_url`/`timeout` over `[tool.bastion.deps]`. `env_paths`
    (None: no environment audit; empty: the running interpreter's) adds installed distributions to audit."""
    vulnerabilities: VulnerabilityService | None = None
    if request.db is not None:
        vulnerabilities = offline_service(request.db, cache_dir=request.cache_dir)
    elif not request.offline:
        vulnerabilities = online_service(
            osv_url=request.osv_url or config.deps.osv_url,
            timeout=request.timeout or config.deps.timeout,
            cache_dir=request.cache_dir,
        )
    environments: tuple[Manifest, ...] = ()
    if request.env_paths is not None:
        environments = installed_environment([str(path) for path in request.env_paths], root=root)
    return ScanServices(
        offline=request.offline or request.db is not None, vulnerabilities=vulnerabilities, environments=environments
    )
