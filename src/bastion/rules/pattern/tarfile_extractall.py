"""PAT810: tar archives extracted without a filter (path traversal)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import has_kwargs_splat, keyword

# `tarfile.TarFile` is the name models give to what `tarfile.open` returns; the others are call results.
_ARCHIVES = (
    "tarfile.TarFile",
    "tarfile.open()",
    "tarfile.TarFile()",
    "tarfile.TarFile.open()",
    "tarfile.TarFile.taropen()",
)
_EXTRACTORS = frozenset(f"{archive}.{method}" for archive in _ARCHIVES for method in ("extractall", "extract"))
_TRUSTING_FILTERS = frozenset({"fully_trusted", "tarfile.fully_trusted_filter"})


class TarfileExtractall(AstRule):
    """## What it does
    Finds `TarFile.extractall()` and `extract()` called without `filter=` (or with `filter="fully_trusted"`)
    and without a `members=` selection.

    ## Why is this bad?
    Tar members can be named `../../home/app/.ssh/authorized_keys` or be links pointing anywhere; extracting
    without a filter writes wherever the archive says (CVE-2007-4559, "tar slip"). Python added extraction
    filters in 3.12 (backported to 3.8+ security releases) and uses `filter="data"` by default only from 3.14.

    ## Example
    ```python
    import tarfile


    def unpack(path, target):
        with tarfile.open(path) as archive:
            archive.extractall(target)
    ```

    ## Use instead
    ```python
    import tarfile


    def unpack(path, target):
        with tarfile.open(path) as archive:
            archive.extractall(target, filter="data")
    ```

    ## References
    - [Python docs: extraction filters](https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter)
    - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    """

    code = "PAT810"
    slug = "tarfile-unsafe-extract"
    summary = "Tar archive extracted without a filter (path traversal)"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (22,)
    fix_hint = "pass filter='data' to extractall/extract"
    bandit = ("B202",)
    ruff = ("S202",)
    node_types = (ast.Call,)
    callees = _EXTRACTORS

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        if keyword(node, "members") is not None or has_kwargs_splat(node):
            return
        selected = keyword(node, "filter")
        if selected is not None:
            value = ctx.constant(selected)
            if value not in _TRUSTING_FILTERS and ctx.qualified_name(selected) not in _TRUSTING_FILTERS:
                return
        method = (ctx.call_name or "").rsplit(".", 1)[-1]
        yield ctx.finding(self, node, f"`{method}` without filter='data' writes wherever the archive's names point")
