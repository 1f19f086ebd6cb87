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

    Two shapes are not reported: a signed pickle, whose function refuses the bytes before loading them unless an
    HMAC matches (`if not hmac.compare_digest(signature, expected): raise ...`), and bytes read back with
    `store.get(key)` from a cache or store that the same module fills with its own `pickle.dumps` output
    (`store.set(key, pickle.dumps(value))`): the process reads what it wrote itself.

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
        function = _enclosing_function(ctx)
        if function is not None and _signature_checked_before(function, node, ctx):
            return
        if data is not None and _read_from_own_pickle_store(data, function, ctx):
            return
        yield ctx.finding(self, node, f"`{name}` deserialises data that can make the process run arbitrary code")


def _enclosing_function(ctx: ModuleContext) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return ancestor
    return None


def _signature_checked_before(
    function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, ctx: ModuleContext
) -> bool:
    """A signed pickle: a statement of the function's own body, before the load, refuses the bytes unless an
    HMAC matches (`if not hmac.compare_digest(signature, expected): raise ...`). A check nested in a branch, or
    one whose failure does not leave the function, proves nothing about the load."""
    for statement in function.body:
        if statement.lineno >= call.lineno:
            break
        if not isinstance(statement, ast.If) or not _leaves(statement.body):
            continue
        for test in ast.walk(statement.test):
            if isinstance(test, ast.Call) and (ctx.qualified_name(test.func) or "").endswith(_DIGEST_COMPARES):
                return True
    return False


_DIGEST_COMPARES = ("hmac.compare_digest", "secrets.compare_digest", "constant_time_compare")
# Methods that put a value in a cache or key-value store, and the one that reads it back.
_STORE_WRITES = frozenset({"set", "add", "set_many", "setex", "hset", "put"})


def _leaves(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], (ast.Raise, ast.Return))


def _read_from_own_pickle_store(
    data: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef | None, ctx: ModuleContext
) -> bool:
    """The bytes come back from a cache or store (`store.get(key)`) that this same module fills with pickles it
    made itself (`store.set(key, pickle.dumps(value))`): the process reads what it wrote. A store the module
    does not write pickles into (a shared Redis, a cookie, a request) stays a finding."""
    read = data
    if isinstance(data, ast.Name) and function is not None:
        bindings = ctx.scope.bindings.get(data.id, [])
        values = [binding.value for binding in bindings]
        if len(values) != 1 or values[0] is None:
            return False
        read = values[0]
    if not (isinstance(read, ast.Call) and isinstance(read.func, ast.Attribute) and read.func.attr in ("get", "hget")):
        return False
    store = ast.dump(read.func.value)
    for candidate in ctx.module.nodes_of(ast.Call):
        if (
            isinstance(candidate.func, ast.Attribute)
            and candidate.func.attr in _STORE_WRITES
            and ast.dump(candidate.func.value) == store
            and any(_is_pickle_dump(argument, ctx) for argument in candidate.args)
        ):
            return True
    return False


def _is_pickle_dump(expr: ast.expr, ctx: ModuleContext) -> bool:
    return isinstance(expr, ast.Call) and (ctx.qualified_name(expr.func) or "") in {
        f"{module}.dumps" for module in _MODULES
    }
