"""PAT203: `torch.load` without `weights_only=True`."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import has_kwargs_splat, keyword
from bastion.semantic.constants import UNKNOWN


class TorchLoad(AstRule):
    """## What it does
    Finds `torch.load` called with `weights_only=False`, or without `weights_only` at all.

    ## Why is this bad?
    A PyTorch checkpoint is a zip of pickles. With `weights_only=False`, loading it unpickles whatever it holds,
    so a model file downloaded from a hub or uploaded by a user can run code in your process. PyTorch 2.6 made
    `weights_only=True` the default; code that does not say so runs unsafely on older releases and reads as
    if it trusted the file.

    ## Example
    ```python
    import torch


    def restore(path):
        return torch.load(path, weights_only=False)
    ```

    ## Use instead
    ```python
    import torch


    def restore(path):
        return torch.load(path, weights_only=True)
    ```
    Or store weights as `safetensors`, which holds tensors and nothing else.

    ## References
    - [PyTorch docs: torch.load](https://pytorch.org/docs/stable/generated/torch.load.html)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    """

    code = "PAT203"
    slug = "torch-load-unsafe"
    summary = "`torch.load` without `weights_only=True` unpickles the checkpoint"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (502,)
    fix_hint = "pass weights_only=True, or store weights as safetensors"
    bandit = ("B614",)
    node_types = (ast.Call,)
    callees = frozenset({"torch.load", "torch.serialization.load"})

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        weights_only = keyword(node, "weights_only")
        if weights_only is None:
            if has_kwargs_splat(node):
                return
            yield ctx.finding(
                self,
                node,
                "`torch.load` without weights_only=True unpickles the file on PyTorch before 2.6",
                severity=Severity.MEDIUM,
                confidence=Confidence.MEDIUM,
            )
            return
        value = ctx.constant(weights_only)
        if value is UNKNOWN or value:
            return
        yield ctx.finding(self, node, "`torch.load` with weights_only=False unpickles the file: it can run code")
