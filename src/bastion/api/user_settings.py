"""The settings that decide whom the audit trusts: the advisory server, the offline advisory data, the cache.

They come from the user, never from the scanned repository. A project's `[tool.bastion.deps] osv-url` used to
be obeyed silently: a pull request could point the audit at its own server, which answered "no vulnerabilities"
and filled the shared record cache with its records for later scans of other projects. Each setting is taken
from the first of these that gives it:

1. the command line (`--osv-url`, `--db`, `--cache-dir`, `--timeout`);
2. an environment variable the user sets (`BASTION_OSV_URL`, `BASTION_DB`, `BASTION_CACHE_DIR`);
3. the user's own configuration file, `config.toml` in the user configuration directory
   (`~/.config/bastion/config.toml` on Linux), with the keys `osv-url`, `db`, `cache-dir`, `timeout`;
4. the default (OSV at https://api.osv.dev, the user cache directory).

The request timeout may also come from the project (`[tool.bastion.deps] timeout`): it bounds how long the audit
waits, it does not decide what it believes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bastion.api.request import ScanRequest
from bastion.core.config import BastionConfig, UserConfig
from bastion.core.errors import ConfigError
from bastion.core.schema import ValidationError
from bastion.deps.services.interface import DEFAULT_OSV_URL

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

USER_CONFIG_NAME = "config.toml"
ENVIRONMENT = {"osv_url": "BASTION_OSV_URL", "db": "BASTION_DB", "cache_dir": "BASTION_CACHE_DIR"}


@dataclass(frozen=True)
class Setting:
    value: Any
    source: str  # where it came from, for reports: "--osv-url", "BASTION_OSV_URL", the file, "default"


@dataclass(frozen=True)
class UserSettings:
    osv_url: Setting
    db: Setting  # a Path, or None
    cache_dir: Setting  # a Path, or None for the user cache directory
    timeout: Setting
    file: Path | None  # the user configuration file that was read, if any


def user_config_file() -> Path | None:
    try:
        import platformdirs

        return Path(platformdirs.user_config_dir("bastion", appauthor=False)) / USER_CONFIG_NAME
    except Exception:  # pragma: no cover - an exotic platform without a configuration directory
        return None


def read_user_config(path: Path | None) -> UserConfig:
    """The user's configuration file, validated; defaults when there is none."""
    if path is None or not path.is_file():
        return UserConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read your bastion configuration: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    try:
        return UserConfig.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(file)'}: {e['msg']}" for e in error.errors())
        raise ConfigError(
            f"{path}: {problems} (allowed keys: {', '.join(sorted(UserConfig.allowed_keys()))})"
        ) from None


def user_settings(
    request: ScanRequest,
    project: BastionConfig,
    *,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> UserSettings:
    """The trust settings in effect for `request`. `project` only lends its request timeout."""
    environ = os.environ if environ is None else environ
    path = config_file if config_file is not None else user_config_file()
    own = read_user_config(path)
    read = path if path is not None and path.is_file() else None
    where = str(read) if read is not None else ""

    def pick(name: str, option: str, given: Any, configured: Any, default: Any, convert: Any = None) -> Setting:
        if given is not None:
            return Setting(given, option)
        variable = ENVIRONMENT.get(name)
        if variable is not None and environ.get(variable):
            raw = environ[variable]
            return Setting(convert(raw) if convert is not None else raw, variable)
        if configured is not None:
            return Setting(configured, where)
        return Setting(default, "default")

    timeout = pick("timeout", "--timeout", request.timeout, own.timeout, None)
    if timeout.value is None:
        from_project = "timeout" in project.deps.model_fields_set
        timeout = Setting(project.deps.timeout, "[tool.bastion.deps] timeout" if from_project else "default")
    return UserSettings(
        osv_url=pick("osv_url", "--osv-url", request.osv_url, own.osv_url, DEFAULT_OSV_URL),
        db=pick("db", "--db", request.db, _path(own.db), None, _expanded),
        cache_dir=pick("cache_dir", "--cache-dir", request.cache_dir, _path(own.cache_dir), None, _expanded),
        timeout=timeout,
        file=read,
    )


def _path(value: str | None) -> Path | None:
    return _expanded(value) if value else None


def _expanded(value: str) -> Path:
    # The user's own path: `~` is theirs to use (never done for paths from the scanned tree).
    return Path(value).expanduser()
