"""One traversal per file: rules and collectors ask `PythonModule.nodes_of`/`nodes`/`derived` for the nodes they
want instead of walking the whole tree themselves (each such walk cost a traversal of every file; issue #14)."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "bastion"
# Where rules and fact collectors live: they receive a `PythonModule`. (The parser, before there is one, may walk.)
CHECKED = ("rules", "concepts", "taint", "secrets", "semantic")
# The one walk every asker shares.
ALLOWED = {"semantic/module.py"}


def whole_tree_walks(source: str) -> list[int]:
    """Lines of `ast.walk(<something>.tree)` / `ast.walk(tree)`: a walk of a whole module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and len(node.args) == 1 and ast.unparse(node.func) == "ast.walk"):
            continue
        walked = node.args[0]
        if (isinstance(walked, ast.Attribute) and walked.attr == "tree") or (
            isinstance(walked, ast.Name) and walked.id == "tree"
        ):
            found.append(node.lineno)
    return sorted(found)


def test_the_check_sees_a_whole_tree_walk_and_nothing_else() -> None:
    source = (
        "import ast\n"
        "def f(module, ctx, tree, node):\n"
        "    a = [n for n in ast.walk(module.tree)]\n"
        "    b = list(ast.walk(ctx.module.index.tree))\n"
        "    c = list(ast.walk(tree))\n"
        "    d = list(ast.walk(node.value))\n"
        "    e = module.nodes_of(ast.Call)\n"
    )
    assert whole_tree_walks(source) == [3, 4, 5]


def test_no_rule_or_collector_walks_a_whole_module_itself() -> None:
    offenders = [
        f"{path.relative_to(SOURCE).as_posix()}:{line}"
        for folder in CHECKED
        for path in sorted((SOURCE / folder).rglob("*.py"))
        if path.relative_to(SOURCE).as_posix() not in ALLOWED
        for line in whole_tree_walks(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use PythonModule.nodes_of(...) / nodes() / derived(...) instead of walking the tree"
