"""PAT201: deserialising with pickle, the libraries built on it (dill, shelve, jsonpickle, joblib) or marshal."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext

_MODULES = ("pickle", "cPickle", "_pickle", "marshal", "dill", "cloudpickle")
_FUNCTIONS = ("load", "loads", "Unpickler")
# Libraries whose loaders unpickle under another name.
_PICKLE_BASED = frozenset(
    {
        "shelve.open",
        "shelve.DbfilenameShelf",
        "shelve.Shelf",
        "jsonpickle.decode",
        "jsonpickle.unpickler.decode",
        "jsonpickle.unpickler.Unpickler",
        "pandas.read_pickle",
        "joblib.load",
        "sklearn.externals.joblib.load",
    }
)


class PickleLoads(AstRule):
    """## What it does
    Finds data being deserialised with `pickle` (`load`, `loads`, `Unpickler`), its C twins `cPickle` and
    `_pickle`, the libraries that unpickle under another name (`dill`, `cloudpickle`, `shelve.open`,
    `jsonpickle.decode`, `pandas.read_pickle`, `joblib.load`), and `marshal.load`/`loads`.

    ## Why is this bad?
    Unpickling runs code: a pickle stream can name any callable to be called with any arguments
    (`os.system`, for one). Loading a pickle from a request, a cookie, a cache shared with other services or a
    file a user uploaded hands that user your process. `marshal` is not meant for untrusted data either.

    ## Example
    ```python
    import pickle


    def load_session(blob):
        return pickle.loads(blob)
    ```

    ## Use instead
    ```python
    import json


    def load_session(blob):
        return json.loads(blob)
    ```
    If you must exchange Python objects, sign the bytes (`hmac`) and verify the signature before loading, or
    use a schema-based format (JSON with pydantic, protobuf, msgpack).

    ## References
    - [Python docs: pickle security warning](https://docs.python.org/3/library/pickle.html)
    - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    """

    code = "PAT201"
    slug = "pickle-deserialization"
    summary = "Deserialising with pickle (or a library built on it) or marshal, which can run code"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (502,)
    fix_hint = "exchange data as JSON (validated) or sign and verify the bytes before unpickling"
    bandit = ("B301", "B302", "B403")
    ruff = ("S301", "S302", "S403")
    node_types = (ast.Call,)
    callees = (
        frozenset(
            f"{module}.{function}"
            for module in _MODULES
            for function in _FUNCTIONS
            if not (module == "marshal" and function == "Unpickler")
        )
        | _PICKLE_BASED
    )

    def check(self, node: ast.Call, ctx: ModuleContext) -> Iterator[Finding]:
        name = ctx.call_name or ""
        data = node.args[0] if node.args else None
        if isinstance(data, ast.Call) and (ctx.qualified_name(data.func) or "").endswith(("dumps", "dump")):
            return  # `pickle.loads(pickle.dumps(obj))`: a copy of an object the program already holds
        yield ctx.finding(self, node, f"`{name}` deserialises data that can make the process run arbitrary code")
