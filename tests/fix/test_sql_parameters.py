"""TNT101's fix: which built SQL can become a parameterised query, and what the query and parameters are."""

from __future__ import annotations

import pytest

from bastion.rules.taint._sql_parameters import Hole, NotParameterisable, parameterise, render_parameter, render_sql


def _render(pieces: list[str | Hole], style: str = "qmark") -> tuple[str, list[str | None]]:
    parameterised = parameterise(pieces)
    return render_sql(parameterised, style), [render_parameter(p, '"') for p in parameterised.parameters]


@pytest.mark.parametrize(
    ("pieces", "sql", "parameters"),
    [
        (["SELECT * FROM users WHERE id = ", Hole("user_id")], "SELECT * FROM users WHERE id = ?", ["user_id"]),
        (
            ["SELECT * FROM books WHERE title LIKE '%", Hole("title"), "%'"],
            "SELECT * FROM books WHERE title LIKE ?",
            ['f"%{title}%"'],
        ),
        (
            ["SELECT * FROM t WHERE name = '", Hole("name"), "' AND age >= ", Hole("age"), " LIMIT ", Hole("n")],
            "SELECT * FROM t WHERE name = ? AND age >= ? LIMIT ?",
            ["name", "age", "n"],
        ),
        (
            ["DELETE FROM t WHERE id IN (", Hole("a"), ", ", Hole("b"), ")"],
            "DELETE FROM t WHERE id IN (?, ?)",
            ["a", "b"],
        ),
        (
            ["INSERT INTO t (a, b) VALUES (", Hole("x"), ", 'it''s ", Hole("y"), "')"],
            "INSERT INTO t (a, b) VALUES (?, ?)",
            ["x", 'f"it\'s {y}"'],
        ),
        (
            ["SELECT * FROM t WHERE d BETWEEN ", Hole("lo"), " AND ", Hole("hi"), " AND note = 'x'"],
            "SELECT * FROM t WHERE d BETWEEN ? AND ? AND note = 'x'",
            ["lo", "hi"],
        ),
        (["UPDATE t SET name='", Hole("n"), "' WHERE id=", Hole("i")], "UPDATE t SET name=? WHERE id=?", ["n", "i"]),
    ],
)
def test_values_become_parameters(pieces: list[str | Hole], sql: str, parameters: list[str]) -> None:
    assert _render(pieces) == (sql, parameters)


def test_placeholder_styles_and_percent_escaping() -> None:
    pieces: list[str | Hole] = ["SELECT * FROM t WHERE a LIKE 'x%' AND b = ", Hole("b"), " AND c = ", Hole("c")]
    assert _render(pieces, "format")[0] == "SELECT * FROM t WHERE a LIKE 'x%%' AND b = %s AND c = %s"
    assert _render(pieces, "numeric")[0] == "SELECT * FROM t WHERE a LIKE 'x%' AND b = :1 AND c = :2"


@pytest.mark.parametrize(
    "pieces",
    [
        ["SELECT * FROM ", Hole("table")],
        ["SELECT ", Hole("column"), " FROM t"],
        ["SELECT * FROM t ORDER BY ", Hole("column")],
        ["SELECT * FROM t WHERE id = ", Hole("a"), Hole("b")],
        ["SELECT * FROM t_", Hole("suffix"), " WHERE id = 1"],
        ["SELECT * FROM t WHERE id = ", Hole("a"), ".x"],
        ['SELECT * FROM "', Hole("table"), '"'],
        ["SELECT * FROM t -- ", Hole("note"), "\nWHERE id = 1"],
        ["SELECT * FROM t WHERE id IN ", Hole("ids")],
        ["INSERT INTO t (", Hole("column"), ") VALUES (1)"],
        ["SELECT * FROM t WHERE name = 'x"],
        ["SELECT 1"],
    ],
)
def test_anything_but_a_value_gets_no_fix(pieces: list[str | Hole]) -> None:
    with pytest.raises(NotParameterisable):
        parameterise(pieces)


def test_a_parameter_whose_expression_cannot_go_in_an_f_string_is_refused() -> None:
    assert render_parameter(("%", Hole('args["q"]'), "%"), '"') is None
    assert render_parameter(("%", Hole('args["q"]'), "%"), "'") == "f'%{args[\"q\"]}%'"
    assert render_parameter((Hole('args["q"]'),), '"') == 'args["q"]'
