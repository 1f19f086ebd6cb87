"""A parsed Python module with its index: what AST rules and fact collectors receive."""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bastion.semantic.index import ModuleIndex
from bastion.source.discovery import displayable_name
from bastion.source.reading import TextDocument


@dataclass(frozen=True, slots=True)
class PythonModule:
    document: TextDocument
    tree: ast.Module
    index: ModuleIndex

    @property
    def rel(self) -> str:
        return self.document.rel

    @property
    def name(self) -> str:
        return self.index.module_name

    @property
    def lines(self) -> list[str]:
        return self.document.lines


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
    document: TextDocument, tree: ast.Module, *, return_types: Mapping[str, str] | None = None
) -> PythonModule:
    name, is_package = module_name_for(document.file.path)
    return PythonModule(document, tree, ModuleIndex(tree, name, is_package=is_package, return_types=return_types))
