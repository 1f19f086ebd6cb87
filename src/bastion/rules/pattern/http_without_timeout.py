"""PAT507: HTTP requests without a timeout."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.fix import Applicability, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument, has_kwargs_splat, keyword

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
_REQUESTS = frozenset(f"requests.{verb}" for verb in _VERBS) | frozenset(
    f"requests.{session}().{verb}" for session in ("Session", "session", "sessions.Session") for verb in _VERBS
)
# httpx has a 5-second default; only an explicit timeout=None removes it.
_HTTPX = frozenset(f"httpx.{verb}" for verb in (*_VERBS, "stream", "Client", "AsyncClient"))
_URLOPEN = frozenset({"urllib.request.urlopen"})


class HttpWithoutTimeout(AstRule):
    """## What it does
    Finds `requests` calls (module functions and `Session` methods) without a `timeout`, `httpx` calls and
    clients with `timeout=None`, and `urllib.request.urlopen` without a `timeout`. Not in commands a person
    starts from a terminal and watches: Django management commands, invoke/fabric tasks and click commands, and
    scripts (a module with a `__main__` block that imports no web framework), where a hang stops that command
    only. Celery tasks and other worker code are reported: a hung worker stops serving.

    ## Why is this bad?
    Without a timeout, a request waits for as long as the server keeps the connection open: forever, for a
    server that stops answering or one that answers one byte a minute. Every worker that calls it can hang,
    and an attacker who controls the URL (or a slow upstream) can stall the service (denial of service).

    ## Example
    ```python
    import requests


    def fetch_rates():
        return requests.get("https://rates.example.org/latest").json()
    ```

    ## Use instead
    ```python
    import requests


    def fetch_rates():
        return requests.get("https://rates.example.org/latest", timeout=10).json()
    ```

    ## Fix safety
    The fix passes `timeout=` with the configured number of seconds (`[tool.bastion.fix] http-timeout`, 30 by
    default) to a call that has no timeout. It is safe: requests and httpx apply it to each wait for the connection
    and for the next bytes, not to the whole transfer, so a slow download that keeps sending still completes;
    only a server that stays silent that long now raises a timeout error instead of hanging forever. Replacing an
    explicit `timeout=None` is unsafe: someone chose to wait forever there. No fix for a call that passes
    `**options` (the timeout may be in there) or `*args`.

    ## References
    - [requests: timeouts](https://requests.readthedocs.io/en/latest/user/advanced/#timeouts)
    - [CWE-400: Uncontrolled Resource Consumption](https://cwe.mitre.org/data/definitions/400.html)
    """

    code = "PAT507"
    slug = "http-request-without-timeout"
    summary = "HTTP request without a timeout"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (400,)
    fix_hint = "pass timeout= (seconds) to every request"
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.SAFE
    bandit = ("B113",)
    ruff = ("S113",)
    node_types = (ast.Call,)
    callees = _REQUESTS | _HTTPX | _URLOPEN

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        if _run_by_hand(ctx):
            return
        name = ctx.call_name or ""
        position = 2 if name in _URLOPEN else None
        timeout = argument(node, position, "timeout") if position is not None else keyword(node, "timeout")
        if timeout is None:
            if name in _HTTPX or has_kwargs_splat(node):
                return
            yield ctx.finding(self, node, f"`{name}` without a timeout can wait forever", fix=self._add(node, ctx))
        elif isinstance(timeout, ast.Constant) and timeout.value is None:
            fix = Fix(
                f"Wait at most {self._seconds()} seconds",
                Applicability.UNSAFE,
                (ctx.editor.replace(timeout, self._seconds()),),
            )
            yield ctx.finding(self, node, f"`{name}` with timeout=None can wait forever", fix=fix)

    def _seconds(self) -> str:
        seconds = self.config.fix.http_timeout
        return str(int(seconds)) if float(seconds).is_integer() else str(seconds)

    def _add(self, node: ast.Call, ctx: ModuleContext) -> Fix | None:
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            return None
        edit = ctx.editor.add_keyword(node, f"timeout={self._seconds()}")
        if edit is None:
            return None
        return Fix(f"Pass `timeout={self._seconds()}`", Applicability.SAFE, (edit,))


# Decorators of commands a person runs from a terminal (invoke/fabric tasks, click commands).
_COMMAND_DECORATORS = frozenset({"invoke.task", "invoke.tasks.task", "fabric.task", "click.command"})
_WEB_PACKAGES = ("flask", "django", "fastapi", "starlette", "aiohttp", "tornado", "sanic", "quart", "falcon")


def _run_by_hand(ctx: ModuleContext) -> bool:
    """The call runs in a command someone starts from a terminal and watches, not in a server or a worker: a
    Django management command, an invoke/fabric task or click command, or a script (a module with a
    `__main__` block that imports no web framework). A hang there stops that command only, and Ctrl-C ends it."""
    if "management/commands/" in ctx.path:
        return True
    for ancestor in ctx.ancestors:
        if isinstance(ancestor, ast.ClassDef) and any(
            (ctx.qualified_name(base) or "").endswith("BaseCommand") for base in ancestor.bases
        ):
            return True
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            ctx.qualified_name(decorator.func if isinstance(decorator, ast.Call) else decorator) in _COMMAND_DECORATORS
            for decorator in ancestor.decorator_list
        ):
            return True
    return _is_script(ctx)


def _is_script(ctx: ModuleContext) -> bool:
    tree = ctx.module.tree
    has_main = any(
        isinstance(statement, ast.If)
        and isinstance(statement.test, ast.Compare)
        and isinstance(statement.test.left, ast.Name)
        and statement.test.left.id == "__name__"
        for statement in tree.body
    )
    if not has_main:
        return False
    for statement in tree.body:
        names = (
            [alias.name for alias in statement.names]
            if isinstance(statement, ast.Import)
            else [statement.module or ""]
            if isinstance(statement, ast.ImportFrom)
            else []
        )
        if any(name.split(".", 1)[0] in _WEB_PACKAGES for name in names):
            return False
    return True
