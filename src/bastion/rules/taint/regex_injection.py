"""TNT602: untrusted input is compiled as a regular expression (ReDoS)."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class RegexInjection(TaintRule):
    """## What it does
    Finds untrusted input used as the pattern of `re.compile`, `re.match`, `re.search`, `re.sub` and friends.

    ## Why is this bad?
    A pattern such as `(a+)+$` takes exponential time on some inputs: one request pins a CPU (ReDoS). The input can
    also change what a filter matches.

    ## Example
    ```python
    import re

    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/search")
    def search():
        return str(re.findall(request.args["pattern"], "some text"))
    ```

    ## Use instead
    ```python
    import re

    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/search")
    def search():
        return str(re.findall(re.escape(request.args["word"]), "some text"))
    ```

    ## References
    - [OWASP: Regular expression Denial of Service](https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS)
    - [CWE-1333](https://cwe.mitre.org/data/definitions/1333.html)
    """

    code = "TNT602"
    slug = "regex-injection"
    summary = "untrusted input is compiled as a regular expression (ReDoS)"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = (1333, 730)
    fix_hint = "escape the input with `re.escape`, or use a linear-time engine (`re2`)"
    bandit = ()
    ruff = ()
    sink_concept = "RegexCompilation"
    effect = "is compiled as a regular expression"
