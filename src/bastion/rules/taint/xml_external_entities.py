"""TNT502: untrusted XML is parsed by a parser that resolves external entities (XXE)."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class XmlExternalEntities(TaintRule):
    """## What it does
    Finds untrusted XML parsed by lxml with a parser built with `resolve_entities=True` (or `load_dtd=True`).

    ## Why is this bad?
    `<!ENTITY x SYSTEM "file:///etc/passwd">` makes the parser read local files (or fetch URLs) into the document
    the attacker gets back.

    ## Example
    ```python
    from lxml import etree
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/upload", methods=["POST"])
    def upload():
        parser = etree.XMLParser(resolve_entities=True)
        return etree.tostring(etree.fromstring(request.get_data(), parser))
    ```

    ## Use instead
    ```python
    from lxml import etree
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/upload", methods=["POST"])
    def upload():
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.tostring(etree.fromstring(request.get_data(), parser))
    ```

    ## References
    - [OWASP: XML External Entity Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html)
    - [CWE-611](https://cwe.mitre.org/data/definitions/611.html)
    """

    code = "TNT502"
    # With the path from the input shown, the XML pattern rules see the same parser adds nothing on the same line.
    supersedes = ("PAT701", "PAT702")
    slug = "xml-external-entities"
    summary = "untrusted XML is parsed by a parser that resolves external entities (XXE)"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (611,)
    fix_hint = "parse with `defusedxml`, or an lxml parser built with `resolve_entities=False, no_network=True`"
    bandit = ("B320",)
    ruff = ("S320",)
    sink_concept = "XmlParsing"
    effect = "is parsed with external entities resolved"
