"""TNT103: untrusted input is evaluated as Python code."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class CodeInjection(TaintRule):
    """## What it does
    Finds untrusted input that reaches `eval`, `exec` or `compile`.

    ## Why is this bad?
    `eval` runs whatever Python the text contains: `__import__('os').system('id')` turns a calculator endpoint into
    remote code execution. No filtering of the string makes `eval` safe.

    ## Example
    ```python
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/calc")
    def calc():
        return str(eval(request.args["expr"]))
    ```

    ## Use instead
    ```python
    import ast

    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/calc")
    def calc():
        return str(ast.literal_eval(request.args["expr"]))
    ```

    ## References
    - [Python: eval](https://docs.python.org/3/library/functions.html#eval)
    - [CWE-95](https://cwe.mitre.org/data/definitions/95.html)
    """

    code = "TNT103"
    # With the path from the input shown, PAT101 sees the same `eval` adds nothing on the same line.
    supersedes = ("PAT101",)
    slug = "code-injection"
    summary = "untrusted input is evaluated as Python code"
    severity = Severity.CRITICAL
    confidence = Confidence.HIGH
    cwe = (94, 95)
    fix_hint = "parse the input instead (`ast.literal_eval`, `json.loads`, a small expression parser); never `eval` it"
    bandit = ("B307",)
    ruff = ("S307",)
    sink_concept = "CodeExecution"
    effect = "is executed as Python code"
