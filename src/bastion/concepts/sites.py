"""Small helpers the web recognisers share: places, object identities, dotted names, redaction."""

from __future__ import annotations

import ast
from typing import Any

from bastion.concepts.webfacts import SecretShape, Site
from bastion.core.secret_identity import secret_fingerprint
from bastion.semantic.constants import UNKNOWN
from bastion.semantic.index import BindingKind, ModuleIndex, Scope
from bastion.semantic.module import PythonModule

_SNIPPET_LIMIT = 400
_PLACEHOLDER_WORDS = ("change", "secret", "dev", "test", "example", "insecure", "default", "xxx", "todo", "placeholder")


def char_column(text: str, byte_offset: int) -> int:
    """AST columns count UTF-8 bytes; reports count characters."""
    if text.isascii():
        return byte_offset
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))


def site_of(node: ast.AST, module: PythonModule, *, snippet: str | None = None) -> Site:
    line = getattr(node, "lineno", 1)
    text = module.document.line(line)
    column = char_column(text, getattr(node, "col_offset", 0)) + 1
    shown = snippet if snippet is not None else text.rstrip()[:_SNIPPET_LIMIT]
    return Site(module.rel, line, column, shown)


def line_site(module: PythonModule, line: int) -> Site:
    return Site(module.rel, line, 1, module.document.line(line).rstrip()[:_SNIPPET_LIMIT])


def dotted(node: ast.AST | None) -> str | None:
    """`a.b.c` for a chain of names and attributes (`a.b()` gives `a.b()`), else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call):
        base = dotted(node.func)
        return f"{base}()" if base else None
    return None


def last_name(name: str) -> str:
    return name.rstrip("()").rsplit(".", 1)[-1]


def object_ref(expr: ast.AST | None, scope: Scope, index: ModuleIndex) -> str | None:
    """The identity of the object a name or attribute chain stands for (see `webfacts`), or None."""
    if isinstance(expr, ast.Name):
        binding = index.resolve_binding(expr.id, scope)
        if binding is None:
            return None
        if binding.kind in (BindingKind.IMPORT, BindingKind.DEFINITION):
            return binding.target
        owner: Scope | None = scope
        while owner is not None and expr.id not in owner.bindings:
            owner = owner.parent
        return f"{(owner or index.module_scope).qualname}.{expr.id}"
    if isinstance(expr, ast.Attribute):
        name = index.qualified_name(expr, scope)
        if name is not None and "()" not in name:
            return name
    return None


def callee_name(call: ast.Call, scope: Scope, index: ModuleIndex) -> str:
    """The callee's qualified name, or its dotted text when the index cannot resolve it."""
    return index.qualified_name(call.func, scope) or dotted(call.func) or ""


def constant(expr: ast.AST | None, scope: Scope, index: ModuleIndex) -> Any:
    if expr is None:
        return UNKNOWN
    return index.constant_value(expr, scope)


def secret_shape(value: str, path: str) -> SecretShape:
    """What may be said about a secret found in `path` without holding it (the fingerprint is slow and salted)."""
    lowered = value.lower()
    return SecretShape(
        length=len(value),
        distinct=len(set(value)),
        preview=value[: min(4, len(value) // 4)],
        digest=secret_fingerprint(value, path),
        insecure_prefix=value.startswith("django-insecure-"),
        placeholder=any(word in lowered for word in _PLACEHOLDER_WORDS),
    )


def redacted_snippet(module: PythonModule, node: ast.AST, preview: str) -> str:
    """The source line of `node` with the secret literal `node` replaced by its first characters and `…`."""
    line = getattr(node, "lineno", 1)
    text = module.document.line(line)
    start = char_column(text, getattr(node, "col_offset", 0))
    masked = f'"{preview}…"'
    end_line = getattr(node, "end_lineno", line)
    end_offset = getattr(node, "end_col_offset", None)
    if end_line == line and end_offset is not None:
        end = char_column(text, end_offset)
        return (text[:start] + masked + text[end:]).rstrip()[:_SNIPPET_LIMIT]
    return (text[:start] + masked).rstrip()[:_SNIPPET_LIMIT]


def string_items(node: ast.AST | None) -> tuple[tuple[str, int], ...]:
    """Each string of a list/tuple display and its line (`MIDDLEWARE = [...]`)."""
    if not isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return ()
    return tuple(
        (element.value, element.lineno)
        for element in node.elts
        if isinstance(element, ast.Constant) and isinstance(element.value, str)
    )


def walk_body(statements: list[ast.stmt]) -> list[ast.AST]:
    """Every node of a function body, without descending into nested functions, classes or lambdas."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(reversed(statements))
    while stack:
        node = stack.pop()
        found.append(node)
        for child in reversed(list(ast.iter_child_nodes(node))):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            stack.append(child)
    return found
