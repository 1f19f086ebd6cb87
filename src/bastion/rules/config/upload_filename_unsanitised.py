"""CFG307: an upload saved under the client's file name."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace

from bastion.concepts.uploads import module_uploads
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext


class UploadFilenameUnsanitised(AstRule):
    """## What it does
    Finds the file name sent by the client (`request.files["f"].filename`, FastAPI's `UploadFile.filename`,
    Django's `request.FILES["f"].name`) used to build a path (`os.path.join`, `open`, `Path(...)`, `/`,
    `file.save(...)`, `shutil` copies) without `werkzeug.utils.secure_filename`, Django's `get_valid_filename`,
    `os.path.basename` or `Path(...).name`. Only the extension (`os.path.splitext(name)[1]`, `.suffix`) is fine, as
    is a generated name. Django storages (`default_storage.save`) clean names themselves and are not reported.

    ## Why is this bad?
    The name is whatever the client sends: `../../app/templates/base.html` or `../.ssh/authorized_keys` writes
    outside the upload folder, replacing code, templates or keys.

    ## Example
    ```python
    import os

    from flask import request


    def upload():
        uploaded = request.files["cover"]
        uploaded.save(os.path.join("/srv/uploads", uploaded.filename))
    ```

    ## Use instead
    ```python
    import os

    from flask import request
    from werkzeug.utils import secure_filename


    def upload():
        uploaded = request.files["cover"]
        uploaded.save(os.path.join("/srv/uploads", secure_filename(uploaded.filename)))
    ```

    ## References
    - [Flask: Uploading files](https://flask.palletsprojects.com/en/stable/patterns/fileuploads/)
    - [OWASP File Upload Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/File_Upload_Cheat_Sheet.html)
    - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    """

    code = "CFG307"
    slug = "upload-filename-unsanitised"
    summary = "Upload saved under the client's file name"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = (22, 73)
    fix_hint = (
        "pass the name through secure_filename(), or store under a generated name (uuid4) plus a checked extension"
    )
    tags = ("uploads",)
    node_types = (ast.Module,)

    def check(self, node: ast.Module, ctx: ModuleContext) -> Iterator[Finding]:
        for function, analysis in module_uploads(ctx.module):
            if analysis.unsafe_name_use is not None:
                finding = ctx.finding(
                    self, analysis.unsafe_name_use, "the client's file name is used in a path without secure_filename()"
                )
                yield replace(finding, scope=function)
