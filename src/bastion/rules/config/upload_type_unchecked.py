"""CFG308: an upload saved with no check of its extension or content type."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace

from bastion.concepts.uploads import module_uploads
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import AstRule, ModuleContext
from bastion.semantic.calls import last_name


class UploadTypeUnchecked(AstRule):
    """## What it does
    Finds handlers that save an uploaded file (`file.save(...)`, `shutil.copyfileobj(file.file, ...)`,
    `out.write(file.read())`, `storage.save(name, file)`) and never look at what it is: no extension check
    (`os.path.splitext`, `.suffix`, `endswith`, an `ALLOWED_EXTENSIONS` set, an `allowed_file()` helper), no content
    type (`.mimetype`, `.content_type`), no sniffing (`imghdr`, `filetype`, `python-magic`, Pillow's `verify`).
    A file written inside a `with` block that gives a temporary file or folder (`tempfile.TemporaryDirectory()`,
    `NamedTemporaryFile()`, a project's `get_temporary_path()`) is processed and deleted, never served, and is not
    reported.
    Medium confidence: the check may live in a helper the handler calls.

    ## Why is this bad?
    An upload of `shell.php`, `page.html` or `payload.svg` served back from your domain runs as code or as a
    script in your users' browsers (stored XSS); a zip bomb or a polyglot can attack whatever processes the file.

    ## Example
    ```python
    from flask import request


    def upload():
        uploaded = request.files["cover"]
        uploaded.save("/srv/uploads/cover.bin")
    ```

    ## Use instead
    ```python
    import os

    from flask import abort, request

    ALLOWED_EXTENSIONS = {".png", ".jpg"}


    def upload():
        uploaded = request.files["cover"]
        if os.path.splitext(uploaded.filename)[1].lower() not in ALLOWED_EXTENSIONS:
            abort(400)
        uploaded.save("/srv/uploads/cover.bin")
    ```

    ## References
    - [OWASP File Upload Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/File_Upload_Cheat_Sheet.html)
    - [CWE-434: Unrestricted Upload of File with Dangerous Type](https://cwe.mitre.org/data/definitions/434.html)
    """

    code = "CFG308"
    slug = "upload-type-unchecked"
    summary = "Upload saved with no check of its extension or content type"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = (434,)
    fix_hint = "allow a short list of extensions and check the content type (or sniff the content) before saving"
    tags = ("uploads",)
    node_types = (ast.Module,)

    def check(self, node: ast.Module, ctx: ModuleContext) -> Iterator[Finding]:
        temporary: list[ast.With | ast.AsyncWith] | None = None
        for function, analysis in module_uploads(ctx.module):
            if analysis.save is not None and not analysis.type_checked:
                if temporary is None:
                    temporary = _temporary_blocks(ctx)
                if any(_inside(analysis.save, block) for block in temporary):
                    continue  # written to a temporary place to be processed, never served from there
                finding = ctx.finding(
                    self, analysis.save, "an uploaded file is saved without checking its extension or type"
                )
                yield replace(finding, scope=function)


# Words in the name of a context manager that gives a temporary file or folder (`tempfile.TemporaryDirectory`,
# `NamedTemporaryFile`, a project's `get_temporary_path()`), deleted when the block ends.
_TEMPORARY_WORDS = frozenset({"temporary", "temp", "tmp", "tempdir", "tmpdir", "mkdtemp", "tempfile"})


def _temporary_blocks(ctx: ModuleContext) -> list[ast.With | ast.AsyncWith]:
    blocks: list[ast.With | ast.AsyncWith] = []
    for node in ctx.module.nodes_of(ast.With, ast.AsyncWith):
        if any(
            isinstance(item.context_expr, ast.Call) and _names_temporary(item.context_expr.func, ctx)
            for item in node.items
        ):
            blocks.append(node)
    return blocks


def _names_temporary(func: ast.expr, ctx: ModuleContext) -> bool:
    name = ctx.module.index.qualified_name(func, ctx.module.index.module_scope) or last_name(func)
    return any(
        word in _TEMPORARY_WORDS for part in name.split(".") for word in part.lower().replace("-", "_").split("_")
    )


def _inside(node: ast.AST, block: ast.With | ast.AsyncWith) -> bool:
    line = getattr(node, "lineno", 0)
    return block.lineno <= line <= (block.end_lineno or block.lineno)
