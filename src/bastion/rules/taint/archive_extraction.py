"""TNT202: an archive from untrusted input is extracted without checking its members."""

from __future__ import annotations

from bastion.core.severity import Confidence, Severity
from bastion.rules.taint.base import TaintRule


class ArchiveExtraction(TaintRule):
    """## What it does
    Finds `tarfile` archives opened from untrusted input (an upload, a request body) and extracted with
    `extractall()`/`extract()` without a `filter`, and `shutil.unpack_archive` on such files. A zip archive
    unpacked by `shutil.unpack_archive` (a name ending in `.zip`, a variable the code calls a zip, `format="zip"`)
    is not reported: shutil's zip unpacker skips every member whose name is absolute or contains `..`. An argv that
    runs `tar` in extract mode on such a file (`subprocess.run(["tar", "-xf", name])`) is reported too.

    ## Why is this bad?
    Member names such as `../../home/app/.ssh/authorized_keys`, absolute paths and symbolic links write outside the
    target folder ("tar slip").

    ## Example
    ```python
    import tarfile

    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/import", methods=["POST"])
    def import_archive():
        with tarfile.open(fileobj=request.files["archive"].stream) as archive:
            archive.extractall("/srv/imports")
        return "ok"
    ```

    ## Use instead
    ```python
    import tarfile

    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/import", methods=["POST"])
    def import_archive():
        with tarfile.open(fileobj=request.files["archive"].stream) as archive:
            archive.extractall("/srv/imports", filter="data")
        return "ok"
    ```

    ## References
    - [Python: tarfile extraction filters](https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter)
    - [CWE-22](https://cwe.mitre.org/data/definitions/22.html)
    """

    code = "TNT202"
    # With the path from the input shown, PAT810 sees the same extraction adds nothing on the same line.
    supersedes = ("PAT810",)
    slug = "unsafe-archive-extraction"
    summary = "an archive from untrusted input is extracted without checking its members"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (22,)
    fix_hint = 'extract with `filter="data"` (Python 3.12+), or check each member\'s resolved path before extracting it'
    bandit = ("B202",)
    ruff = ("S202",)
    sink_concept = "ArchiveExtraction"
    effect = "writes every member where its name says"
