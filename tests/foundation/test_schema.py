"""The configuration schema engine (`core/schema.py`): pydantic's lax conversions and error records, without it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bastion.core.config import AdvisoryIgnore, BastionConfig, DepsConfig, UserConfig
from bastion.core.schema import ValidationError
from bastion.core.severity import Severity


def _problems(table: object, model: Any = BastionConfig) -> list[tuple[str, tuple[object, ...], str]]:
    with pytest.raises(ValidationError) as error:
        model.model_validate(table)
    return [(problem["type"], problem["loc"], problem["msg"]) for problem in error.value.errors()]


@pytest.mark.parametrize(
    ("given", "expected"),
    [("false", False), ("Yes", True), ("off", False), (1, True), (0, False), (1.0, True), (True, True)],
)
def test_booleans_are_read_as_toml_users_write_them(given: object, expected: bool) -> None:
    assert BastionConfig.model_validate({"respect-gitignore": given}).respect_gitignore is expected


@pytest.mark.parametrize("given", [2, " true", "maybe", 1.5, [], {}])
def test_anything_else_is_no_boolean(given: object) -> None:
    (problem,) = _problems({"include-tests": given})
    assert problem[0] in ("bool_parsing", "bool_type") and problem[1] == ("include-tests",)
    assert problem[2].startswith("Input should be a valid boolean")


def test_numbers_are_converted_and_bounded() -> None:
    config = BastionConfig.model_validate({"taint": {"max-call-depth": "5"}, "deps": {"timeout": " 3 "}})
    assert config.taint.max_call_depth == 5 and config.deps.timeout == 3.0
    assert BastionConfig.model_validate({"taint": {"max-call-depth": 5.0}}).taint.max_call_depth == 5
    assert _problems({"taint": {"max-call-depth": 0}}) == [
        ("greater_than_equal", ("taint", "max-call-depth"), "Input should be greater than or equal to 1")
    ]
    assert _problems({"deps": {"timeout": 700}}) == [
        ("less_than_equal", ("deps", "timeout"), "Input should be less than or equal to 600")
    ]
    assert _problems({"deps": {"timeout": "nan"}})[0][0] == "less_than_equal"
    assert _problems({"max-file-size": 1.5})[0][2].endswith("got a number with a fractional part")
    assert _problems({"taint": {"max-call-depth": "3.5"}})[0][0] == "int_parsing"
    assert _problems({"taint": {"max-call-depth": float("inf")}})[0][0] == "finite_number"
    assert _problems({"fix": {"http-timeout": "soon"}})[0][0] == "float_parsing"


def test_every_problem_of_a_table_is_reported_with_its_place() -> None:
    problems = _problems(
        {
            "select": ["PAT", 1],
            "fail-on": "severe",
            "deps": {"ignore": [{"id": "PYSEC-2018-66", "reason": "r", "x": 1}, 3]},
        }
    )
    assert ("string_type", ("select", 1), "Input should be a valid string") in problems
    assert (
        "value_error",
        ("fail-on",),
        "unknown severity 'severe'; expected one of info, low, medium, high, critical",
    ) in problems
    assert ("extra_forbidden", ("deps", "ignore", 0, "x"), "Extra inputs are not permitted") in problems
    assert (
        "model_type",
        ("deps", "ignore", 1),
        "Input should be a valid dictionary or instance of AdvisoryIgnore",
    ) in problems
    assert len(problems) == 4


def test_wrong_shapes_say_what_was_expected() -> None:
    assert _problems({"exclude": "build"}) == [("tuple_type", ("exclude",), "Input should be a list (a TOML array)")]
    assert _problems({"per-file-ignores": []}) == [
        ("dict_type", ("per-file-ignores",), "Input should be a valid dictionary")
    ]
    assert _problems({"deps": "x"})[0][2] == "Input should be a valid dictionary or instance of DepsConfig"
    assert _problems({"fail-on": 9}) == [("enum", ("fail-on",), "Input should be 0, 1, 2, 3 or 4")]
    assert _problems({"target-version": "py311"}) == [
        ("string_pattern_mismatch", ("target-version",), "String should match pattern '^3\\.\\d{1,2}$'")
    ]
    (problem,) = _problems("GHSA-562c-5r94-xh97", AdvisoryIgnore)
    assert problem[:2] == ("value_error", ()) and "write each ignored advisory as a table" in problem[2]


def test_a_missing_key_is_named() -> None:
    assert _problems({"deps": {"ignore": [{"reason": "r"}]}}) == [
        ("missing", ("deps", "ignore", 0, "id"), "Field required")
    ]


def test_underscore_names_are_accepted_but_not_twice() -> None:
    assert BastionConfig.model_validate({"max_file_size": 5}).max_file_size == 5
    assert _problems({"max-file-size": 5, "max_file_size": 6}) == [
        ("extra_forbidden", ("max_file_size",), "Extra inputs are not permitted")
    ]
    assert _problems({"db": 1}, UserConfig) == [("string_type", ("db",), "Input should be a valid string")]


def test_the_table_comes_back_out() -> None:
    table = {
        "fail-on": "high",
        "per-file-ignores": {"tests/**": ["pat3"]},
        "deps": {"ignore": [{"id": "PYSEC-2018-66", "reason": "r", "expires": "2027-03-01"}]},
    }
    config = BastionConfig.model_validate(table)
    assert config.fail_on is Severity.HIGH and config.per_file_ignores == {"tests/**": ("PAT3",)}
    assert config.deps.ignore[0].expires == dt.date(2027, 3, 1)
    assert BastionConfig.model_validate(config.model_dump(by_alias=True)) == config
    dumped = config.model_dump(mode="json", by_alias=True)
    assert list(dumped)[:3] == ["select", "extend-select", "ignore"]
    assert dumped["fail-on"] == "high" and dumped["deps"]["ignore"][0]["expires"] == "2027-03-01"
    json.dumps(dumped)  # JSON through and through
    assert "ignore" not in config.model_dump(mode="json", exclude={"deps": {"ignore"}})["deps"]


def test_the_keys_a_table_gave_are_known() -> None:
    config = BastionConfig.model_validate({"deps": {"timeout": 5}})
    assert config.model_fields_set == {"deps"} and config.deps.model_fields_set == {"timeout"}
    assert BastionConfig.model_validate({"deps": {}}).deps.model_fields_set == frozenset()
    copy = config.model_copy(update={"select": ("SEC",)})
    assert copy.select == ("SEC",) and copy.model_fields_set == {"deps", "select"} and copy.deps == config.deps


def test_allowed_keys_follow_nested_tables() -> None:
    assert BastionConfig.table_at(["deps"]) is DepsConfig
    assert BastionConfig.table_at(["deps", "ignore", "0"]) is AdvisoryIgnore
    assert sorted(AdvisoryIgnore.allowed_keys()) == ["expires", "id", "reason"]
    assert "per-file-ignores" in BastionConfig.table_at([]).allowed_keys()
