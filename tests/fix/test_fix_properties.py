"""Property tests: generated call shapes, fixed; the result parses and the same values reach the process (PAT301)
or the database driver (TNT101)."""

from __future__ import annotations

import ast
import shlex

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bastion.rules.pattern._shell_words import plain_command_words
from bastion.rules.pattern.subprocess_shell import SubprocessShell
from tests.fix.support import ast_findings, fixed_source

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
