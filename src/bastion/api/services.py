"""The outside services a scan uses, built from the request and the user's own settings: the dependency audit's
advisory source and the installed environments to audit.

Whom the audit trusts comes from `UserSettings` (the command line, the user's environment and configuration file),
never from the scanned repository. What the scanned tree could still influence is refused or said: a cache
directory inside the scanned tree is not used (the repository could plant an index, advisory records or cached
results there; the scan indexes in memory and analyses every file instead), and offline advisory data inside it is
used, since the user named it, with a notice that the repository being audited can change the advisories it is
audited against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bastion.api.request import ScanRequest
from bastion.api.user_settings import UserSettings
from bastion.core.notice import Notice, NoticeKind
from bastion.rules.base import ScanServices

if TYPE_CHECKING:
    from bastion.deps.model import Manifest
    from bastion.deps.services.interface import VulnerabilityService


@dataclass(frozen=True)
class BuiltServices:
    services: ScanServices
    notices: tuple[Notice, ...]


def build_services(
    request: ScanRequest,
    settings: UserSettings,
    *,
    root: Path,
    scanned: Sequence[Path] = (),
    advisories: bool = True,
) -> BuiltServices:
    """`db`: the offline data (no network). `offline` alone: no advisory source, the audit is skipped (BST107).
    Otherwise OSV online at the user's server. `env_paths` (None: no environment audit; empty: the running
    interpreter's) adds installed distributions to audit. Without `advisories` (no dependency rule runs) no
    advisory source is built, and the dependency audit's modules are not even imported."""
    trees = [root, *scanned]
    notices: list[Notice] = []
    cache_dir = settings.cache_dir.value
    effective_cache = cache_dir if cache_dir is not None else _default_cache_dir()
    disk_cache = effective_cache is None or not inside_tree(effective_cache, trees)
    if not disk_cache:
        notices.append(
            Notice(
                NoticeKind.CONFIG,
                f"the cache directory {effective_cache} ({settings.cache_dir.source}) is inside the scanned tree: not "
                "used, since the repository being audited could plant an advisory index, records or scan results "
                "there; this run keeps its index in memory, asks the server for every record and analyses every "
                "file (choose a cache directory outside the tree to keep them)",
            )
        )
    vulnerabilities: VulnerabilityService | None = None
    db = settings.db.value
    if advisories and db is not None:
        from bastion.deps.services.factory import offline_service

        if inside_tree(db, trees):
            notices.append(
                Notice(
                    NoticeKind.CONFIG,
                    f"the offline advisory data {db} ({settings.db.source}) is inside the scanned tree: the repository "
                    "being audited can change the advisories it is audited against",
                )
            )
        vulnerabilities = offline_service(db, cache_dir=cache_dir, disk_cache=disk_cache)
    elif advisories and not request.offline:
        from bastion.deps.services.factory import online_service

        vulnerabilities = online_service(
            osv_url=settings.osv_url.value,
            timeout=settings.timeout.value,
            cache_dir=cache_dir,
            disk_cache=disk_cache,
        )
    environments: tuple[Manifest, ...] = ()
    if request.env_paths is not None:
        from bastion.deps.sources.environment import installed_environment

        environments = installed_environment([str(path) for path in request.env_paths], root=root)
    services = ScanServices(
        offline=request.offline or db is not None, vulnerabilities=vulnerabilities, environments=environments
    )
    return BuiltServices(services, tuple(notices))


def _default_cache_dir() -> Path | None:
    """`bastion.deps.services.offline.default_cache_dir`, without importing the dependency audit's modules."""
    from bastion.api.result_cache import user_cache_directory

    return user_cache_directory()


def inside_tree(path: Path, trees: Sequence[Path]) -> bool:
    """Whether `path` is one of `trees` or lies inside one (after resolving links)."""
    try:
        resolved = Path(path).expanduser().resolve()
    except OSError:
        return False
    for tree in trees:
        try:
            base = tree.resolve()
        except OSError:
            continue
        if base.is_file():
            base = base.parent
        if resolved == base or resolved.is_relative_to(base):
            return True
    return False
