"""Uploaded files inside one handler: where the client's file name reaches a path, and where a file is saved
without its type being checked.

Uploads are `request.files[...]` (Flask/Werkzeug `FileStorage`), `request.FILES[...]` (Django `UploadedFile`) and
parameters annotated `UploadFile` (FastAPI/Starlette). The client's name is `.filename` (`.name` for Django).
A name passed through `secure_filename`, Django's `get_valid_filename`, `os.path.basename`, `Path(...).name`, or
reduced to its extension (`os.path.splitext(...)[1]`, `.suffix`) is safe to join to a directory.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from bastion.concepts.sites import dotted, last_name, walk_body
from bastion.core import patterns
from bastion.semantic.module import PythonModule

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
SANITIZERS = frozenset({"secure_filename", "get_valid_filename", "basename", "get_valid_name", "slugify", "quote"})
_PATH_SINKS = frozenset(
    {"join", "open", "Path", "PurePath", "save", "copy", "copyfile", "copy2", "move", "rename", "replace"}
)
_SAVE_CALLS = frozenset({"save", "copyfileobj", "write", "write_bytes", "writelines"})
_CHECK_CALLS = patterns.compile(
    r"allowed|valid|check|verify|splitext|endswith|guess_type|guess_extension|^what$|from_buffer|from_file|^guess$"
    r"|sniff|magic|imghdr|filetype",
    ignore_case=True,
)
_CHECK_NAMES = patterns.compile(r"allowed|extension|^ext$|mime|content_type|suffix", ignore_case=True)
_CHECK_ATTRIBUTES = frozenset({"mimetype", "content_type", "mimetype_params", "suffix", "content_type_extra"})


@dataclass(frozen=True)
class UploadAnalysis:
    unsafe_name_use: ast.AST | None  # first place the client's file name reaches a path
    save: ast.Call | None  # first place an upload is written
    type_checked: bool


_UPLOAD_WORDS = ("request.files", "request.FILES", ".FILES", "UploadFile")


def mentions_uploads(text: str) -> bool:
    """A cheap gate: a module without these words handles no upload."""
    return any(word in text for word in _UPLOAD_WORDS)


def _is_upload_source(value: ast.AST) -> bool:
    """`request.files[...]`, `request.files.get(...)`, `request.FILES.getlist(...)`, `self.request.FILES`."""
    for node in ast.walk(value):
        if isinstance(node, ast.Attribute) and node.attr in ("files", "FILES"):
            base = dotted(node.value) or ""
            if base == "request" or base.endswith(".request"):
                return True
    return False


def upload_names(function: FunctionNode) -> set[str]:
    names: set[str] = set()
    arguments = function.args
    for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        if arg.annotation is not None and "UploadFile" in ast.unparse(arg.annotation):
            names.add(arg.arg)
    for node in walk_body(function.body):
        if isinstance(node, ast.Assign) and _is_upload_source(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.add(target.id)
        elif (
            isinstance(node, (ast.For, ast.AsyncFor))
            and isinstance(node.target, ast.Name)
            and (_is_upload_source(node.iter) or (isinstance(node.iter, ast.Name) and node.iter.id in names))
        ):
            names.add(node.target.id)
    return names


def _is_client_name(node: ast.AST, uploads: set[str]) -> bool:
    if not isinstance(node, ast.Attribute) or node.attr not in ("filename", "name"):
        return False
    base = node.value
    if isinstance(base, ast.Name) and base.id in uploads:
        return True
    return node.attr == "filename" and _is_upload_source(base)


def analyse_uploads(function: FunctionNode) -> UploadAnalysis | None:
    uploads = upload_names(function)
    nodes = walk_body(function.body)
    direct = any(_is_client_name(n, uploads) for n in nodes)
    if not uploads and not direct:
        return None
    parents = _parents(function)
    tainted: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Assign) and _carries_name(node.value, uploads, tainted, parents):
            tainted.update(t.id for t in node.targets if isinstance(t, ast.Name))
    unsafe: ast.AST | None = None
    save: ast.Call | None = None
    for node in nodes:
        if unsafe is None and _is_path_sink(node) and _carries_name(node, uploads, tainted, parents, sink=True):
            unsafe = node
        if save is None and isinstance(node, ast.Call) and _saves_upload(node, uploads):
            save = node
    return UploadAnalysis(unsafe, save, _checks_type(nodes))


def _parents(function: FunctionNode) -> dict[int, ast.AST]:
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(function):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    return parents


def _sanitised(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """Whether the client name `node` passes through a sanitizer (anywhere up its expression)."""
    current = node
    while id(current) in parents and not isinstance(current, ast.stmt):
        parent = parents[id(current)]
        if isinstance(parent, ast.Call) and last_name(dotted(parent.func) or "") in SANITIZERS:
            return True
        if isinstance(parent, ast.Attribute) and parent.attr in ("name", "suffix", "stem") and current is not node:
            return True
        if (
            isinstance(parent, ast.Subscript)
            and isinstance(parent.value, ast.Call)
            and last_name(dotted(parent.value.func) or "") in ("splitext", "rsplit", "split")
        ):
            return True
        current = parent
    return False


def _carries_name(
    expr: ast.AST, uploads: set[str], tainted: set[str], parents: dict[int, ast.AST], sink: bool = False
) -> bool:
    for node in ast.walk(expr):
        if _is_client_name(node, uploads) and not _sanitised(node, parents):
            return True
        if isinstance(node, ast.Name) and node.id in tainted and not _sanitised(node, parents):
            return True
    return False


def _is_path_sink(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return True
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = dotted(func) or (func.attr if isinstance(func, ast.Attribute) else "")
    if "storage" in name.lower():
        return False  # Django storages clean names themselves (get_valid_name, get_available_name)
    return (func.attr if isinstance(func, ast.Attribute) else last_name(name)) in _PATH_SINKS


def _saves_upload(call: ast.Call, uploads: set[str]) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in uploads:
        return func.attr in ("save", "write")
    if last_name(dotted(func) or "") not in _SAVE_CALLS:
        return False
    return any(isinstance(n, ast.Name) and n.id in uploads for arg in call.args for n in ast.walk(arg))


def _checks_type(nodes: list[ast.AST]) -> bool:
    for node in nodes:
        if isinstance(node, ast.Attribute) and node.attr in _CHECK_ATTRIBUTES:
            return True
        if isinstance(node, ast.Call) and _CHECK_CALLS.search(last_name(dotted(node.func) or "")):
            return True
        if isinstance(node, ast.Name) and _CHECK_NAMES.search(node.id):
            return True
    return False


def module_uploads(module: PythonModule) -> list[tuple[str, UploadAnalysis]]:
    """Every function of the module that handles an upload, by dotted name, with its analysis (found once per
    file for the rules that ask; the list is shared)."""
    return module.derived("uploads.module_uploads", _module_uploads)


def _module_uploads(module: PythonModule) -> list[tuple[str, UploadAnalysis]]:
    if not mentions_uploads(module.document.text):
        return []
    found = []
    index = module.index
    for node in module.nodes_of(ast.FunctionDef, ast.AsyncFunctionDef):
        analysis = analyse_uploads(node)
        if analysis is not None:
            found.append((index.scope_chain(node).qualname, analysis))
    return found
