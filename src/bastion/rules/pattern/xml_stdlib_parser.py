"""PAT701: standard-library XML parsers on data that is not a constant."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument
from bastion.semantic.constants import UNKNOWN

_ETREE = ("parse", "iterparse", "fromstring", "fromstringlist", "XML", "XMLParser", "XMLPullParser")
_PARSERS = (
    frozenset(f"xml.etree.{module}.{name}" for module in ("ElementTree", "cElementTree") for name in _ETREE)
    | frozenset(
        f"xml.dom.{module}.{name}"
        for module in ("minidom", "pulldom", "expatbuilder")
        for name in ("parse", "parseString")
    )
    | frozenset({"xml.sax.parse", "xml.sax.parseString", "xml.sax.make_parser", "xml.sax.expatreader.create_parser"})
    | frozenset({"xmlrpc.client.loads", "xmlrpc.server.SimpleXMLRPCServer", "xmlrpc.server.DocXMLRPCServer"})
)
# Constructors take no document; they are risky by what they will be fed.
_NO_DOCUMENT = frozenset(
    name
    for name in _PARSERS
    if name.rsplit(".", 1)[-1] in ("XMLParser", "XMLPullParser", "make_parser", "create_parser")
) | {"xmlrpc.server.SimpleXMLRPCServer", "xmlrpc.server.DocXMLRPCServer"}
# Expat 2.4.1 (bundled with Python 3.10 and later point releases of 3.6-3.9) protects against billion laughs and
# quadratic blowup; system builds of 3.10+ ship a newer expat too. Older targets may run an unprotected one.
_EXPAT_SAFE_FROM = (3, 10)
_SET_FEATURE = frozenset({"xml.sax.make_parser().setFeature", "xml.sax.expatreader.create_parser().setFeature"})
_EXTERNAL_ENTITY_FEATURES = frozenset({"xml.sax.handler.feature_external_ges", "xml.sax.handler.feature_external_pes"})


class XmlStdlibParser(AstRule):
    """## What it does
    Finds the standard library's XML parsers (`xml.etree.ElementTree`, `xml.dom.minidom`, `pulldom`,
    `xml.sax`, `expatbuilder`, `xmlrpc`) used on documents that are not constants, and, at high severity,
    `xml.sax` parsers with external entities switched on (`setFeature(feature_external_ges, True)`).
    When the project targets Python 3.10 or newer (`target-version`, else the floor of `[project]
    requires-python`), only the switched-on external entities are reported: those parsers resolve no external
    entity by default since Python 3.7.1, and the expat of Python 3.10 and later limits entity expansion.

    ## Why is this bad?
    XML can define entities that expand into other entities (the "billion laughs" bomb eats all memory) and,
    where external entities are resolved, read local files or make the server fetch URLs (XXE, SSRF). How
    exposed the standard library is depends on the Python build: expat before 2.4.1 has no protection against
    entity expansion, and `xml.sax` resolves external entities when asked to. `defusedxml` refuses all of
    these by design, whatever the platform. A Python linked against an old system expat stays exposed whatever
    its version: check `pyexpat.EXPAT_VERSION` on the servers (2.6.0 or later also stops "large tokens").

    ## Example
    ```python
    import xml.etree.ElementTree as ET


    def read_order(body):
        return ET.fromstring(body)
    ```

    ## Use instead
    ```python
    import defusedxml.ElementTree as ET


    def read_order(body):
        return ET.fromstring(body)
    ```

    ## References
    - [Python docs: XML vulnerabilities](https://docs.python.org/3/library/xml.html#xml-vulnerabilities)
    - [defusedxml](https://pypi.org/project/defusedxml/)
    - [CWE-611: Improper Restriction of XML External Entity Reference](https://cwe.mitre.org/data/definitions/611.html)
    - [CWE-776: XML Entity Expansion](https://cwe.mitre.org/data/definitions/776.html)
    """

    code = "PAT701"
    slug = "xml-stdlib-parser"
    summary = "Standard-library XML parser on untrusted data (entity expansion, XXE)"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (611, 776)
    fix_hint = "parse untrusted XML with defusedxml (same API)"
    bandit = ("B313", "B314", "B315", "B316", "B317", "B318", "B319", "B405", "B406", "B407", "B408", "B409", "B411")
    ruff = ("S313", "S314", "S315", "S316", "S317", "S318", "S319", "S405", "S406", "S407", "S408", "S409", "S411")
    node_types = (ast.Call,)
    callees = _PARSERS | _SET_FEATURE

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if name in _SET_FEATURE:
            feature = ctx.qualified_name(argument(node, 0, "name") or ast.Constant(None))
            if feature in _EXTERNAL_ENTITY_FEATURES and ctx.constant(argument(node, 1, "state")) is True:
                yield ctx.finding(
                    self,
                    node,
                    "external entities switched on: a document can read local files and reach URLs (XXE)",
                    severity=Severity.HIGH,
                    confidence=Confidence.HIGH,
                )
            return
        target = self.config.target_python
        if target is not None and target >= _EXPAT_SAFE_FROM:
            # These parsers resolve no external entity by default (since 3.7.1) and the expat of every Python
            # from 3.10 on refuses entity expansion bombs: on such a target only the switch above is a risk.
            return
        if name not in _NO_DOCUMENT:
            document = argument(node, 0, "source") or argument(node, 0, "text") or argument(node, 0, "string")
            if document is None or ctx.constant(document) is not UNKNOWN:
                return
        yield ctx.finding(self, node, f"`{name}` parses XML without protection against entity attacks")
