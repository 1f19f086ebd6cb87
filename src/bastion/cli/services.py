"""Build the outside services a scan uses from the command line: the dependency audit's advisory source."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bastion.core.config import BastionConfig
from bastion.deps.services.factory import offline_service, online_service
from bastion.deps.services.interface import VulnerabilityService
from bastion.deps.sources.environment import installed_environment
from bastion.rules.base import ScanServices


def build_services(
    config: BastionConfig,
    *,
    root: Path,
    db: Path | None = None,
    offline: bool = False,
    osv_url: str | None = None,
    timeout: float | None = None,
    cache_dir: Path | None = None,
    env_paths: Sequence[str] | None = None,
) -> ScanServices:
    """`--db PATH`: the offline data (no network). `--offline` alone: no advisory source, the audit is skipped
    with a notice. Otherwise OSV online, `--osv-url`/`--timeout` over `[tool.bastion.deps]`. `env_paths` (None:
    no environment audit; empty: the running interpreter's) adds installed distributions to audit."""
    vulnerabilities: VulnerabilityService | None = None
    if db is not None:
        vulnerabilities = offline_service(db, cache_dir=cache_dir)
    elif not offline:
        vulnerabilities = online_service(
            osv_url=osv_url or config.deps.osv_url, timeout=timeout or config.deps.timeout, cache_dir=cache_dir
        )
    environments = installed_environment(env_paths, root=root) if env_paths is not None else ()
    return ScanServices(offline=offline or db is not None, vulnerabilities=vulnerabilities, environments=environments)
