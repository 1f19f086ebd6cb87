"""Security response headers set in code: `response.headers["X-Frame-Options"] = "DENY"`, `headers.setdefault(...)`,
`response["Referrer-Policy"] = ...` (Django), or a dict of headers (`headers={"Content-Security-Policy": ...}`)."""

from __future__ import annotations

import ast

from bastion.concepts.sites import site_of
from bastion.concepts.webfacts import HeaderSet
from bastion.semantic.module import PythonModule

SECURITY_HEADERS = frozenset(
    {
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
        "referrer-policy",
        "strict-transport-security",
        "permissions-policy",
    }
)
_SETTERS = frozenset({"set", "setdefault", "add", "add_header", "__setitem__", "append"})


def mentions_security_header(text: str) -> bool:
    lowered = text.lower()
    return any(header in lowered for header in SECURITY_HEADERS)


def find_header_sets(module: PythonModule) -> list[HeaderSet]:
    found: list[HeaderSet] = []
    for node in module.nodes_of(ast.Assign, ast.Call, ast.Dict):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript):
                    _add(found, target.slice, node.value, node, module)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _SETTERS:
            if len(node.args) >= 2:
                _add(found, node.args[0], node.args[1], node, module)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None:
                    _add(found, key, value, key, module)
    return found


def _add(found: list[HeaderSet], key: ast.AST, value: ast.AST, anchor: ast.AST, module: PythonModule) -> None:
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return
    name = key.value.strip().lower()
    if name not in SECURITY_HEADERS:
        return
    text = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
    found.append(HeaderSet(name, text, site_of(anchor, module)))
