"""The configuration schema (`[tool.bastion]` or `bastion.toml`): frozen dataclasses, validated by `core/schema`.

Loading the file is the API layer's job; this module only says what is allowed. Keys are written with hyphens in
TOML (`extend-exclude`) and are attributes with underscores here. Family sections (`[tool.bastion.deps]` ...) are
nested tables so that an unknown key anywhere is an error, not silently ignored. `X.model_validate(table)` checks
a table (a ValidationError lists every problem); `X(...)` builds a value from typed, already normal values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bastion.core import patterns
from bastion.core.advisory_ids import EXAMPLES, is_advisory_id
from bastion.core.schema import Table, checks
from bastion.core.severity import Severity
from bastion.core.test_paths import DEFAULT_TEST_PATHS

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "node_modules",
    "build",
    "dist",
    "__pycache__",
    "site-packages",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "*.egg-info",
)
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
# CPU seconds the analysis of one file may take (`--file-time-limit`). Real files take well under a second each;
# the budget stops input built to be slow. Not a `[tool.bastion]` key: the scanned tree must not lift it.
DEFAULT_FILE_TIME_LIMIT = 30.0

_ISO_DATE = patterns.compile(r"^\d{4}-\d{2}-\d{2}$")
_SIZE = patterns.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)[iI]?[bB]?\s*$")
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _advisory_id(value: str) -> str:
    value = value.strip()
    if not is_advisory_id(value):
        raise ValueError(f"{value!r} is not an advisory id (such as {EXAMPLES})")
    return value


def _reason_given(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("the reason is empty: say why the advisory does not apply or who accepted the risk")
    return value


def _date(value: object) -> object:
    # TOML has dates (`expires = 2027-03-01`) and strings (`"2027-03-01"`); a date-time or a number is a slip.
    if value is None:  # no expiry (a dumped configuration validated again)
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, (dt.date, str)):
        raise ValueError("expected a date, YYYY-MM-DD")
    if isinstance(value, str):
        if not _ISO_DATE.match(value.strip()):
            raise ValueError("expected a date, YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"not a date: {exc}") from None
    return value


@dataclass(frozen=True)
class AdvisoryIgnore(Table):
    """One entry of `[tool.bastion.deps] ignore`: an advisory not to report, why, and until when.

    The id may be any of the advisory's ids (PYSEC, GHSA, CVE ...); the reason is required, so that every ignore
    says who decided what; after `expires` (a date, YYYY-MM-DD) the advisory is reported again.
    """

    id: str = field(metadata=checks(after=_advisory_id))
    reason: str = field(metadata=checks(after=_reason_given))
    expires: dt.date | None = field(default=None, metadata=checks(before=_date))

    @classmethod
    def check_table(cls, value: object) -> object:
        if isinstance(value, str):
            raise ValueError(
                f'write each ignored advisory as a table: {{ id = "{value}", reason = "why", expires = "YYYY-MM-DD" }}'
            )
        if isinstance(value, dict) and "reason" not in value:
            raise ValueError(
                f"the ignore of {value.get('id', '(no id)')!s} has no `reason`: say why the advisory does not apply "
                "or who accepted the risk"
            )
        return value

    def expired(self, today: dt.date) -> bool:
        """Past its expiry date (the date itself is the last day it ignores), like a baseline entry."""
        return self.expires is not None and self.expires < today


def _list_of_tables(value: object) -> object:
    if isinstance(value, (dict, str)):
        raise ValueError('expected a list of tables: ignore = [{ id = "GHSA-...", reason = "why" }, ...]')
    return value


@dataclass(frozen=True)
class DepsConfig(Table):
    """`[tool.bastion.deps]`: the dependency audit. `--timeout` overrides `timeout`.

    `osv-url` is accepted so that older configurations still validate, and ignored with a notice: the advisory
    server is the user's choice (command line, environment, user configuration), never the scanned project's.
    """

    osv_url: str | None = None
    timeout: float = field(default=15.0, metadata=checks(gt=0, le=600))
    # False audits every declared package whatever its environment marker (`sys_platform == "win32"` ...).
    evaluate_markers: bool = True
    # Advisories not to report (listed as suppressed, with their reason), each until its expiry date.
    ignore: tuple[AdvisoryIgnore, ...] = field(default=(), metadata=checks(before=_list_of_tables))


@dataclass(frozen=True)
class TaintConfig(Table):
    """`[tool.bastion.taint]`: options of the taint analysis (TNT rules)."""

    # Environment variables are set by whoever deploys the code; treating them as input is opt-in.
    environment_sources: bool = False
    # Paths through more calls than this are not followed.
    max_call_depth: int = field(default=12, metadata=checks(ge=1, le=64))


@dataclass(frozen=True)
class UserConfig(Table):
    """The user's own `config.toml` (in the user configuration directory): the settings that decide whom the audit
    trusts, which a scanned repository may not set. Paths may start with `~`."""

    osv_url: str | None = None
    db: str | None = None
    cache_dir: str | None = None
    timeout: float | None = field(default=None, metadata=checks(gt=0, le=600))


_CONTAINER_USER = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$"


@dataclass(frozen=True)
class FixConfig(Table):
    """`[tool.bastion.fix]`: values that `bastion fix` writes into code."""

    # The `timeout=` (seconds) given to HTTP requests that have none (PAT507).
    http_timeout: float = field(default=30.0, metadata=checks(gt=0, le=3600))
    # The user a Dockerfile's final stage switches to when it runs as root (CFG401): a UID, or a name.
    container_user: str = field(default="10001", metadata=checks(pattern=_CONTAINER_USER))


def _parse_severity(value: object) -> object:
    if isinstance(value, str):
        return Severity.parse(value)
    return value


def _severity_label(value: Severity) -> str:
    return value.label


def _parse_size(value: object) -> object:
    if isinstance(value, str):
        match = _SIZE.match(value)
        if not match:
            raise ValueError(f"{value!r} is not a size; write bytes (2097152) or a unit (2MB, 512KB)")
        return int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if isinstance(value, bool):
        raise ValueError("expected a size in bytes or a string such as '2MB'")
    return value


def _upper_codes(value: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(code.strip().upper() for code in value)


def _upper_per_file(value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {pattern: tuple(code.strip().upper() for code in codes) for pattern, codes in value.items()}


@dataclass(frozen=True)
class BastionConfig(Table):
    """Everything `[tool.bastion]` may hold. CLI flags override these values."""

    select: tuple[str, ...] | None = field(default=None, metadata=checks(after=_upper_codes))
    extend_select: tuple[str, ...] = field(default=(), metadata=checks(after=_upper_codes))
    ignore: tuple[str, ...] = field(default=(), metadata=checks(after=_upper_codes))
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict, metadata=checks(after=_upper_per_file))
    fail_on: Severity = field(default=Severity.LOW, metadata=checks(before=_parse_severity, dump=_severity_label))
    max_file_size: int = field(default=DEFAULT_MAX_FILE_SIZE, metadata=checks(before=_parse_size))
    respect_gitignore: bool = True
    # Test, CI, docs and example code (gitignore syntax): findings there are held back unless `include-tests`.
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    extend_test_paths: tuple[str, ...] = ()
    include_tests: bool = False
    # The oldest Python the project runs on ("3.11"); when unset, taken from `[project] requires-python`. Rules
    # whose risk depends on the interpreter (the XML parsers' expat) read it; None means unknown.
    target_version: str | None = field(default=None, metadata=checks(pattern=r"^3\.\d{1,2}$"))
    deps: DepsConfig = field(default_factory=DepsConfig)
    taint: TaintConfig = field(default_factory=TaintConfig)
    fix: FixConfig = field(default_factory=FixConfig)

    @property
    def target_python(self) -> tuple[int, int] | None:
        """`target_version` as (major, minor), or None when unknown."""
        if self.target_version is None:
            return None
        major, minor = self.target_version.split(".")
        return int(major), int(minor)

    @property
    def all_excludes(self) -> tuple[str, ...]:
        return self.exclude + self.extend_exclude

    @property
    def all_test_paths(self) -> tuple[str, ...]:
        return self.test_paths + self.extend_test_paths
