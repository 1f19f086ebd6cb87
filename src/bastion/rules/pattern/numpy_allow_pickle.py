"""PAT204: `numpy.load` with `allow_pickle=True`."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import argument
from bastion.semantic.constants import UNKNOWN


class NumpyAllowPickle(AstRule):
    """## What it does
    Finds `numpy.load` called with `allow_pickle=True`.

    ## Why is this bad?
    `.npy` and `.npz` files can hold arrays of Python objects, stored as pickles. With `allow_pickle=True`,
    loading such a file unpickles them, and a crafted file runs code. NumPy turned the default off in 1.16.3
    for this reason (CVE-2019-6446).

    ## Example
    ```python
    import numpy as np


    def read_features(path):
        return np.load(path, allow_pickle=True)
    ```

    ## Use instead
    ```python
    import numpy as np


    def read_features(path):
        return np.load(path)
    ```
    Store numeric arrays only; keep object data in a format that cannot carry code (JSON, Parquet).

    ## References
    - [NumPy docs: numpy.load](https://numpy.org/doc/stable/reference/generated/numpy.load.html)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    """

    code = "PAT204"
    slug = "numpy-load-allow-pickle"
    summary = "`numpy.load(allow_pickle=True)` unpickles object arrays"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (502,)
    fix_hint = "drop allow_pickle=True; keep object data out of .npy/.npz files"
    node_types = (ast.Call,)
    callees = frozenset({"numpy.load", "numpy.lib.npyio.load"})

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        allow = argument(node, 2, "allow_pickle")
        if allow is None:
            return
        value = ctx.constant(allow)
        if value is UNKNOWN or not value:
            return
        yield ctx.finding(self, node, "`numpy.load` with allow_pickle=True unpickles object arrays: it can run code")
