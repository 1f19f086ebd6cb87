"""The conservative reading of shell commands behind PAT301's fix: words only, split as the shell splits them."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from bastion.rules.pattern._shell_words import plain_command_words

WORDS = [
    ("git status --short", ["git", "status", "--short"]),
    ("ls  -l\t/var/log", ["ls", "-l", "/var/log"]),
    ("grep 'a  b' log.txt", ["grep", "a  b", "log.txt"]),
    ('ls -l "/var/log/my app"', ["ls", "-l", "/var/log/my app"]),
    ('curl --header="X-Id: 1" https://example.org/a,b', ["curl", "--header=X-Id: 1", "https://example.org/a,b"]),
    ("tar czf '' x", ["tar", "czf", "", "x"]),
    ("a'b'\"c\"d", ["abcd"]),
    (
        "python3 -m pip install -U pip==24.0 wheel+x@1%",
        ["python3", "-m", "pip", "install", "-U", "pip==24.0", "wheel+x@1%"],
    ),
]
NOT_WORDS = [
    "",
    "   ",
    "ls *.py",
    "ls file?.txt",
    "ls [ab].txt",
    "cat a | wc -l",
    "a; b",
    "a && b",
    "a > out",
    "a < in",
    "(a)",
    "echo $HOME",
    "echo ${HOME}",
    "echo `id`",
    "a $(id)",
    "cat ~/.profile",
    "ls # comment",
    r"a\ b",
    "a\nb",
    "FOO=1 env",
    "cd /tmp",
    "export A",
    "echo hi",
    "test -f x",
    "printf x",
    "true",
    ". ./env.sh",
    "exit 1",
    "if",
    "x {a,b}",
    'grep "$USER" f',
    'grep "a\\b" f',
    'grep "a!b" f',
    "grep 'a",
    'grep "a',
    "kill %1",
    "a & ",
    "a=b",
    "'a=b' x",
]


@pytest.mark.parametrize(("command", "words"), WORDS)
def test_words(command: str, words: list[str]) -> None:
    assert plain_command_words(command) == words == shlex.split(command)


@pytest.mark.parametrize("command", NOT_WORDS)
def test_anything_more_than_words_is_refused(command: str) -> None:
    assert plain_command_words(command) is None


@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX shell")
@pytest.mark.parametrize(("command", "words"), WORDS)
def test_the_shell_splits_them_the_same(command: str, words: list[str], tmp_path: Path) -> None:
    # These fixed, words-only commands are safe to give a shell (after `set --`, they are arguments, nothing runs).
    script = f"set -- {command}\nprintf '%s\\0' \"$@\""
    completed = subprocess.run(["sh", "-c", script], capture_output=True, cwd=tmp_path, env={}, check=True)
    assert completed.stdout.split(b"\0")[:-1] == [word.encode() for word in words]
