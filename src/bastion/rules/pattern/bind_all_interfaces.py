"""PAT805: servers bound to every network interface (`0.0.0.0`, `::`)."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext

_ALL_INTERFACES = frozenset({"0.0.0.0", "::"})
_HOST_WORDS = ("host", "bind", "address", "addr", "interface", "listen")


class BindAllInterfaces(AstRule):
    """## What it does
    Finds the addresses `"0.0.0.0"` and `"::"` passed to a call (`app.run(host="0.0.0.0")`,
    `sock.bind(("0.0.0.0", 8080))`, `uvicorn.run(app, host="::")`), used as a parameter default, or assigned
    to a name about hosts or binding (`HOST = "0.0.0.0"`). Comparisons (`if host == "0.0.0.0"`) and other
    strings that merely contain the text are not reported.

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
    """The constant is an argument, a default, or the value of a host-like name; not a comparison."""
    ancestors = ctx.ancestors
    for position in range(len(ancestors) - 2, -1, -1):
        node = ancestors[position]
        if isinstance(node, (ast.Compare, ast.Dict, ast.Subscript)):
            return False
        # Parameter defaults are visited with the function itself as their parent.
        if isinstance(node, (ast.Call, ast.arguments, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return True
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            return any(_host_like(target) for target in targets)
        if isinstance(node, ast.stmt):
            return False
    return False


def _host_like(target: ast.expr) -> bool:
    name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else ""
    lowered = name.lower()
    return any(word in lowered for word in _HOST_WORDS)
