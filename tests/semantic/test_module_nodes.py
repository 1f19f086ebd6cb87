"""One traversal per file: `PythonModule.nodes_of` gives what `ast.walk` would, in its order, walking once."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from bastion.semantic import module as module_source
from bastion.semantic.module import PythonModule, build_module
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument

SOURCE = """\
import os

def outer(request):
    def inner():
        return os.getenv("A")
    class Local:
        def method(self):
            return [call() for call in handlers]
    return inner(), Local().method(), print(request)

async def handler():
    await send(lambda: run("x"))
"""


def _module(source: str) -> PythonModule:
    text = textwrap.dedent(source)
    document = TextDocument(SourceFile(Path("app.py"), "app.py", len(text)), text, True, "utf-8")
    return build_module(document, ast.parse(text))


@pytest.mark.parametrize(
    "kinds",
    [
        (ast.Call,),
        (ast.FunctionDef, ast.AsyncFunctionDef),
        (ast.Assign, ast.Call, ast.Dict),
        (ast.Global,),
    ],
)
def test_nodes_of_a_type_come_in_ast_walk_order(kinds: tuple[type[ast.AST], ...]) -> None:
    module = _module(SOURCE)
    expected = [node for node in ast.walk(module.tree) if isinstance(node, kinds)]
    assert module.nodes_of(*kinds) == expected
    assert [id(node) for node in module.nodes_of(*kinds)] == [id(node) for node in expected]


def test_every_node_comes_in_ast_walk_order() -> None:
    source = SOURCE + textwrap.dedent(
        """
        match command:
            case {"op": op, **rest} if op:
                print(f"{op!r:>{width}} {rest}")
            case [first, *others] | Point(x=first, y=0):
                pass
        try:
            x: int = (y := 1) + -z
        except (ValueError, TypeError) as group:
            del a[1:2], b.c
        """
    )
    module = _module(source)
    assert [id(node) for node in module.nodes()] == [id(node) for node in ast.walk(module.tree)]


def test_the_tree_is_walked_once_and_each_answer_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    module = _module(SOURCE)
    walks = []
    real_walk = module_source._walk

    def counting_walk(node: ast.AST) -> list[ast.AST]:
        walks.append(node)
        return real_walk(node)

    monkeypatch.setattr(module_source, "_walk", counting_walk)
    calls = module.nodes_of(ast.Call)
    functions = module.nodes_of(ast.FunctionDef, ast.AsyncFunctionDef)
    assert module.nodes_of(ast.Call) is calls
    assert [f.name for f in functions] == ["outer", "handler", "inner", "method"]
    assert walks == [module.tree]


def test_derived_values_are_built_once_per_module() -> None:
    built: list[str] = []

    def names(module: PythonModule) -> list[str]:
        built.append(module.rel)
        return [node.id for node in module.nodes_of(ast.Name)]

    first, second = _module(SOURCE), _module("x = y\n")
    assert first.derived("test.names", names) is first.derived("test.names", names)
    assert second.derived("test.names", names) == ["x", "y"]
    assert built == ["app.py", "app.py"]
