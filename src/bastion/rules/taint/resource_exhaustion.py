"""TNT603: a number from the request sizes an allocation, a loop or a sleep, with no upper bound checked."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class ResourceExhaustion(TaintRule):
    """## What it does
    Finds request data that decides how much work or memory the server spends: the length of `range(...)`, a
    sequence repeated (`"x" * n`, `[0] * n`), `bytearray(n)`, `itertools.repeat(x, n)`, `os.urandom(n)` and
    `secrets.token_bytes(n)`, or how long `time.sleep`/`asyncio.sleep` hold a worker. Casting the input with
    `int()` or `float()` does not make it safe here (a number can be as large as the client likes); an upper
    bound does: `min(n, LIMIT)`, or a comparison such as `if n > LIMIT: abort(400)` before the use. `len(...)`
    of the input is bounded by the request's own size and is not reported; nor are command-line arguments (the
    local user exhausts only their own machine).

    ## Why is this bad?
    One request with `?count=1000000000` makes the server allocate gigabytes or loop for minutes: the worker
    stops answering, or the process is killed for lack of memory, and a few such requests take the site down.

    ## Example
    ```python
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/banner")
    def banner():
        width = int(request.args.get("width", 40))
        return "=" * width
    ```

    ## Use instead
    ```python
    from flask import Flask, abort, request

    app = Flask(__name__)
    MAX_WIDTH = 200


    @app.route("/banner")
    def banner():
        width = int(request.args.get("width", 40))
        if width > MAX_WIDTH:
            abort(400)
        return "=" * width
    ```

    ## References
    - [CWE-400: Uncontrolled Resource Consumption](https://cwe.mitre.org/data/definitions/400.html)
    - [CWE-770: Allocation of Resources Without Limits or Throttling](https://cwe.mitre.org/data/definitions/770.html)
    - [OWASP API Security: Unrestricted Resource Consumption](https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/)
    """

    code = "TNT603"
    slug = "unbounded-resource-from-input"
    summary = "a number from the request sizes an allocation, a loop or a sleep, with no upper bound"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (400, 770)
    fix_hint = "check an upper bound before use (`if n > LIMIT: abort(400)`, or `min(n, LIMIT)`)"
    bandit = ()
    ruff = ()
    sink_concept = "ResourceAllocation"
    effect = "sizes an allocation, a loop or a wait"
