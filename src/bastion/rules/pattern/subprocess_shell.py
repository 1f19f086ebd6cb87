"""PAT301: `subprocess` called with `shell=True`."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TypeGuard

from bastion.core.finding import Finding
from bastion.core.fix import Applicability, Edit, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._commands import SUBPROCESS_CALLS
from bastion.rules.pattern._naming import words
from bastion.rules.pattern._shell_words import plain_command_words
from bastion.semantic.calls import argument, has_kwargs_splat, keyword
from bastion.semantic.constants import UNKNOWN
from bastion.semantic.edits import python_string
from bastion.semantic.index import BindingKind


class SubprocessShell(AstRule):
    """## What it does
    Finds `subprocess.run`, `call`, `check_call`, `check_output` and `Popen` called with `shell=True` (also when
    `True` arrives through a variable). High severity for a command built at run time; medium when the command is a
    parameter passed on unchanged (a `run_command(command)` wrapper: whether anyone else's data reaches it depends on
    its callers, which the taint rules follow); low for a constant command, and for a command built only from
    constants and the server's own configuration (`f"pg_dump --host={urlparse(settings.DATABASE_URL).hostname}"`,
    through local names too): only whoever sets the configuration can put shell syntax in it. A `shell` value read
    from configuration (`shell=settings.USE_SHELL`, `shell=config["shell"]`, an environment variable) is reported
    too, at medium confidence and at most medium severity: whether a shell parses the command is then the
    deployment's choice.

    ## Why is this bad?
    With `shell=True` the command is a string that `/bin/sh` parses: any `;`, `|`, `$(...)` or backtick in a
    value that reaches it starts another command. Quoting by hand is fragile; one missed path is enough.

    ## Example
    ```python
    import subprocess


    def archive(name):
        subprocess.run(f"tar czf backup.tgz {name}", shell=True)
    ```

    ## Use instead
    ```python
    import subprocess


    def archive(name):
        subprocess.run(["tar", "czf", "backup.tgz", "--", name], check=True)
    ```
    Pass the command as a list, so that no shell parses it. If a shell is truly needed, quote every value with
    `shlex.quote`.

    ## Fix safety
    For a constant command that is nothing but words (`"git status --short"`), the fix passes the words as a list
    (`["git", "status", "--short"]`; `shlex.split(COMMAND)` when the command is a named constant) and drops
    `shell=True`. It is safe because the fix is offered only when a conservative reading proves the shell would
    have run exactly those words: no operator, redirection, expansion, glob, comment, escape or assignment, and
    a program that is not a shell builtin (`cd`, `echo`, `export` ...); the split is checked against
    `shlex.split`. What differs is only how a missing program is reported (`FileNotFoundError` instead of exit
    status 127) and that the shell is no longer started. The shell read here is POSIX `/bin/sh`: on Windows,
    `shell=True` means `cmd.exe`, whose quoting differs. No fix for a command built at run time, a command with
    shell syntax, `executable=` (it names the shell), more positional arguments than the command, or `**options`.

    ## References
    - [Python docs: security considerations of subprocess](https://docs.python.org/3/library/subprocess.html#security-considerations)
    - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    """

    code = "PAT301"
    slug = "subprocess-shell-true"
    summary = "`subprocess` call with `shell=True`"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (78,)
    fix_hint = "pass the command as a list of arguments and drop shell=True"
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.SAFE
    bandit = ("B602",)
    ruff = ("S602",)
    node_types = (ast.Call,)
    callees = SUBPROCESS_CALLS

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        shell = keyword(node, "shell")
        if shell is None:
            return
        value = ctx.constant(shell)
        command = argument(node, 0, "args")
        if value is UNKNOWN and _from_configuration(shell, ctx):
            # `shell=settings.USE_SHELL`: whether a shell parses the command is the deployment's choice, unknown
            # here; a guess, so medium at most, and low for a constant command.
            literal = command is not None and ctx.constant(command) is not UNKNOWN
            yield ctx.finding(
                self,
                node,
                f"`{ctx.call_name}` runs the command through the shell when the configured `shell` value "
                f"(`{ast.unparse(shell)[:60]}`) is true",
                severity=Severity.LOW if literal else Severity.MEDIUM,
                confidence=Confidence.MEDIUM,
            )
            return
        if value is UNKNOWN or not value:
            return
        literal = command is not None and ctx.constant(command) is not UNKNOWN
        if literal:
            yield ctx.finding(
                self,
                node,
                f"`{ctx.call_name}` runs a constant command through the shell",
                severity=Severity.LOW,
                fix=_list_form(node, command, ctx) if command is not None else None,
            )
        elif command is not None and _from_settings(command, ctx, 0):
            # `f"pg_dump --host={urlparse(settings.DATABASE_URL).hostname}"`: only whoever writes the configuration
            # decides what the shell parses; a hardening point, not a way in.
            yield ctx.finding(
                self,
                node,
                f"`{ctx.call_name}` runs a command built from configuration values through the shell (shell=True)",
                severity=Severity.LOW,
                fix=_list_form(node, command, ctx),
            )
        elif command is not None and _parameter(command, ctx):
            # A wrapper (`def run_command(command): Popen(command, shell=True)`): whether anyone else's data reaches
            # it depends on its callers, which this rule does not see (the taint rules do): a guess, medium.
            yield ctx.finding(
                self,
                node,
                f"`{ctx.call_name}` runs the command its caller passes (`{command.id}`) through the shell (shell=True)",
                severity=Severity.MEDIUM,
                confidence=Confidence.MEDIUM,
            )
        else:
            yield ctx.finding(
                self,
                node,
                f"`{ctx.call_name}` runs a command built at run time through the shell (shell=True)",
            )


# Words of names that read configuration: `settings.USE_SHELL`, `config["shell"]`, `os.environ.get(...)`, `opts.shell`.
_CONFIGURATION_WORDS = frozenset(
    {"config", "conf", "cfg", "settings", "setting", "options", "opts", "environ", "getenv"}
)


def _from_configuration(expr: ast.expr, ctx: ModuleContext) -> bool:
    """The `shell` value is read from configuration, directly or through a local name bound once to it."""
    if isinstance(expr, ast.Name):
        bindings = ctx.scope.bindings.get(expr.id, [])
        if len(bindings) == 1 and bindings[0].value is not None:
            expr = bindings[0].value
    for part in ast.walk(expr):
        name = part.id if isinstance(part, ast.Name) else part.attr if isinstance(part, ast.Attribute) else ""
        if name and _CONFIGURATION_WORDS & set(words(name)):
            return True
    return False


# Functions whose result depends only on their arguments (parsing a configured URL, formatting, the clock).
_PURE_CALLS = frozenset(
    {"urllib.parse.urlparse", "urllib.parse.urlsplit", "os.path.join", "shlex.quote", "time.time"}
    | {"builtins.int", "builtins.str"}
)
_MAX_DEPTH = 4  # local names followed back, one after the other


def _from_settings(expr: ast.expr, ctx: ModuleContext, depth: int) -> bool:
    """`expr` is built only from constants and configuration reads (`settings.X`, `os.environ[...]`), directly or
    through local names every binding of which is such a value, and at least one configuration read."""
    return _settings_value(expr, ctx, depth) is True


def _settings_value(expr: ast.expr, ctx: ModuleContext, depth: int) -> bool | None:
    """True: built from configuration (and constants); None: constants only; False: anything else."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(expr, ast.Constant):
        return None
    if isinstance(expr, ast.Name):
        return _name_value(expr, ctx, depth)
    if isinstance(expr, ast.Attribute):
        if _CONFIGURATION_WORDS & set(words(expr.attr)):
            return True
        return _settings_value(expr.value, ctx, depth)
    if isinstance(expr, ast.Call):
        callee = ctx.qualified_name(expr.func)
        if isinstance(expr.func, ast.Attribute) and callee not in _PURE_CALLS:
            parts: list[ast.expr] = [expr.func.value]  # a method of a configured value (`url.path.replace(...)`)
        elif callee in _PURE_CALLS or callee in {"os.getenv", "os.environ.get"}:
            parts = []
        else:
            return False
        parts += [*expr.args, *(item.value for item in expr.keywords)]
        found = callee in {"os.getenv", "os.environ.get"}
        return _combine([_settings_value(part, ctx, depth) for part in parts], found)
    if isinstance(expr, ast.JoinedStr):
        return _combine([_settings_value(part, ctx, depth) for part in expr.values], False)
    if isinstance(expr, ast.FormattedValue):
        return _settings_value(expr.value, ctx, depth)
    if isinstance(expr, ast.BinOp):
        return _combine([_settings_value(expr.left, ctx, depth), _settings_value(expr.right, ctx, depth)], False)
    if isinstance(expr, ast.Subscript):
        return _combine([_settings_value(expr.value, ctx, depth), _settings_value(expr.slice, ctx, depth)], False)
    return False


def _name_value(name: ast.Name, ctx: ModuleContext, depth: int) -> bool | None:
    bindings = ctx.scope.bindings.get(name.id)
    if not bindings or any(binding.kind is BindingKind.IMPORT for binding in bindings):
        return bool(_CONFIGURATION_WORDS & set(words(name.id)))  # `settings`, `config` imported or global
    if any(binding.value is None for binding in bindings):
        return False
    return _combine([_settings_value(binding.value, ctx, depth + 1) for binding in bindings if binding.value], False)


def _combine(values: list[bool | None], found: bool) -> bool | None:
    if any(value is False for value in values):
        return False
    return True if found or any(value is True for value in values) else None


def _parameter(command: ast.expr, ctx: ModuleContext) -> TypeGuard[ast.Name]:
    """The command is a parameter of the enclosing function, passed on unchanged."""
    if not isinstance(command, ast.Name):
        return False
    bindings = ctx.scope.bindings.get(command.id, [])
    return bool(bindings) and all(binding.kind is BindingKind.PARAMETER for binding in bindings)


def _list_form(node: ast.Call, command: ast.expr, ctx: ModuleContext) -> Fix | None:
    """`run("git status", shell=True)` -> `run(["git", "status"])`, when the command is only words."""
    value = ctx.constant(command)
    if not isinstance(value, str) or has_kwargs_splat(node) or keyword(node, "executable") is not None:
        return None
    if len(node.args) != (1 if command in node.args else 0):
        return None
    words = plain_command_words(value)
    shell = next((item for item in node.keywords if item.arg == "shell"), None)
    if words is None or shell is None:
        return None
    editor = ctx.editor
    edits: list[Edit] = []
    if isinstance(command, ast.Constant):
        quote = editor.source(command).lstrip("rRuU")[:1]
        replacement = "[" + ", ".join(python_string(word, quote) for word in words) + "]"
    else:
        reference = editor.import_reference("shlex", "split", ctx.scope, node)
        if reference is None:
            return None
        replacement = f"{reference.expression}({editor.source(command)})"
        if reference.edit is not None:
            edits.append(reference.edit)
    removal = editor.remove_argument(node, shell)
    if removal is None:
        return None
    edits += [editor.replace(command, replacement), removal]
    return Fix("Pass the command as a list of words, without a shell", Applicability.SAFE, tuple(edits))
