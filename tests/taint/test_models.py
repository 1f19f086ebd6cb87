"""The taint models: every shipped file loads and names only declared kinds; broken models are rejected."""

from __future__ import annotations

import pytest

from bastion.concepts.dataflow import dataflow_model
from bastion.core.rule import all_rules
from bastion.models.loader import ModelError, build_model_set, load_models, parse_kinds
from bastion.rules.taint.base import TaintRule

KINDS = {
    "sources": {"remote": {"description": "request data"}},
    "sinks": {"sql": {"concept": "SqlExecution", "role": "sql", "description": "SQL text"}},
}


def test_shipped_models_load_and_cover_the_libraries() -> None:
    models = load_models()
    names = {name.rsplit("/", 1)[-1].removesuffix(".toml") for name in models.files}
    for library in ("flask", "django", "fastapi", "starlette", "aiohttp", "requests", "httpx", "sqlalchemy"):
        assert library in names
    for library in ("psycopg", "pymysql", "jinja2", "werkzeug", "yaml", "lxml", "markupsafe"):
        assert library in names
    assert any(name.startswith("stdlib/") for name in models.files)
    assert models.return_types["sqlite3.connect"] == "sqlite3.Connection"


def test_every_kind_is_described_and_every_sink_kind_has_a_rule() -> None:
    kinds = load_models().kinds
    assert all(description for description in kinds.sources.values())
    assert all(kind.description and kind.concept and kind.role for kind in kinds.sinks.values())
    reported: set[str] = set()
    for rule in all_rules():
        if isinstance(rule, type) and issubclass(rule, TaintRule):
            assert rule.sink_kinds(), f"{rule.code} reports no sink kind"
            reported |= rule.sink_kinds()
    assert reported == set(kinds.sinks), f"sink kinds without a rule: {set(kinds.sinks) - reported}"


def test_every_model_entry_names_a_declared_kind() -> None:
    models = load_models()
    assert {sink.kind for sink in models.sinks} <= set(models.kinds.sinks)
    assert {source.kind for source in models.sources} <= set(models.kinds.sources)
    for sanitizer in models.sanitizers:
        assert sanitizer.kinds <= {*models.kinds.sinks, "all"}


def _build(files: dict[str, dict[str, object]]) -> None:
    build_model_set(parse_kinds(KINDS), files)


def test_a_good_model_builds() -> None:
    _build(
        {
            "lib.toml": {
                "sinks": [{"concept": "SqlExecution", "role": "sql", "callees": ["lib.run"], "argument": 0}],
                "sources": [{"kind": "remote", "objects": ["lib.request"]}],
                "sanitizers": [{"kinds": ["sql", "all"], "callees": ["lib.quote"]}],
            }
        }
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"sources": [{"kind": "telepathy", "calls": ["lib.read"]}]}, "unknown source kind 'telepathy'"),
        ({"sinks": [{"concept": "SqlExecution", "role": "table", "callees": ["x"], "argument": 0}]}, "no sink kind"),
        ({"sinks": [{"concept": "SqlExecution", "role": "sql", "callees": ["lib.run"]}]}, "say which value"),
        (
            {"sinks": [{"concept": "SqlExecution", "role": "sql", "argument": 0}]},
            "needs `callees`, `methods` or `stores`",
        ),
        ({"sinks": [{"concept": "SqlExecution", "role": "sql", "callees": ["x"], "argument": -1}]}, "non-negative"),
        ({"sanitizers": [{"kinds": ["xss"], "callees": ["lib.escape"]}]}, "unknown sink kind 'xss'"),
        ({"sanitizers": [{"kinds": ["sql"], "callee": ["lib.escape"]}]}, "unknown key(s) callee"),
        ({"guards": [{"type": "vibes", "callees": ["lib.check"]}]}, "unknown guard type"),
        ({"sources": {"kind": "remote"}}, "array of tables"),
        ({"return-types": {"lib.connect": 3}}, "qualified name"),
        ({"handler-sources": [{"kind": "remote", "frameworks": ["x"], "request": "maybe"}]}, "`request` must be"),
        ({"extra": 1}, "unknown key(s) extra"),
        (
            {
                "sinks": [
                    {
                        "concept": "SqlExecution",
                        "role": "sql",
                        "callees": ["x"],
                        "argument": 0,
                        "shell-argv-role": "sql",
                    }
                ]
            },
            "needs `element`",
        ),
        (
            {
                "sinks": [
                    {
                        "concept": "SqlExecution",
                        "role": "sql",
                        "callees": ["x"],
                        "element": 0,
                        "argument": 0,
                        "shell-argv-role": "shell",
                    }
                ]
            },
            "no sink kind",
        ),
        (
            {
                "sinks": [
                    {"concept": "SqlExecution", "role": "sql", "callees": ["x"], "argument": 0, "returns-input": 1}
                ]
            },
            "true or false",
        ),
    ],
)
def test_a_broken_model_is_rejected_with_its_file_and_entry(entry: dict[str, object], message: str) -> None:
    with pytest.raises(ModelError) as error:
        _build({"lib.toml": entry})
    assert message in str(error.value)
    assert "lib.toml" in str(error.value)


def test_kinds_file_is_validated() -> None:
    with pytest.raises(ModelError, match="description"):
        parse_kinds({"sources": {"remote": {}}, "sinks": {}})
    with pytest.raises(ModelError, match="reserved"):
        parse_kinds({"sources": {}, "sinks": {"all": {"concept": "C", "role": "r", "description": "d"}}})


def test_opt_in_sources_are_reported_only_where_a_sink_kind_names_them() -> None:
    kinds = parse_kinds(
        {
            "sources": {"remote": {"description": "d"}, "random": {"description": "d", "opt-in": True}},
            "sinks": {
                "sql": {"concept": "SqlExecution", "role": "sql", "description": "d"},
                "token": {"concept": "UnguessableValue", "role": "token", "description": "d", "sources": ["random"]},
            },
        }
    )
    assert kinds.reaches("remote", "sql")
    assert not kinds.reaches("random", "sql")  # a random value in SQL is no finding
    assert kinds.reaches("random", "token")
    assert not kinds.reaches("remote", "token")  # request data in a cookie is the client's own value
    shipped = load_models().kinds
    assert shipped.reaches("random", "token") and not shipped.reaches("random", "path")
    with pytest.raises(ModelError, match="unknown source kind 'dice'"):
        parse_kinds(
            {"sources": {}, "sinks": {"t": {"concept": "C", "role": "r", "description": "d", "sources": ["dice"]}}}
        )
    with pytest.raises(ModelError, match="opt-in"):
        parse_kinds({"sources": {"random": {"description": "d", "opt-in": "yes"}}, "sinks": {}})


def test_a_cast_can_keep_the_kinds_where_a_number_still_does_harm() -> None:
    kinds = {
        "sources": {"remote": {"description": "d"}},
        "sinks": {
            "sql": {"concept": "SqlExecution", "role": "sql", "description": "d"},
            "size": {
                "concept": "ResourceAllocation",
                "role": "size",
                "description": "d",
                "cleared-by-upper-bound": True,
            },
        },
    }
    cast = {"kinds": ["all"], "except": ["size"], "callees": ["builtins.int"]}
    models = build_model_set(parse_kinds(kinds), {"lib.toml": {"sanitizers": [cast]}})
    assert models.sanitizers[0].kinds == {"sql"}
    assert parse_kinds(kinds).sinks["size"].cleared_by_upper_bound
    shipped = dataflow_model()
    assert shipped.bounded_kinds == {"size"}
    int_cast = shipped.sanitizers_by_callee["builtins.int"][0]
    assert "sql" in int_cast.kinds and "size" not in int_cast.kinds and "token" not in int_cast.kinds
    with pytest.raises(ModelError, match="`except` goes with"):
        build_model_set(parse_kinds(kinds), {"lib.toml": {"sanitizers": [{**cast, "kinds": ["sql"]}]}})
    with pytest.raises(ModelError, match="unknown sink kind 'heap'"):
        build_model_set(parse_kinds(kinds), {"lib.toml": {"sanitizers": [{**cast, "except": ["heap"]}]}})


def test_compiled_model_answers_by_qualified_name() -> None:
    model = dataflow_model()
    assert model.source_object("flask.request.args") is not None
    assert model.source_object("flask.request.method") is None  # a safe attribute
    assert model.source_object("flaskish.request") is None
    assert model.sinks_by_callee["sqlite3.Cursor.execute"][0].kind == "sql"
    assert model.sinks_by_callee["requests.Session.get"][0].kind == "url"
    assert model.is_library("os.path.join") and not model.is_library("myapp.db.find")


def test_what_differs_between_sink_kinds_is_declared_in_the_models() -> None:
    model = dataflow_model()
    assert model.url_kinds == {"url", "redirect"}
    assert model.local_path_kinds == {"redirect"}
    assert all(sink.returns_input for sink in model.sinks_by_callee["re.sub"])
    assert all(sink.escaped_by_repr for sink in model.sinks_by_callee["logging.Logger.info"])
    program = [sink for sink in model.sinks_by_callee["subprocess.run"] if sink.element is not None]
    assert program and all(sink.shell_argv_kind == "command" for sink in program)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"unless-argument": {"keyword": "filter"}}, "`names`, `values` or `suffixes`"),
        ({"headers-arguments": ["2"]}, "argument positions"),
        ({"headers-arguments": [-1]}, "argument positions"),
    ],
)
def test_sink_options_are_validated(entry: dict[str, object], message: str) -> None:
    sink = {"concept": "SqlExecution", "role": "sql", "callees": ["lib.run"], "argument": 0, **entry}
    with pytest.raises(ModelError, match=message):
        _build({"lib.toml": {"sinks": [sink]}})


def test_safe_argument_values_and_headers_arguments_are_compiled() -> None:
    model = dataflow_model()
    extract = [sink for sink in model.sinks_by_callee["tarfile.TarFile.extractall"] if sink.receiver]
    assert extract and extract[0].unless_arguments
    assert extract[0].unless_arguments[0].values == {"data", "tar"}
    assert model.sinks_by_callee["flask.make_response"][0].headers_arguments == (1, 2)
    assert any(guard.type == "absolute-path-check" for guard in model.guards_by_callee["os.path.isabs"])


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"owners": ["lib.App"]}, "`framework` is required"),
        ({"framework": "lib", "decorators": ["route"]}, "need `owners`"),
        ({"framework": "lib", "handler-bases": ["lib.Handler"]}, "needs `handler-methods`"),
        ({"framework": "lib", "registration-callees": [{"names": ["lib.path"]}]}, "say where the handler is"),
        ({"framework": "lib", "registration-callees": [{"names": ["lib.path"], "handler": -1}]}, "non-negative"),
        (
            {
                "framework": "lib",
                "owners": ["lib.App"],
                "registrations": [{"names": ["add"], "handler": 0, "by-keyword": True}],
            },
            "needs `handler-keyword`",
        ),
        ({"framework": "lib", "verbs": ["get"]}, "unknown key(s) verbs"),
    ],
)
def test_route_models_are_validated(entry: dict[str, object], message: str) -> None:
    with pytest.raises(ModelError) as error:
        _build({"lib.toml": {"routes": [entry]}})
    assert message in str(error.value) and "lib.toml" in str(error.value)


def test_every_framework_declares_its_routes_and_its_inputs() -> None:
    models = load_models()
    routed = {route.framework for route in models.routes}
    inputs = {framework for handler in models.handler_sources for framework in handler.frameworks}
    expected = {
        "flask",
        "quart",
        "bottle",
        "sanic",
        "falcon",
        "pyramid",
        "tornado",
        "http.server",
        "wsgi",
        "aiohttp",
        "starlette",
        "fastapi",
        "django",
        "graphene",
        "strawberry",
        "ariadne",
    }
    assert expected <= routed
    assert routed <= inputs | {"django"}, f"frameworks with routes but no handler sources: {routed - inputs}"
