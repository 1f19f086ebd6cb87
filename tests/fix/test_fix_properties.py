"""Property tests: generated call shapes, fixed; the result parses and the same values reach the process (PAT301)
or the database driver (TNT101)."""

from __future__ import annotations

import ast
import shlex
import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bastion.fix.edits import apply_fixes
from bastion.rules.pattern._shell_words import plain_command_words
from bastion.rules.pattern.subprocess_shell import SubprocessShell
from bastion.rules.taint._sql_parameters import parameterised_call
from tests.fix.support import ast_findings, finding_with, fixed_source, module_of

PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_plain = st.text(alphabet="abcxyz019_-./=:,@%+", min_size=1, max_size=6)
_single = st.text(alphabet='ab c$*;|&"\\`~#!', max_size=5).map(lambda text: "'" + text.replace("'", "") + "'")
_double = st.text(alphabet="ab c'$*;|&\\`~#!", max_size=5).map(lambda text: '"' + text.replace('"', "") + '"')
_syntax = st.sampled_from(["*", "?", "|", ";", "&", ">", "$HOME", "`id`", "~", "#", "\\ ", "(", "{a,b}"])
_part = st.one_of(_plain, _plain, _single, _double, _syntax)
_word = st.lists(_part, min_size=1, max_size=3).map("".join)
_commands = st.lists(_word, min_size=1, max_size=5).map(" ".join)
_functions = st.sampled_from(["run", "call", "check_call", "check_output", "Popen"])
_others = st.lists(
    st.sampled_from(['cwd="/srv"', "check=True", "text=True", "env={'A': '1'}", "timeout=5"]), unique=True, max_size=3
)


@PROPERTIES
@given(command=_commands, function=_functions, others=_others, by_keyword=st.booleans(), quote=st.sampled_from("'\""))
def test_subprocess_fix_runs_the_same_words(
    command: str, function: str, others: list[str], by_keyword: bool, quote: str
) -> None:
    literal = repr(command) if quote == "'" else '"' + repr(command)[1:-1].replace('"', '\\"') + '"'
    if ast.literal_eval(literal) != command:
        literal = repr(command)
    first = f"args={literal}" if by_keyword else literal
    arguments = ", ".join([first, "shell=True", *others])
    source = f"import subprocess\n\n\ndef job():\n    return subprocess.{function}({arguments})\n"
    (finding,) = ast_findings(source, SubprocessShell)
    words = plain_command_words(command)
    if words is None:
        assert finding.fix is None, "a command with shell syntax must get no fix"
        return
    assert finding.fix is not None, f"no fix for a words-only command: {command!r}"
    fixed = fixed_source(source, [finding])
    call = next(node for node in ast.walk(ast.parse(fixed)) if isinstance(node, ast.Call))
    program = call.args[0] if call.args else next(k.value for k in call.keywords if k.arg == "args")
    # The process receives the very words the shell would have run, and nothing else changed in the call.
    assert ast.literal_eval(program) == words == shlex.split(command)
    kept = {keyword.arg: ast.unparse(keyword.value) for keyword in call.keywords if keyword.arg != "args"}
    assert kept == {
        text.split("=", 1)[0]: ast.unparse(ast.parse(text.split("=", 1)[1], mode="eval").body) for text in others
    }
    assert "shell" not in kept and not ast_findings(fixed, SubprocessShell)


# -- SQL ---------------------------------------------------------------------------------------------------------

# Conditions on `people(id, name, age, note)`: SQL text with `{}` where a value goes, and the kind of each value.
_CONDITIONS = [
    ("age >= {}", (int,)),
    ("name = '{}'", (str,)),
    ("name LIKE '%{}%'", (str,)),
    ("id IN ({}, {})", (int, int)),
    ("note <> '{}-x'", (str,)),
    ("age BETWEEN {} AND {}", (int, int)),
]
_ROWS = [(1, "ann", 31, "a-x"), (2, "bob", 45, "b"), (3, "cy", 22, "c-x"), (4, "dee", 67, "ann-x")]
_texts = st.text(alphabet="abcdenoy0123 ", min_size=0, max_size=4)


@st.composite
def _queries(draw: st.DrawFn) -> tuple[list[str | tuple[str, object]], str]:
    """A query as constant text and (variable, value) holes, and the form it is built in."""
    chosen = draw(st.lists(st.sampled_from(_CONDITIONS), min_size=1, max_size=3))
    pieces: list[str | tuple[str, object]] = ["SELECT id FROM people WHERE "]
    count = 0
    for position, (text, kinds) in enumerate(chosen):
        if position:
            pieces.append(" AND ")
        parts = text.split("{}")
        for index, kind in enumerate(kinds):
            pieces.append(parts[index])
            value = draw(st.integers(0, 80)) if kind is int else draw(_texts)
            pieces.append((f"v{count}", value))
            count += 1
        pieces.append(parts[-1])
    if draw(st.booleans()):
        pieces += [" LIMIT ", (f"v{count}", draw(st.integers(0, 5)))]
    return pieces, draw(st.sampled_from(["f-string", "+", "%"]))


def _built(pieces: list[str | tuple[str, object]], form: str) -> str:
    if form == "f-string":
        return "f" + repr("".join(p if isinstance(p, str) else "{" + p[0] + "}" for p in pieces))
    if form == "%":
        text = "".join(p.replace("%", "%%") if isinstance(p, str) else "%s" for p in pieces)
        names = [p[0] for p in pieces if not isinstance(p, str)]
        return repr(text) + " % (" + ", ".join(names) + ",)"
    return " + ".join(repr(p) if isinstance(p, str) else f"str({p[0]})" for p in pieces if p != "")


@PROPERTIES
@given(query=_queries(), through_variable=st.booleans())
def test_sql_fix_sends_the_same_values(
    query: tuple[list[str | tuple[str, object]], str], through_variable: bool
) -> None:
    pieces, form = query
    values = {p[0]: p[1] for p in pieces if not isinstance(p, str)}
    built = _built(pieces, form)
    names = ", ".join(values)
    if through_variable:
        body = f"    query = {built}\n    return conn.execute(query).fetchall()\n"
    else:
        body = f"    return conn.execute({built}).fetchall()\n"
    source = f"import sqlite3\n\n\ndef find(conn, {names}):\n{body}"
    module = module_of(source)
    function = module.tree.body[1]
    assert isinstance(function, ast.FunctionDef)
    call = next(
        node for node in ast.walk(function) if isinstance(node, ast.Call) and ast.unparse(node.func) == "conn.execute"
    )
    fix = parameterised_call(module, call, module.index.scope_chain(function), "sqlite3")
    assert fix is not None, f"no fix for {built}"
    fixed = ast.parse(apply_fixes(source, [finding_with(fix.edits)]).text)
    namespace = {"sqlite3": sqlite3, **values}
    exec(compile(fixed, "<fixed>", "exec"), namespace)  # our own generated code, not scanned code
    original = {"sqlite3": sqlite3, **values}
    exec(compile(source, "<original>", "exec"), original)
    with sqlite3.connect(":memory:") as conn:
        conn.execute("CREATE TABLE people (id INTEGER, name TEXT, age INTEGER, note TEXT)")
        conn.executemany("INSERT INTO people VALUES (?, ?, ?, ?)", _ROWS)
        expected = original["find"](conn, **values)
        assert namespace["find"](conn, **values) == expected
    (parameterised,) = [
        node for node in ast.walk(fixed) if isinstance(node, ast.Call) and ast.unparse(node.func) == "conn.execute"
    ]
    assert len(parameterised.args) == 2 and isinstance(parameterised.args[1], ast.Tuple)
