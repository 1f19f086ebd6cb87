"""A parsed Python module with its index: what AST rules and fact collectors receive.

Many collectors and rules look for one kind of node anywhere in a module (every call, every function). Each
walking the whole tree itself cost a traversal apiece; `PythonModule.nodes_of` walks it once per file and hands
every asker the nodes in the order `ast.walk` yields them, so that switching to it changes no result.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, overload

from bastion.semantic.declared_routes import DeclaredRoute, ModuleRoute, routes_of_module
from bastion.semantic.index import ModuleIndex
from bastion.source.discovery import displayable_name
from bastion.source.reading import TextDocument

T = TypeVar("T")
N = TypeVar("N", bound=ast.AST)
M = TypeVar("M", bound=ast.AST)
K = TypeVar("K", bound=ast.AST)


@dataclass(frozen=True, slots=True)
class PythonModule:
    document: TextDocument
    tree: ast.Module
    index: ModuleIndex
    # Functions of this module that a specification outside the code routes requests to (connexion's OpenAPI).
    declared_routes: tuple[ModuleRoute, ...] = ()
    # What has been derived from this module once for every reader (`nodes_of`, `derived`).
    _derived: dict[object, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def nodes(self) -> list[ast.AST]:
        """Every node of the module, in `ast.walk` order (walked once, on first use)."""
        found = self._derived.get(_ALL_NODES)
        if found is None:
            found = self._derived[_ALL_NODES] = _walk(self.tree)
        return found

    @overload
    def nodes_of(self, kind: type[N], /) -> list[N]: ...
    @overload
    def nodes_of(self, kind: type[N], other: type[M], /) -> list[N | M]: ...
    @overload
    def nodes_of(self, kind: type[N], other: type[M], third: type[K], /) -> list[N | M | K]: ...

    def nodes_of(self, *kinds: type[ast.AST]) -> list[Any]:
        """The module's nodes of these types, in `ast.walk` order (the list is shared: do not change it)."""
        found = self._derived.get(kinds)
        if found is None:
            found = self._derived[kinds] = [node for node in self.nodes() if isinstance(node, kinds)]
        return found

    def derived(self, key: str, build: Callable[[PythonModule], T]) -> T:
        """`build(self)`, computed once per module for every rule and collector that asks under `key` (the
        result is shared: readers must not change it)."""
        if key not in self._derived:
            self._derived[key] = build(self)
        return self._derived[key]  # type: ignore[no-any-return]

    @property
    def rel(self) -> str:
        return self.document.rel

    @property
    def name(self) -> str:
        return self.index.module_name

    @property
    def lines(self) -> list[str]:
        return self.document.lines


_ALL_NODES = object()  # the key of `nodes()` in `_derived`


def _walk(tree: ast.AST) -> list[ast.AST]:
    """`list(ast.walk(tree))`, without its generators (about half the time): breadth first, each node's children
    in field order."""
    found = [tree]
    append = found.append
    for node in found:  # (the list grows while it is read: a queue that keeps what it served)
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        append(item)
    return found


def module_name_for(path: Path) -> tuple[str, bool]:
    """The dotted module name of a file, walking up while directories are packages; and whether it is a package."""
    is_package = path.name == "__init__.py"
    parts = list(_package_parts(path.parent))
    if not is_package:
        parts.append(path.stem)
    name = ".".join(part for part in parts if part)
    # A name that is not UTF-8 cannot be imported, but it is still analysed and its findings stored as text.
    return displayable_name(name or path.stem), is_package


@functools.lru_cache(maxsize=4096)
def _package_parts(directory: Path) -> tuple[str, ...]:
    if not (directory / "__init__.py").is_file() or directory.parent == directory:
        return ()
    return (*_package_parts(directory.parent), directory.name)


def build_module(
    document: TextDocument,
    tree: ast.Module,
    *,
    return_types: Mapping[str, str] | None = None,
    declared_routes: Sequence[DeclaredRoute] = (),
) -> PythonModule:
    name, is_package = module_name_for(document.file.path)
    index = ModuleIndex(tree, name, is_package=is_package, return_types=return_types)
    return PythonModule(document, tree, index, routes_of_module(declared_routes, name, document.rel))
