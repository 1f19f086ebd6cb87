"""PAT101: `eval` / `exec` / `compile` on a value that is not a constant."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument
from bastion.semantic.constants import UNKNOWN


class EvalExec(AstRule):
    """## What it does
    Finds calls to the built-in `eval` and `exec` whose code argument is not a constant string, and `compile` of
    such a string (the code object it makes is usually run next). A constant string, also one reached through a
    name bound once to a constant, is not reported, nor code read from a file the process environment names
    (`exec(open(os.environ["PYTHONSTARTUP"]).read())`, as the Python REPL does): whoever sets the environment of
    the process already chooses what it runs.

    ## Why is this bad?
    `eval` and `exec` run any Python they are given. When the string comes from a request, a file, a message
    queue or a database, whoever controls that data can run code in your process: read secrets, open a shell,
    change data. Restricting `globals`/`__builtins__` does not make it safe; escapes are well known.

    ## Example
    ```python
    def calculate(expression):
        return eval(expression)
    ```

    ## Use instead
    ```python
    import ast


    def calculate(expression):
        return ast.literal_eval(expression)
    ```
    To read data, use `json.loads` or `ast.literal_eval`; to choose among behaviours, use a dictionary of
    allowed functions.

    ## References
    - [Python docs: `ast.literal_eval`](https://docs.python.org/3/library/ast.html#ast.literal_eval)
    - [CWE-95: Eval Injection](https://cwe.mitre.org/data/definitions/95.html)
    """

    code = "PAT101"
    slug = "eval-exec-non-constant"
    summary = "`eval`/`exec`/`compile` called on a value that is not a constant"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (95,)
    fix_hint = "parse data with ast.literal_eval or json.loads; never evaluate strings built at run time"
    bandit = ("B307", "B102")
    ruff = ("S307", "S102")
    node_types = (ast.Call,)
    callees = frozenset({"builtins.eval", "builtins.exec", "builtins.compile"})

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        source = argument(node, 0, "source")
        if source is None and not node.args:
            return
        if source is not None and ctx.constant(source) is not UNKNOWN:
            return
        if source is not None and _from_environment(source, ctx) is _ENVIRONMENT:
            return
        function = (ctx.call_name or "").rsplit(".", 1)[-1]
        if function == "compile":
            # Compiling a tree made with the `ast` module is how code generators work; the tree is not a string.
            if source is not None and (ctx.qualified_name(source) or "").startswith("ast."):
                return
            # `exec(compile(text, ...))`: one finding, on the exec, is enough.
            parent = ctx.parent
            if isinstance(parent, ast.Call) and ctx.qualified_name(parent.func) in self.callees:
                return
            yield ctx.finding(
                self,
                node,
                "`compile` turns a string built at run time into code; whoever controls it runs code",
                severity=Severity.MEDIUM,
                confidence=Confidence.MEDIUM,
            )
            return
        yield ctx.finding(self, node, f"`{function}` runs code built at run time; whoever controls it runs code")


# What `_from_environment` finds: a value made only of constants and what the process environment holds; or not.
_ENVIRONMENT, _CONSTANT, _OTHER = "environment", "constant", "other"
_ENVIRONMENT_READS = frozenset({"os.getenv", "os.environ.get", "os.environ.__getitem__"})
# Calls that pass a value on without bringing in anything of their own: opening and reading a named file.
_PASS_THROUGH = frozenset(
    {"builtins.open", "io.open", "builtins.compile", "builtins.str", "pathlib.Path", "os.path.expanduser"}
)
_READ_METHODS = frozenset({"read", "read_text", "read_bytes"})


def _from_environment(expr: ast.expr, ctx: ModuleContext, depth: int = 0) -> str:
    """Whether `expr` is made of constants and values of the process environment, through local names bound once
    and file reads (`open(os.environ["PYTHONSTARTUP"]).read()`): `_ENVIRONMENT` when it holds some of the
    environment, `_CONSTANT` when only constants, `_OTHER` otherwise (anything else, a network read, a parameter)."""
    if depth > 6:
        return _OTHER
    if isinstance(expr, ast.Constant):
        return _CONSTANT
    if isinstance(expr, ast.Subscript) and ctx.qualified_name(expr.value) == "os.environ":
        return _ENVIRONMENT
    if isinstance(expr, ast.Name):
        bindings = ctx.scope.bindings.get(expr.id, [])
        if len(bindings) != 1 or bindings[0].value is None:
            return _OTHER
        return _from_environment(bindings[0].value, ctx, depth + 1)
    if not isinstance(expr, ast.Call):
        return _OTHER
    callee = ctx.qualified_name(expr.func) or ""
    if callee in _ENVIRONMENT_READS:
        return _ENVIRONMENT
    parts: list[ast.expr] = [*expr.args, *(keyword.value for keyword in expr.keywords)]
    if isinstance(expr.func, ast.Attribute) and expr.func.attr in _READ_METHODS:
        parts.append(expr.func.value)
    elif callee not in _PASS_THROUGH:
        return _OTHER
    kinds = {_from_environment(part, ctx, depth + 1) for part in parts}
    if _OTHER in kinds:
        return _OTHER
    return _ENVIRONMENT if _ENVIRONMENT in kinds else _CONSTANT
