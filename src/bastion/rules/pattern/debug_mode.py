"""PAT801: web apps started with the interactive debugger or debug mode on."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.fix import Applicability, Fix
from bastion.core.rule import FixAvailability
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._syntax import is_main_guard
from bastion.semantic.calls import argument, keyword
from bastion.semantic.index import BindingKind

# connexion 2's `App` is its Flask app (`FlaskApp`), run by Werkzeug with the same debugger.
_FLASK_RUN = frozenset(
    {"flask.Flask().run", "flask.app.Flask().run", "connexion.App().run", "connexion.FlaskApp().run"}
)
# `.run(debug=True)` methods that are no web server.
_NOT_SERVERS = frozenset({"asyncio", "trio", "anyio", "unittest", "pytest"})
_RUN_SIMPLE = frozenset({"werkzeug.serving.run_simple", "werkzeug.run_simple"})
_DEBUGGED_APP = frozenset({"werkzeug.debug.DebuggedApplication", "werkzeug.DebuggedApplication"})
# ASGI frameworks whose `debug=True` returns tracebacks to the client.
_ASGI_APPS = frozenset({"starlette.applications.Starlette", "fastapi.FastAPI", "fastapi.applications.FastAPI"})


class DebugMode(AstRule):
    """## What it does
    Finds web apps started in debug mode from code: Flask's `app.run(debug=True)` (also `debug=DEBUG` when
    `DEBUG` is a constant `True`), Werkzeug's `run_simple(..., use_debugger=True)` and
    `DebuggedApplication(app, evalex=True)`, and `Starlette(debug=True)`/`FastAPI(debug=True)`; connexion's
    `App`/`FlaskApp` like Flask's; and, under `if __name__ == "__main__":`, `app.run(host=..., debug=True)` (or
    with `port=`) on an app imported from another module of the project, whose type is not known there.

    ## Why is this bad?
    The Werkzeug debugger serves an interactive Python console in the browser on every error: anyone who
    reaches the page (or guesses or leaks its PIN) runs code on the server. Starlette's debug mode sends
    tracebacks, with source and local values, to whoever caused the error.

    ## Example
    ```python
    from flask import Flask

    app = Flask(__name__)

    if __name__ == "__main__":
        app.run(debug=True)
    ```

    ## Use instead
    ```python
    import os

    from flask import Flask

    app = Flask(__name__)

    if __name__ == "__main__":
        app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    ```
    Turn debugging on from the environment of a development machine (`flask --debug run`), never in code
    that is deployed. Debug settings in configuration files are checked by the CFG family.

    ## Fix safety
    The fix turns the switch off where it is written: `debug=True` becomes `debug=False` (`use_debugger`, `evalex`
    alike). It is unsafe: whoever runs this code for development loses the debugger and the automatic reloader;
    turn them on from the environment instead (`flask --debug run`, or `debug=os.environ.get("FLASK_DEBUG") ==
    "1"`). No fix when the value is not a literal `True`.

    ## References
    - [Flask: debug mode](https://flask.palletsprojects.com/en/stable/debugging/)
    - [Werkzeug: debugger security](https://werkzeug.palletsprojects.com/en/stable/debug/#debugger-pin)
    - [CWE-94: Code Injection](https://cwe.mitre.org/data/definitions/94.html)
    - [CWE-489: Active Debug Code](https://cwe.mitre.org/data/definitions/489.html)
    """

    code = "PAT801"
    slug = "debug-mode-enabled"
    summary = "Web app started with debug mode or the interactive debugger on"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (94, 489)
    fix_hint = "remove debug=True from code; enable debugging only from a development environment variable"
    fix = FixAvailability.SOMETIMES
    fix_applicability = Applicability.UNSAFE
    bandit = ("B201",)
    ruff = ("S201",)
    node_types = (ast.Call, ast.If)
    callees = _FLASK_RUN | _RUN_SIMPLE | _DEBUGGED_APP | _ASGI_APPS  # for calls only

    def check(self, node: ast.Call | ast.If, ctx: ModuleContext) -> Iterator[Finding]:
        if isinstance(node, ast.If):
            yield from self._main_block(node, ctx)
            return
        name = ctx.call_name or ""
        switch, message, severity = _switch(node, name)
        if ctx.constant(switch) is True:
            yield ctx.finding(self, node, message, severity=severity, fix=_off(switch, ctx))

    def _main_block(self, node: ast.If, ctx: ModuleContext) -> Iterator[Finding]:
        """`app.run(host=..., debug=True)` under `if __name__ == "__main__":` where `app` is imported from
        another module (`from config import app`: its type is not known here): a development server started with
        its debugger, whatever the app's framework."""
        if not is_main_guard(node.test):
            return
        for statement in node.body:
            call = statement.value if isinstance(statement, ast.Expr) else None
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "run"):
                continue
            receiver = call.func.value
            if not isinstance(receiver, ast.Name) or not _imported_from_elsewhere(receiver.id, ctx):
                continue
            switch = keyword(call, "debug")
            serves = keyword(call, "host") is not None or keyword(call, "port") is not None
            if serves and ctx.constant(switch) is True:
                yield ctx.finding(
                    self,
                    call,
                    f"`{receiver.id}.run(debug=True)` starts the development server with its debugger on",
                    fix=_off(switch, ctx),
                )


def _imported_from_elsewhere(name: str, ctx: ModuleContext) -> bool:
    """Whether `name` is bound here only by importing it from a module that is not a known non-server library
    (an app object of the project: `from config import app`)."""
    bindings = ctx.index.lookup(name, ctx.index.module_scope)
    if not bindings or any(binding.kind is not BindingKind.IMPORT for binding in bindings):
        return False
    return all((binding.target or "").split(".")[0] not in _NOT_SERVERS for binding in bindings)


def _switch(node: ast.Call, name: str) -> tuple[ast.expr | None, str, Severity | None]:
    """The argument that turns debugging on for this call, what it means, and a severity other than the rule's."""
    if name in _FLASK_RUN:
        return (
            argument(node, 2, "debug"),
            "Flask app run with debug=True: the Werkzeug debugger runs code for anyone",
            None,
        )
    if name in _RUN_SIMPLE:
        return keyword(node, "use_debugger"), "run_simple with use_debugger=True serves an interactive console", None
    if name in _DEBUGGED_APP:
        return argument(node, 1, "evalex"), "DebuggedApplication with evalex=True serves an interactive console", None
    return keyword(node, "debug"), f"`{name}` with debug=True sends tracebacks to clients", Severity.MEDIUM


def _off(switch: ast.expr | None, ctx: ModuleContext) -> Fix | None:
    """`True` written there becomes `False`."""
    if not (isinstance(switch, ast.Constant) and switch.value is True):
        return None
    return Fix("Turn it off: `False`", Applicability.UNSAFE, (ctx.editor.replace(switch, "False"),))
