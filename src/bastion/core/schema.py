"""Validation of configuration tables into frozen dataclasses: a small schema engine for `core/config.py`.

bastion used pydantic for this, and importing and building those models was about half of the start-up of a
one-file scan (pre-commit pays it on every commit). The configuration needs little of it: a handful of types
(strings, booleans, numbers, lists of strings, tables of lists, dates, an enum, nested tables), bounds, a
pattern, and a few checks of its own. This module does that for dataclasses whose fields carry `checks(...)`
metadata, with pydantic's lax conversions (`"15"` is a number, `"off"` is false) and its error records
(`loc`, `msg`, `type`, `input`), so that the messages users see did not change.

A table's keys are the field names with hyphens (`max-file-size`); the underscore names are accepted too. An
unknown key is an error, never ignored. Every problem in a table is reported, not only the first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from bastion.core import patterns

_Table = TypeVar("_Table", bound="Table")
Location = tuple[int | str, ...]

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


class ValidationError(ValueError):
    """A table that does not fit its schema; `errors()` lists every problem, as pydantic's records did."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, p['loc']))}: {p['msg']}" for p in problems))
        self._problems = problems

    def errors(self) -> list[dict[str, Any]]:
        return list(self._problems)


class _Invalid(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclasses.dataclass(frozen=True)
class Checks:
    """What a field accepts beyond its type: bounds, a pattern, and conversions before and after the type check.
    `before`/`after` raise ValueError with the message the user sees; `dump` gives the value a table holds."""

    before: Callable[[Any], Any] | None = None
    after: Callable[[Any], Any] | None = None
    dump: Callable[[Any], Any] | None = None
    gt: float | None = None
    ge: float | None = None
    le: float | None = None
    pattern: str | None = None


_NO_CHECKS = Checks()


def checks(**given: Any) -> dict[str, Checks]:
    """Field metadata: `field(default=15.0, metadata=checks(gt=0, le=600))`."""
    return {"checks": Checks(**given)}


def key_of(name: str) -> str:
    return name.replace("_", "-")


class Table:
    """Base of the configuration dataclasses (which are `@dataclass(frozen=True)`): building one from a table
    (`model_validate`), a copy with some values changed (`model_copy`), and the table back (`model_dump`)."""

    @classmethod
    def check_table(cls, value: object) -> object:
        """The raw value of the whole table, before its keys are looked at; ValueError says what is wrong."""
        return value

    @classmethod
    def model_validate(cls: type[_Table], table: object) -> _Table:
        problems: list[dict[str, Any]] = []
        value = _section(cls, table, (), problems)
        if problems:
            raise ValidationError(problems)
        return typing.cast(_Table, value)

    def model_copy(self: _Table, *, update: Mapping[str, Any]) -> _Table:
        """A copy with the fields in `update` replaced (by name, not validated: values of the field's type)."""
        copy = dataclasses.replace(self, **update)  # type: ignore[type-var]
        object.__setattr__(copy, "_fields_set", self.model_fields_set | set(update))
        return copy

    @property
    def model_fields_set(self) -> frozenset[str]:
        """The fields the table gave (the rest took their defaults)."""
        given: frozenset[str] = self.__dict__.get("_fields_set", frozenset())
        return given

    def model_dump(
        self, *, mode: str = "python", by_alias: bool = False, exclude: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The table of this value: keys as names (or with hyphens, `by_alias`); `mode="json"` gives lists and
        ISO dates. `exclude` names fields to leave out, or nested tables' fields: `{"deps": {"ignore"}}`."""
        return _dump_table(self, mode == "json", by_alias, exclude or {})

    @classmethod
    def allowed_keys(cls) -> list[str]:
        return [key_of(field.name) for field in dataclasses.fields(cls)]  # type: ignore[arg-type]

    @classmethod
    def table_at(cls, keys: list[str]) -> type[Table]:
        """The table class that the keys lead to (`["deps", "ignore", "0"]` -> AdvisoryIgnore): as far as they go."""
        current: type[Table] = cls
        for key in keys:
            if key.isdigit():
                continue  # a position in a list of tables: the keys are the item's
            field = next((f for f in dataclasses.fields(current) if key_of(f.name) == key), None)  # type: ignore[arg-type]
            inner = _table_class(_hints(current)[field.name]) if field is not None else None
            if inner is None:
                break
            current = inner
        return current


def _table_class(hint: Any) -> type[Table] | None:
    """The table class a hint holds (itself, or the items of a tuple of tables), if any."""
    for candidate in (hint, *typing.get_args(hint)):
        if isinstance(candidate, type) and issubclass(candidate, Table):
            return candidate
    return None


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _section(cls: type[Table], raw: object, location: Location, problems: list[dict[str, Any]]) -> object:
    if isinstance(raw, cls):
        return raw
    try:
        raw = cls.check_table(raw)
    except ValueError as error:
        problems.append(_problem("value_error", location, str(error), raw))
        return None
    if not isinstance(raw, Mapping):
        message = f"Input should be a valid dictionary or instance of {cls.__name__}"
        problems.append(_problem("model_type", location, message, raw))
        return None
    values: dict[str, Any] = {}
    used: set[object] = set()
    hints = _hints(cls)
    before = len(problems)
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        key = key_of(field.name)
        present = key if key in raw else field.name if field.name in raw else None
        if present is None:
            if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                problems.append(_problem("missing", (*location, key), "Field required", raw))
            continue
        used.add(present)
        check = field.metadata.get("checks", _NO_CHECKS)
        values[field.name] = _field(hints[field.name], check, raw[present], (*location, present), problems)
    for key, value in raw.items():
        if key not in used:
            problems.append(_problem("extra_forbidden", (*location, key), "Extra inputs are not permitted", value))
    if len(problems) > before:
        return None
    made = cls(**values)
    object.__setattr__(made, "_fields_set", frozenset(values))
    return made


def _field(hint: Any, check: Checks, raw: object, location: Location, problems: list[dict[str, Any]]) -> object:
    value = raw
    try:
        if check.before is not None:
            value = check.before(value)
    except ValueError as error:
        problems.append(_problem("value_error", location, str(error), raw))
        return None
    before = len(problems)
    value = _typed(hint, value, location, problems)
    if len(problems) > before:
        return None
    try:
        _bounds(check, value)
        if check.after is not None:
            value = check.after(value)
    except _Invalid as invalid:
        problems.append(_problem(invalid.kind, location, invalid.message, raw))
    except ValueError as error:
        problems.append(_problem("value_error", location, str(error), raw))
    return value


def _bounds(check: Checks, value: Any) -> None:
    if value is None:
        return
    # Upper bound first: NaN fails it, as pydantic reported.
    if check.le is not None and not value <= check.le:
        raise _Invalid("less_than_equal", f"Input should be less than or equal to {_number(check.le)}")
    if check.gt is not None and not value > check.gt:
        raise _Invalid("greater_than", f"Input should be greater than {_number(check.gt)}")
    if check.ge is not None and not value >= check.ge:
        raise _Invalid("greater_than_equal", f"Input should be greater than or equal to {_number(check.ge)}")
    if check.pattern is not None and not _pattern(check.pattern).search(value):
        raise _Invalid("string_pattern_mismatch", f"String should match pattern '{check.pattern}'")


_PATTERNS: dict[str, patterns.Pattern] = {}


def _pattern(text: str) -> patterns.Pattern:
    compiled = _PATTERNS.get(text)
    if compiled is None:
        compiled = _PATTERNS[text] = patterns.compile(text)
    return compiled


def _number(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def _typed(hint: Any, value: object, location: Location, problems: list[dict[str, Any]]) -> object:
    """`value` converted to `hint`, or None with the problems recorded."""
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in arguments:
            return None
        (inner,) = (argument for argument in arguments if argument is not type(None))
        return _typed(inner, value, location, problems)
    if origin is tuple:
        if not isinstance(value, (list, tuple, set, frozenset)):
            problems.append(_problem("tuple_type", location, "Input should be a list (a TOML array)", value))
            return None
        return tuple(_typed(arguments[0], item, (*location, index), problems) for index, item in enumerate(value))
    if origin is dict:
        if not isinstance(value, Mapping):
            problems.append(_problem("dict_type", location, "Input should be a valid dictionary", value))
            return None
        converted = {}
        for key, item in value.items():
            converted[_typed(arguments[0], key, (*location, key), problems)] = _typed(
                arguments[1], item, (*location, key), problems
            )
        return converted
    if isinstance(hint, type) and issubclass(hint, Table):
        return _section(hint, value, location, problems)
    try:
        return _scalar(hint, value)
    except _Invalid as invalid:
        problems.append(_problem(invalid.kind, location, invalid.message, value))
        return None


def _scalar(hint: Any, value: object) -> object:
    if hint is str:
        if isinstance(value, str):
            return value
        raise _Invalid("string_type", "Input should be a valid string")
    if hint is bool:
        return _boolean(value)
    if hint is int:
        return _integer(value)
    if hint is float:
        return _float(value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except (ValueError, TypeError):
            allowed = [repr(member.value) for member in hint]
            raise _Invalid("enum", f"Input should be {', '.join(allowed[:-1])} or {allowed[-1]}") from None
    if hint is dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        raise _Invalid("date_type", "Input should be a valid date")
    raise TypeError(f"the configuration schema has a field of a type it cannot check: {hint!r}")


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    if isinstance(value, (str, int)) or (isinstance(value, float) and value.is_integer()):
        raise _Invalid("bool_parsing", "Input should be a valid boolean, unable to interpret input")
    raise _Invalid("bool_type", "Input should be a valid boolean")


def _integer(value: object) -> int:
    number: object = value
    if isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            number = _integral_text(value.strip())
    if isinstance(number, float):
        if not math.isfinite(number):
            raise _Invalid("finite_number", "Input should be a finite number")
        if not number.is_integer():
            raise _Invalid("int_from_float", "Input should be a valid integer, got a number with a fractional part")
        return int(number)
    if isinstance(number, int):
        return int(number)
    raise _Invalid("int_type", "Input should be a valid integer")


def _integral_text(text: str) -> float:
    """`"5.0"` is 5 (as pydantic reads it); other text that is no integer says so."""
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number.is_integer()):
        raise _Invalid("int_parsing", "Input should be a valid integer, unable to parse string as an integer")
    return number


def _float(value: object) -> float:
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise _Invalid(
                "float_parsing", "Input should be a valid number, unable to parse string as a number"
            ) from None
    if isinstance(value, (int, float)):
        return float(value)
    raise _Invalid("float_type", "Input should be a valid number")


def _problem(kind: str, location: Location, message: str, value: object) -> dict[str, Any]:
    return {"type": kind, "loc": location, "msg": message, "input": value}


def _dump_table(table: Table, json: bool, by_alias: bool, exclude: Mapping[str, Any] | Any) -> dict[str, Any]:
    dumped: dict[str, Any] = {}
    for field in dataclasses.fields(table):  # type: ignore[arg-type]
        inner_exclude = exclude.get(field.name) if isinstance(exclude, Mapping) else None
        if field.name in exclude and not isinstance(inner_exclude, (Mapping, set, frozenset)):
            continue
        value = getattr(table, field.name)
        check = field.metadata.get("checks", _NO_CHECKS)
        if check.dump is not None:
            value = check.dump(value)
        key = key_of(field.name) if by_alias else field.name
        dumped[key] = _dump_value(value, json, by_alias, _as_mapping(inner_exclude))
    return dumped


def _as_mapping(exclude: object) -> Mapping[str, Any]:
    if isinstance(exclude, (set, frozenset)):
        return dict.fromkeys(exclude, True)
    return exclude if isinstance(exclude, Mapping) else {}


def _dump_value(value: object, json: bool, by_alias: bool, exclude: Mapping[str, Any]) -> object:
    if isinstance(value, Table):
        return _dump_table(value, json, by_alias, exclude)
    if isinstance(value, (tuple, list)):
        items = [_dump_value(item, json, by_alias, {}) for item in value]
        return items if json else tuple(items)
    if isinstance(value, dict):
        return {key: _dump_value(item, json, by_alias, {}) for key, item in value.items()}
    if json and isinstance(value, dt.date):
        return value.isoformat()
    if json and isinstance(value, enum.Enum):
        return value.value
    return value
