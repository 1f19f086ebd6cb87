"""TNT102: untrusted input reaches a shell command or the program a process runs."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class CommandInjection(TaintRule):
    """## What it does
    Finds untrusted input that reaches a command line interpreted by a shell (`os.system`, `os.popen`, `subprocess`
    with `shell=True`, `sh -c`), or that chooses the program a process runs (`argv[0]`, `os.exec*`).

    ## Why is this bad?
    A shell treats `;`, `|`, `$(...)` and backticks in the input as new commands: `127.0.0.1; rm -rf /` runs both.
    Choosing the program lets an attacker run any binary on the host.

    ## Example
    ```python
    import os

    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/ping")
    def ping():
        os.system("ping -c 1 " + request.args["host"])
        return "sent"
    ```

    ## Use instead
    ```python
    import subprocess

    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/ping")
    def ping():
        subprocess.run(["ping", "-c", "1", request.args["host"]], check=False)
        return "sent"
    ```

    ## References
    - [OWASP: OS Command Injection Defense Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/OS_Command_Injection_Defense_Cheat_Sheet.html)
    - [Python: subprocess security considerations](https://docs.python.org/3/library/subprocess.html#security-considerations)
    - [CWE-78](https://cwe.mitre.org/data/definitions/78.html)
    """

    code = "TNT102"
    # With the path from the input shown, the pattern rules that see a shell command adds nothing on the same line.
    supersedes = ("PAT301", "PAT302", "PAT303", "PAT304")
    slug = "command-injection"
    summary = "untrusted input reaches a shell command or the program a process runs"
    severity = Severity.CRITICAL
    confidence = Confidence.HIGH
    cwe = (78,)
    fix_hint = (
        'pass an argument list without a shell (`subprocess.run(["ping", "-c", "1", host])`), '
        "or `shlex.quote` each value"
    )
    bandit = ("B602", "B605")
    ruff = ("S602", "S605")
    sink_concept = "CommandExecution"
    effect = "runs as a command"
