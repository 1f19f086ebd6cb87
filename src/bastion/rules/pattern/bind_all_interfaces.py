"""PAT805: servers bound to every network interface (`0.0.0.0`, `::`)."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.core.test_paths import is_test_path
from bastion.rules.base import AstRule, ModuleContext
from bastion.rules.pattern._naming import words
from bastion.rules.pattern._syntax import is_main_guard
from bastion.semantic.calls import last_name

_ALL_INTERFACES = frozenset({"0.0.0.0", "::"})
_HOST_WORDS = frozenset({"host", "hostname", "bind", "addr", "interface", "listen", "server"})
# Calls that take the address to listen on (by their last name): `sock.bind`, `app.run`, `uvicorn.run` ...
_BINDING_CALLS = frozenset(
    {"bind", "run", "run_simple", "serve", "listen", "create_server", "start_server", "HTTPServer",
     "ThreadingHTTPServer", "TCPServer", "UDPServer", "ThreadingTCPServer", "WSGIServer", "make_server", "run_app",
     "TCPSite", "Server", "Config", "serve_forever", "socketio_run"}
)  # fmt: skip


class BindAllInterfaces(AstRule):
    """## What it does
    Finds the addresses `"0.0.0.0"` and `"::"` passed to a call (`app.run(host="0.0.0.0")`,
    `sock.bind(("0.0.0.0", 8080))`, `uvicorn.run(app, host="::")`: a host-like keyword or an argument of a
    binding call), used as the default of a host-like parameter, or assigned to a host-like name
    (`HOST = "0.0.0.0"`). Comparisons, dictionary keys, other calls' arguments (`is_valid_ipv6_address("::")`,
    `label_suffix="::"`), prose and test files are not reported, nor the address of a development runner that
    reloads on every edit (`uvicorn.run(..., host="0.0.0.0", reload=True)`) or sits under
    `if __name__ == "__main__":` (the script run by hand to try the app; with `debug=True` both are reported), nor
    a host field of a pydantic `BaseSettings` class (`API_HOST: str = "0.0.0.0"`), whose value the environment
    overrides like `os.environ.get("HOST", "0.0.0.0")`.

    ## Why is this bad?
    `0.0.0.0` listens on every interface of the machine, public ones included. A development server, an admin
    port or a debug endpoint meant for localhost becomes reachable from the network. Inside a container this
    is usually what you want, and the finding is low severity: check that the port is published on purpose.

    ## Example
    ```python
    from flask import Flask

    app = Flask(__name__)
    app.run(host="0.0.0.0", port=8000)
    ```

    ## Use instead
    ```python
    import os

    from flask import Flask

    app = Flask(__name__)
    app.run(host=os.environ.get("BIND_HOST", "127.0.0.1"), port=8000)
    ```

    ## References
    - [CWE-605: Multiple Binds to the Same Port](https://cwe.mitre.org/data/definitions/605.html)
    - [CWE-1327: Binding to an Unrestricted IP Address](https://cwe.mitre.org/data/definitions/1327.html)
    """

    code = "PAT805"
    slug = "bind-all-interfaces"
    summary = "Server bound to every network interface (0.0.0.0)"
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    cwe = (1327,)
    fix_hint = "bind to 127.0.0.1 by default and take a public address from configuration"
    bandit = ("B104",)
    ruff = ("S104",)
    # Constants are everywhere: `check` compares the value first and is a plain function (no generator).
    node_types = (ast.Constant,)

    def check(self, node: ast.Constant, ctx: ModuleContext) -> Iterable[Finding]:
        if node.value not in _ALL_INTERFACES or type(node.value) is not str:
            return ()
        if not _binding_use(ctx):
            return ()
        return (ctx.finding(self, node, f"`{node.value}` listens on every network interface"),)


def _binding_use(ctx: ModuleContext) -> bool:
    """The constant is where a server takes its address: a host-like keyword or parameter default, an argument of
    a binding call (`bind`, `run`, `serve` ...), or the value of a host-like name. Not a comparison, a dict key,
    an unrelated call's argument (`is_valid_ipv6_address("::")`) or test code."""
    if is_test_path(ctx.path):
        return False
    ancestors = ctx.ancestors
    if _development_entry_point(ancestors) or _settings_default(ancestors, ctx.module.tree):
        return False
    for position in range(len(ancestors) - 2, -1, -1):
        node = ancestors[position]
        if isinstance(node, (ast.Compare, ast.Dict, ast.Subscript)):
            return False
        if isinstance(node, ast.keyword):
            call = ancestors[position - 1] if position else None
            if isinstance(call, ast.Call) and _auto_reloading(call):
                return False  # `uvicorn.run(..., reload=True)`: the development runner, restarted on every edit
            return node.arg is not None and _host_like(node.arg)
        if isinstance(node, ast.Call):
            return last_name(node.func) in _BINDING_CALLS
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            # Parameter defaults are visited with the function itself as their parent.
            return _default_of_host_parameter(node, ancestors[position + 1])
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            return any(_host_like(last_name(target)) for target in targets)
        if isinstance(node, ast.stmt):
            return False
    return False


def _development_entry_point(ancestors: list[ast.AST]) -> bool:
    """Inside `if __name__ == "__main__":` without `debug=True`: the script someone runs by hand to try the app
    (`python run.py`); deployments start the app through a server or a container command that names its own address.
    """
    in_main_block = any(isinstance(node, ast.If) and is_main_guard(node.test) for node in ancestors)
    if not in_main_block:
        return False
    calls = [node for node in ancestors if isinstance(node, ast.Call)]
    return not any(
        keyword.arg == "debug" and isinstance(keyword.value, ast.Constant) and keyword.value.value is True
        for call in calls
        for keyword in call.keywords
    )


# Base classes whose fields are read from the environment: a host field's value is only the default.
_SETTINGS_BASES = frozenset({"BaseSettings", "Settings", "AppSettings", "Env"})


def _settings_default(ancestors: list[ast.AST], tree: ast.Module) -> bool:
    """A host field of a pydantic `BaseSettings` class, or of a class of this module built on one
    (`API_HOST: str = "0.0.0.0"`): the environment overrides it, like `os.environ.get("HOST", "0.0.0.0")`, and
    containers need it so."""
    if len(ancestors) < 3 or not isinstance(ancestors[-2], ast.AnnAssign):
        return False
    owner = ancestors[-3]
    if not isinstance(owner, ast.ClassDef):
        return False
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    seen: set[str] = set()
    pending = [owner]
    while pending:
        current = pending.pop()
        for base in current.bases:
            name = last_name(base)
            if name in _SETTINGS_BASES:
                return True
            if name in classes and name not in seen:
                seen.add(name)
                pending.append(classes[name])
    return False


def _default_of_host_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, default: ast.AST) -> bool:
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    for parameter, value in zip(
        positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True
    ):
        if value is default:
            return _host_like(parameter.arg)
    for keyword_only, keyword_default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        if keyword_default is default:
            return _host_like(keyword_only.arg)
    return False


def _auto_reloading(call: ast.Call) -> bool:
    """A development runner that restarts on every edit, without a debugger that would run code for the network."""
    switched_on = {
        keyword.arg
        for keyword in call.keywords
        if isinstance(keyword.value, ast.Constant) and keyword.value.value is True
    }
    return bool(switched_on & {"reload", "use_reloader"}) and "debug" not in switched_on


def _host_like(name: str) -> bool:
    return bool(_HOST_WORDS & set(words(name)))
