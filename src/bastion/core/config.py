"""The configuration schema (`[tool.bastion]` or `bastion.toml`), validated by pydantic.

Loading the file is the API layer's job; this module only says what is allowed. Keys are written with hyphens in
TOML (`extend-exclude`) and are attributes with underscores here. Family sections (`[tool.bastion.deps]` ...) are
nested models so that an unknown key anywhere is an error, not silently ignored.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator, model_validator

from bastion.core import patterns
from bastion.core.advisory_ids import EXAMPLES, is_advisory_id
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


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


def _hyphen(name: str) -> str:
    return name.replace("_", "-")


class AdvisoryIgnore(_Section):
    """One entry of `[tool.bastion.deps] ignore`: an advisory not to report, why, and until when.

    The id may be any of the advisory's ids (PYSEC, GHSA, CVE ...); the reason is required, so that every ignore
    says who decided what; after `expires` (a date, YYYY-MM-DD) the advisory is reported again.
    """

    id: str
    reason: str
    expires: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _table_with_reason(cls, value: object) -> object:
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

    @field_validator("id", mode="after")
    @classmethod
    def _advisory_id(cls, value: str) -> str:
        value = value.strip()
        if not is_advisory_id(value):
            raise ValueError(f"{value!r} is not an advisory id (such as {EXAMPLES})")
        return value

    @field_validator("reason", mode="after")
    @classmethod
    def _reason_given(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("the reason is empty: say why the advisory does not apply or who accepted the risk")
        return value

    @field_validator("expires", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
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

    def expired(self, today: dt.date) -> bool:
        """Past its expiry date (the date itself is the last day it ignores), like a baseline entry."""
        return self.expires is not None and self.expires < today


class DepsConfig(_Section):
    """`[tool.bastion.deps]`: the dependency audit. `--timeout` overrides `timeout`.

    `osv-url` is accepted so that older configurations still validate, and ignored with a notice: the advisory
    server is the user's choice (command line, environment, user configuration), never the scanned project's.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, alias_generator=_hyphen)

    osv_url: str | None = None
    timeout: float = Field(default=15.0, gt=0, le=600)
    # False audits every declared package whatever its environment marker (`sys_platform == "win32"` ...).
    evaluate_markers: bool = True
    # Advisories not to report (listed as suppressed, with their reason), each until its expiry date.
    ignore: tuple[AdvisoryIgnore, ...] = ()

    @field_validator("ignore", mode="before")
    @classmethod
    def _list_of_tables(cls, value: object) -> object:
        if isinstance(value, (dict, str)):
            raise ValueError('expected a list of tables: ignore = [{ id = "GHSA-...", reason = "why" }, ...]')
        return value


class TaintConfig(_Section):
    """`[tool.bastion.taint]`: options of the taint analysis (TNT rules)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, alias_generator=_hyphen)

    # Environment variables are set by whoever deploys the code; treating them as input is opt-in.
    environment_sources: bool = False
    # Paths through more calls than this are not followed.
    max_call_depth: int = Field(default=12, ge=1, le=64)


class UserConfig(_Section):
    """The user's own `config.toml` (in the user configuration directory): the settings that decide whom the audit
    trusts, which a scanned repository may not set. Paths may start with `~`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, alias_generator=_hyphen)

    osv_url: str | None = None
    db: str | None = None
    cache_dir: str | None = None
    timeout: float | None = Field(default=None, gt=0, le=600)

    @classmethod
    def allowed_keys(cls) -> list[str]:
        return [field.alias or name for name, field in cls.model_fields.items()]


_CONTAINER_USER = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$"


class FixConfig(_Section):
    """`[tool.bastion.fix]`: values that `bastion fix` writes into code."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, alias_generator=_hyphen)

    # The `timeout=` (seconds) given to HTTP requests that have none (PAT507).
    http_timeout: float = Field(default=30.0, gt=0, le=3600)
    # The user a Dockerfile's final stage switches to when it runs as root (CFG401): a UID, or a name.
    container_user: str = Field(default="10001", pattern=_CONTAINER_USER)


class BastionConfig(_Section):
    """Everything `[tool.bastion]` may hold. CLI flags override these values."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, alias_generator=_hyphen)

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    fail_on: Severity = Severity.LOW
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    respect_gitignore: bool = True
    # Test, CI, docs and example code (gitignore syntax): findings there are held back unless `include-tests`.
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    extend_test_paths: tuple[str, ...] = ()
    include_tests: bool = False
    # The oldest Python the project runs on ("3.11"); when unset, taken from `[project] requires-python`. Rules
    # whose risk depends on the interpreter (the XML parsers' expat) read it; None means unknown.
    target_version: str | None = Field(default=None, pattern=r"^3\.\d{1,2}$")
    deps: DepsConfig = Field(default_factory=DepsConfig)
    taint: TaintConfig = Field(default_factory=TaintConfig)
    fix: FixConfig = Field(default_factory=FixConfig)

    @field_validator("fail_on", mode="before")
    @classmethod
    def _parse_severity(cls, value: object) -> object:
        if isinstance(value, str):
            return Severity.parse(value)
        return value

    @field_serializer("fail_on")
    def _severity_label(self, value: Severity) -> str:
        return value.label

    @field_validator("max_file_size", mode="before")
    @classmethod
    def _parse_size(cls, value: object) -> object:
        if isinstance(value, str):
            match = _SIZE.match(value)
            if not match:
                raise ValueError(f"{value!r} is not a size; write bytes (2097152) or a unit (2MB, 512KB)")
            return int(float(match.group(1)) * _UNITS[match.group(2).lower()])
        if isinstance(value, bool):
            raise ValueError("expected a size in bytes or a string such as '2MB'")
        return value

    @field_validator("select", "extend_select", "ignore", mode="after")
    @classmethod
    def _upper_codes(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is None:
            return None
        return tuple(code.strip().upper() for code in value)

    @field_validator("per_file_ignores", mode="after")
    @classmethod
    def _upper_per_file(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        return {pattern: tuple(code.strip().upper() for code in codes) for pattern, codes in value.items()}

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
