"""TNT501: untrusted input is decoded by a deserialiser that builds arbitrary objects."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class UnsafeDeserialization(TaintRule):
    """## What it does
    Finds untrusted input decoded by `pickle` (and `dill`, `marshal`, `jsonpickle`, `shelve`, `pandas.read_pickle`,
    `joblib.load`), `yaml.load` without a safe loader, `yaml.unsafe_load`, and `numpy.load(allow_pickle=True)`.

    ## Why is this bad?
    Pickle and unsafe YAML call constructors named in the data: a request body can run `os.system` while it is being
    decoded, before any check.

    ## Example
    ```python
    import pickle

    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/import", methods=["POST"])
    def import_data():
        return str(len(pickle.loads(request.get_data())))
    ```

    ## Use instead
    ```python
    import json

    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/import", methods=["POST"])
    def import_data():
        return str(len(json.loads(request.get_data())))
    ```

    ## References
    - [Python: pickle security warning](https://docs.python.org/3/library/pickle.html)
    - [CWE-502](https://cwe.mitre.org/data/definitions/502.html)
    """

    code = "TNT501"
    # With the path from the input shown, the pattern rules that see the same loader adds nothing on the same line.
    supersedes = ("PAT201", "PAT202", "PAT203", "PAT204")
    slug = "unsafe-deserialization"
    summary = "untrusted input is decoded by a deserialiser that builds arbitrary objects"
    severity = Severity.CRITICAL
    confidence = Confidence.HIGH
    cwe = (502,)
    fix_hint = "accept JSON (`json.loads`) or `yaml.safe_load`; never unpickle data from users"
    bandit = ("B301", "B506")
    ruff = ("S301", "S506")
    sink_concept = "Deserialization"
    effect = "is deserialised into arbitrary objects"
