"""The words `/bin/sh -c COMMAND` runs, for a command that holds nothing but words (PAT301's fix).

Conservative on purpose: the answer is None as soon as the command holds anything the shell could treat as more
than a word: an operator (`; | & < > ( )`), an expansion (`$`, backticks, `~`, globbing `* ? [`, braces), a
comment, an escape, a newline, an assignment in front of the command, or a command that is a shell keyword or
builtin (`cd`, `export`, `exit` ... and `echo`, `test`, `printf`, whose builtin and program differ). What is left
is split exactly as both the shell and `shlex.split` split it: blanks separate words, single quotes keep
everything literally, double quotes keep everything (no `$`, backtick, backslash or `!` allowed inside them), and
quoted and unquoted parts of one word join up.
"""

from __future__ import annotations

import shlex

# Characters that stand for themselves outside quotes, in every POSIX shell.
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-")
_BLANKS = frozenset(" \t")
_SPECIAL_IN_DOUBLE_QUOTES = frozenset('$`\\!"\n')
# Reserved words and builtins of sh, dash and bash: as a command name they do not run a program of that name.
SHELL_BUILTINS = frozenset(
    {
        "!", "{", "}", "[[", "]]", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if",
        "in", "select", "then", "time", "until", "while", ".", ":", "[", "alias", "bg", "bind", "break",
        "builtin", "caller", "cd", "command", "compgen", "complete", "continue", "declare", "dirs", "disown",
        "echo", "enable", "eval", "exec", "exit", "export", "false", "fc", "fg", "getopts", "hash", "help",
        "history", "jobs", "kill", "let", "local", "logout", "mapfile", "popd", "printf", "pushd", "pwd", "read",
        "readarray", "readonly", "return", "set", "shift", "shopt", "source", "suspend", "test", "times", "trap",
        "true", "type", "typeset", "ulimit", "umask", "unalias", "unset", "wait",
    }
)  # fmt: skip


def plain_command_words(command: str) -> list[str] | None:
    """The program and arguments `sh -c command` would run, or None when the command is more than words."""
    words: list[str] = []
    current: list[str] = []
    in_word = False
    position = 0
    while position < len(command):
        char = command[position]
        if char in _BLANKS:
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
            position += 1
            continue
        if char in ("'", '"'):
            end = command.find(char, position + 1)
            if end < 0:
                return None
            quoted = command[position + 1 : end]
            if "\n" in quoted or (char == '"' and any(c in _SPECIAL_IN_DOUBLE_QUOTES for c in quoted)):
                return None
            current.append(quoted)
            in_word = True
            position = end + 1
            continue
        if char not in _PLAIN:
            return None
        current.append(char)
        in_word = True
        position += 1
    if in_word:
        words.append("".join(current))
    if not words or "=" in words[0] or words[0] in SHELL_BUILTINS or not words[0]:
        return None
    # The same split by the standard library's POSIX lexer: two readings that must agree.
    if shlex.split(command, posix=True) != words:
        return None
    return words
