"""Find and validate the configuration: `bastion.toml`, or `[tool.bastion]` in `pyproject.toml`.

Walks up from the scanned path; the first `bastion.toml`, or the first `pyproject.toml` that has a
`[tool.bastion]` table, wins (a `pyproject.toml` without one is passed over, as ruff does). Command-line values
are merged into the file's table before validation, so both are checked by the same schema and CLI flags win.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bastion.core.config import BastionConfig
from bastion.core.errors import ConfigError
from bastion.core.schema import ValidationError
from bastion.source.files import FileReadError, read_text_file
from bastion.source.structured import DataFileError, parse_toml


@dataclass(frozen=True)
class LoadedConfig:
    config: BastionConfig
    path: Path | None  # the file it came from, None for defaults
    root: Path  # the project root: paths in reports are relative to it
    # The file's own values, without the command line's (None without a file): what the project switched off.
    file_config: BastionConfig | None = None


def find_config_file(start: Path) -> Path | None:
    directory = start if start.is_dir() else start.parent
    directory = directory.resolve()
    for candidate_dir in (directory, *directory.parents):
        bastion_toml = candidate_dir / "bastion.toml"
        if _present(bastion_toml):
            return bastion_toml
        pyproject = candidate_dir / "pyproject.toml"
        if _present(pyproject) and _has_bastion_table(pyproject):
            return pyproject
    return None


def _present(candidate: Path) -> bool:
    """Whether a configuration file is there. One that is not a regular file (a symlink, a FIFO) counts too, so
    that reading it says what it is, instead of a file above it silently taking its place."""
    return candidate.is_file() or (os.path.lexists(candidate) and not candidate.is_dir())


def find_project_root(start: Path) -> Path:
    """The nearest enclosing git work tree, else the scanned directory itself."""
    directory = (start if start.is_dir() else start.parent).resolve()
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return directory


def _has_bastion_table(pyproject: Path) -> bool:
    try:
        text = read_text_file(pyproject, errors="replace")
    except FileReadError:
        return True  # not a regular file: reading it as the configuration says so
    except OSError:
        return False
    try:
        data = parse_toml(text)
    except DataFileError:
        # A broken pyproject.toml that does mention bastion must be reported, not skipped.
        return "[tool.bastion" in text
    return isinstance(data.get("tool"), dict) and "bastion" in data["tool"]


def read_table(path: Path, *, named: bool = False) -> dict[str, Any]:
    """The bastion table of a config file, raw; ConfigError naming the file when it cannot be read. A file
    found in the scanned tree must be a regular file; one the user `named` (`--config`) may be a symlink to one."""
    try:
        text = read_text_file(path, follow_symlinks=named)
    except FileReadError as exc:
        raise ConfigError(f"{path}: {exc.reason}; a configuration file must be a regular file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the configuration file is not valid UTF-8") from None
    try:
        data = parse_toml(text)
    except DataFileError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("bastion", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.bastion] must be a table")
        return dict(table)
    return dict(data)


def load_config(
    start: Path,
    *,
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    extending: Collection[str] = (),
    isolated: bool = False,
) -> LoadedConfig:
    """Find, merge and validate the configuration for a scan rooted at `start`. `overrides` replace the file's
    keys (None values are skipped); for the keys named in `extending` they are appended to the file's list."""
    path = None if isolated else (config_file or find_config_file(start))
    table: dict[str, Any] = read_table(path, named=config_file is not None) if path is not None else {}
    merged = dict(table)
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        base = table.get(key)
        if key not in extending or base is None:
            merged[key] = value
        elif isinstance(base, list):
            merged[key] = [*base, *value]
        # else: the file's value has the wrong type; it stays, so that validation names it.
    config = validate(merged, path)
    root = path.parent.resolve() if path is not None else find_project_root(start)
    file_config = validate(table, path) if path is not None else None
    if config.target_version is None:
        # Project metadata, not configuration: read even with --isolated, since it describes the code itself.
        derived = target_version_of(_nearest_pyproject(start, root))
        if derived is not None:
            config = config.model_copy(update={"target_version": derived})
    return LoadedConfig(config, path, root, file_config)


def _nearest_pyproject(start: Path, root: Path) -> Path | None:
    directory = (start if start.is_dir() else start.parent).resolve()
    for candidate in (directory, *directory.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate / "pyproject.toml"
        if candidate == root:
            break
    return None


# Oldest minor versions tried against `requires-python`; far beyond any release, so that a floor is always found.
_MINORS = range(40)


def target_version_of(pyproject: Path | None) -> str | None:
    """The oldest Python 3 minor version `[project] requires-python` admits ("3.10" for ">=3.10,<4"); None when
    the file, the key or a readable specifier is missing."""
    if pyproject is None:
        return None
    try:
        data = parse_toml(read_text_file(pyproject))
    except (FileReadError, OSError, UnicodeDecodeError, DataFileError):
        return None
    project = data.get("project")
    spec_text = project.get("requires-python") if isinstance(project, dict) else None
    if not isinstance(spec_text, str):
        return None
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        spec = SpecifierSet(spec_text)
    except InvalidSpecifier:
        return None
    for minor in _MINORS:
        # Any release of the minor version counts (">=3.9.7" admits 3.9): try its first and a late patch.
        if any(spec.contains(f"3.{minor}.{patch}", prereleases=True) for patch in (0, 99)):
            return f"3.{minor}"
    return None


def validate(table: Mapping[str, Any], path: Path | None) -> BastionConfig:
    try:
        return BastionConfig.model_validate(dict(table))
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, path)) from None


def describe_validation_error(exc: ValidationError, path: Path | None) -> str:
    """One line per problem: the file, the table, the key, what is wrong and what is allowed."""
    where = f"{path}: " if path is not None else "configuration: "
    table = "[tool.bastion]" if path is None or path.name == "pyproject.toml" else "bastion.toml"
    lines = []
    for error in exc.errors():
        location = [str(part) for part in error["loc"]]
        key = _key_path(error["loc"]) or "(table)"
        if error["type"] == "extra_forbidden":
            allowed = ", ".join(_allowed_keys(location[:-1]))
            lines.append(f"{where}{table}: unknown key {key!r}; allowed keys are: {allowed}")
        else:
            lines.append(f"{where}{table}: key {key!r}: {error['msg']} (got {error.get('input')!r})")
    return "\n".join(lines)


def _key_path(location: Sequence[int | str]) -> str:
    """`deps.ignore[0].reason`: keys joined with dots, list positions in brackets."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _allowed_keys(section: list[str]) -> list[str]:
    return sorted(BastionConfig.table_at(section).allowed_keys())
