"""TNT106: untrusted input reaches an XPath expression."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class XPathInjection(TaintRule):
    """## What it does
    Finds untrusted input built into an XPath expression (`lxml` `xpath()`, `XPath()`, `ETXPath()`,
    `XPathEvaluator()`), or into an ElementPath (`find()`, `findall()`, `findtext()`, `iterfind()` of lxml and
    `xml.etree.ElementTree` trees and elements).

    ## Why is this bad?
    `' or '1'='1` in an XPath predicate selects every node: data meant for one user is returned for all. lxml
    supports variables, which are never parsed as XPath.

    ## Example
    ```python
    from lxml import etree
    from flask import Flask, request

    app = Flask(__name__)
    TREE = etree.parse("users.xml")


    @app.route("/user")
    def user():
        return str(TREE.xpath("//user[@name='" + request.args["name"] + "']"))
    ```

    ## Use instead
    ```python
    from lxml import etree
    from flask import Flask, request

    app = Flask(__name__)
    TREE = etree.parse("users.xml")


    @app.route("/user")
    def user():
        return str(TREE.xpath("//user[@name=$name]", name=request.args["name"]))
    ```

    ## References
    - [OWASP: XPath Injection](https://owasp.org/www-community/attacks/XPATH_Injection)
    - [CWE-643](https://cwe.mitre.org/data/definitions/643.html)
    """

    code = "TNT106"
    slug = "xpath-injection"
    summary = "untrusted input reaches an XPath expression"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (643,)
    fix_hint = 'pass input as an XPath variable: `root.xpath("//user[@name=$name]", name=value)`'
    bandit = ()
    ruff = ()
    sink_concept = "XPathQuery"
    effect = "is evaluated as XPath"
