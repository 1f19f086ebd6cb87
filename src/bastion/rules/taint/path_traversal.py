"""TNT201: untrusted input chooses a file path that is opened, written or deleted."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class PathTraversal(TaintRule):
    """## What it does
    Finds untrusted input in a path given to `open`, `os`/`shutil`/`pathlib` file operations, Flask `send_file` or
    `send_from_directory`'s directory, Starlette/FastAPI `FileResponse`, or an uploaded file's `save()`; and request
    data naming an archive or a compressed file to open (`tarfile.open`, `bz2.open`, `gzip.open`, `lzma.open`; the
    local user naming one on the command line is what archive tools are for, and is not reported). A name checked
    against a list (a constant one, or one the code built itself, such as a directory listing), and a pydantic model
    field whose `field_validator` accepts only listed values or that is declared as a number, UUID or enum, are not
    reported. Nor is a path the local user gives a command (`sys.argv`, a click option): they open only what they
    may open themselves. A name that starts with constant text (not `/`, `~` or a drive) and whose input had every
    `.` removed (`f"original.{ext.replace('.', '')}"`) cannot leave the directory it is joined to, and is not
    reported. A request value used only as the key that finds a server object (`store.data["items"].get(item_id)`,
    `jobs.get(id, {})`) does not make that object's attributes request data: the directory it names is the server's.
    A route's path parameter whose converter cannot match `/` (Flask/Werkzeug `<name>` and `<string:name>`,
    Starlette/FastAPI `{name}`; the router matches the decoded path, so `%2F` does not help) is one path segment: it
    names an entry of the folder it is joined to, or with `..` that folder's parent, and is not reported;
    `<path:name>`, `{name:path}` and query or body values are. (Windows, where `\\` also separates, is not
    modelled.)

    ## Why is this bad?
    `../../etc/passwd` (or an absolute path, which `os.path.join` lets replace the base) reads or overwrites files
    outside the folder the code meant.

    ## Example
    ```python
    import os

    from flask import Flask, request, send_file

    app = Flask(__name__)


    @app.route("/download")
    def download():
        return send_file(os.path.join("/srv/files", request.args["name"]))
    ```

    ## Use instead
    ```python
    import os

    from flask import Flask, abort, request, send_file

    app = Flask(__name__)
    BASE = "/srv/files"


    @app.route("/download")
    def download():
        path = os.path.realpath(os.path.join(BASE, request.args["name"]))
        if not path.startswith(BASE + os.sep):
            abort(404)
        return send_file(path)
    ```

    ## References
    - [OWASP: Path Traversal](https://owasp.org/www-community/attacks/Path_Traversal)
    - [CWE-22](https://cwe.mitre.org/data/definitions/22.html)
    """

    code = "TNT201"
    slug = "path-traversal"
    summary = "untrusted input chooses a file path that is opened, written or deleted"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (22,)
    fix_hint = (
        "use `werkzeug.utils.secure_filename`/`os.path.basename`, "
        "or resolve the path and check it stays in the base directory"
    )
    bandit = ()
    ruff = ()
    sink_concept = "FileAccess"
    effect = "is used as a file path"
