"""PAT702: lxml parsers that resolve entities or load DTDs from the network."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument, has_kwargs_splat, keyword
from bastion.semantic.constants import UNKNOWN

_MODULES = ("lxml.etree", "lxml.objectify")
_DOCUMENT_FUNCTIONS = ("parse", "fromstring", "XML", "fromstringlist", "XMLDTDID", "XMLID")
_PARSING = frozenset(f"{module}.{name}" for module in _MODULES for name in _DOCUMENT_FUNCTIONS)
_PARSERS = frozenset(f"{module}.{name}" for module in _MODULES for name in ("XMLParser", "iterparse", "makeparser"))


class LxmlUnsafeParser(AstRule):
    """## What it does
    Finds lxml parsers that expand entities: `XMLParser(resolve_entities=True)` or `no_network=False` (high),
    `XMLParser()`/`iterparse()` that leave `resolve_entities` at its default (which resolved external
    entities before lxml 5), and `lxml.etree.parse`/`fromstring`/`XML` on a non-constant document without an
    explicit `parser=`.

    ## Why is this bad?
    With entity resolution on, a document can include `<!ENTITY x SYSTEM "file:///etc/passwd">` and have the
    file's content parsed into the result (XXE), or point at internal URLs when network access is allowed.
    lxml 5 made `resolve_entities="internal"` the default, but older versions resolve external entities, and
    code that does not say so depends on the version installed.

    ## Example
    ```python
    from lxml import etree


    def read_feed(body):
        parser = etree.XMLParser(resolve_entities=True)
        return etree.fromstring(body, parser=parser)
    ```

    ## Use instead
    ```python
    from lxml import etree


    def read_feed(body):
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.fromstring(body, parser=parser)
    ```
    Or `defusedxml.lxml` for a hardened drop-in.

    ## References
    - [lxml: XMLParser options](https://lxml.de/parsing.html#parser-options)
    - [CWE-611: Improper Restriction of XML External Entity Reference](https://cwe.mitre.org/data/definitions/611.html)
    """

    code = "PAT702"
    slug = "lxml-unsafe-parser"
    summary = "lxml parser that resolves entities (XXE)"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (611,)
    fix_hint = "create the parser with XMLParser(resolve_entities=False, no_network=True)"
    bandit = ("B320", "B410")
    ruff = ("S320", "S410")
    node_types = (ast.Call,)
    callees = _PARSING | _PARSERS

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        if name in _PARSERS:
            yield from self._parser(node, name, ctx)
            return
        if argument(node, 1, "parser") is not None or has_kwargs_splat(node):
            return
        document = argument(node, 0, "source") or argument(node, 0, "text")
        if document is None or ctx.constant(document) is not UNKNOWN:
            return
        yield ctx.finding(
            self,
            node,
            f"`{name}` with lxml's default parser, which resolves entities in versions before 5.0",
            severity=Severity.MEDIUM,
            confidence=Confidence.MEDIUM,
        )

    def _parser(self, node: ast.Call, name: str, ctx: ModuleContext) -> Iterator[Finding]:
        resolve = keyword(node, "resolve_entities")
        network = keyword(node, "no_network")
        resolve_value = ctx.constant(resolve) if resolve is not None else UNKNOWN
        if resolve_value is True or (network is not None and ctx.constant(network) is False):
            yield ctx.finding(self, node, f"`{name}` resolves external entities: documents can read files (XXE)")
        elif resolve is None and not has_kwargs_splat(node):
            yield ctx.finding(
                self,
                node,
                f"`{name}` without resolve_entities=False resolves external entities before lxml 5.0",
                severity=Severity.MEDIUM,
                confidence=Confidence.MEDIUM,
            )
