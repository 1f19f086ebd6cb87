"""TNT601: untrusted input is written to a log record unchanged (opt-in)."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class LogInjection(TaintRule):
    """## What it does
    Finds untrusted input passed to `logging` calls (the message or its arguments). Fields of a request body that
    the framework has parsed into a form with no line break are not reported: a pydantic model's field declared as a
    number, a date, a UUID, an enum, a `Literal`, an `EmailStr` or a URL, a string constrained by an anchored
    pattern, or one a `field_validator` accepts only from a list.

    Off by default: select it with `--select TNT601` (or `--extend-select TNT601`) where logs are plain text read
    by people or parsed line by line. On nine real maintained apps none of its 30 findings was judged a flaw a
    maintainer would fix (values from the database, typed ids, JSON bodies logged by `%s`): forged log lines are a
    real but low-impact problem that the report cannot tell apart from routine logging. CodeQL likewise keeps its
    log-injection query out of its default suite. Secrets written to logs are PAT902's, which is on by default.

    ## Why is this bad?
    A newline in the input forges log lines (`ok\\nINFO admin logged in`), hiding an attack or misleading whoever
    reads the log; control characters can also attack log viewers.

    ## Example
    ```python
    import logging

    from flask import Flask, request

    app = Flask(__name__)
    log = logging.getLogger(__name__)


    @app.route("/login", methods=["POST"])
    def login():
        log.info("login attempt for " + request.form["user"])
        return "ok"
    ```

    ## Use instead
    ```python
    import logging

    from flask import Flask, request

    app = Flask(__name__)
    log = logging.getLogger(__name__)


    @app.route("/login", methods=["POST"])
    def login():
        user = request.form["user"].replace("\\r", "").replace("\\n", "")
        log.info("login attempt for " + user)
        return "ok"
    ```

    ## References
    - [OWASP: Log Injection](https://owasp.org/www-community/attacks/Log_Injection)
    - [CWE-117](https://cwe.mitre.org/data/definitions/117.html)
    """

    code = "TNT601"
    slug = "log-injection"
    summary = "untrusted input is written to a log record unchanged"
    severity = Severity.LOW
    confidence = Confidence.HIGH
    cwe = (117,)
    fix_hint = (
        'remove CR/LF from the value before logging it (`value.replace("\\n", "").replace("\\r", "")`), '
        "or log it with `%r`"
    )
    bandit = ()
    ruff = ()
    sink_concept = "LogOutput"
    default_enabled = False
    effect = "is written to the log"
