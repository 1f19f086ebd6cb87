"""Qualified names and constant values, through aliases, scopes and shadowing."""

from __future__ import annotations

import ast
import textwrap

import pytest

from bastion.semantic.constants import UNKNOWN, fold
from bastion.semantic.index import ModuleIndex


def _calls(source: str, module: str = "pkg.mod", is_package: bool = False) -> dict[int, str | None]:
    """Qualified name of every call, by line, resolved from the call's own scope."""
    tree = ast.parse(textwrap.dedent(source))
    index = ModuleIndex(tree, module, is_package=is_package)
    names: dict[int, str | None] = {}

    def walk(node: ast.AST, scope: object) -> None:
        for child in ast.iter_child_nodes(node):
            child_scope = scope
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                child_scope = index.child_scope(child, scope)  # type: ignore[arg-type]
            if isinstance(child, ast.Call):
                names.setdefault(child.lineno, index.qualified_name(child.func, scope))  # type: ignore[arg-type]
            walk(child, child_scope)

    walk(tree, index.module_scope)
    return names


def test_imports_and_aliases() -> None:
    names = _calls(
        """\
        import subprocess
        import subprocess as sp
        from subprocess import run as r
        import os.path
        import xml.etree.ElementTree as ET
        subprocess.run()
        sp.call()
        r()
        os.path.join()
        ET.parse()
        """
    )
    assert names == {
        6: "subprocess.run",
        7: "subprocess.call",
        8: "subprocess.run",
        9: "os.path.join",
        10: "xml.etree.ElementTree.parse",
    }


def test_builtins_and_shadowing() -> None:
    names = _calls(
        """\
        eval()
        def f():
            def eval(x):
                return x
            eval()
        def g(open):
            open()
        class C:
            def run(self):
                self.run()
                len()
        """
    )
    assert names[1] == "builtins.eval"
    assert names[5] == "pkg.mod.f.eval"
    assert names[7] is None  # a parameter: unknown
    assert names[10] is None  # self: unknown
    assert names[11] == "builtins.len"


def test_module_level_definition_shadows_import() -> None:
    names = _calls("from yaml import load\ndef load(x):\n    return x\nload()\n")
    assert names[4] == "pkg.mod.load"


def test_class_scope_does_not_enclose_methods() -> None:
    names = _calls(
        """\
        import json
        class C:
            json = None
            def m(self):
                json.loads()
        """
    )
    assert names[5] == "json.loads"


def test_relative_imports() -> None:
    assert _calls("from . import db\ndb.query()\n", module="app.views")[2] == "app.db.query"
    assert _calls("from .db import query\nquery()\n", module="app.views")[2] == "app.db.query"
    assert _calls("from ..core import x\nx()\n", module="app.web.views")[2] == "app.core.x"
    assert _calls("from . import db\ndb.q()\n", module="app", is_package=True)[2] == "app.db.q"


def test_assignment_aliases_calls_and_with() -> None:
    names = _calls(
        """\
        import requests
        import importlib
        get = requests.get
        get()
        session = requests.Session()
        session.post()
        with requests.Session() as s:
            s.put()
        mod = importlib.import_module("pickle")
        mod.loads()
        requests.Session().delete()
        """
    )
    assert names[4] == "requests.get"
    assert names[6] == "requests.Session().post"
    assert names[8] == "requests.Session().put"
    assert names[10] == "pickle.loads"
    assert names[11] == "requests.Session().delete"


def test_global_declaration_and_try_import_fallback() -> None:
    names = _calls(
        """\
        try:
            import simplejson as json
        except ImportError:
            import json
        json.loads()
        def f():
            global json
            json = None
            json.dumps()
        """
    )
    assert names[5] == "simplejson.loads"
    assert names[9] == "simplejson.dumps"


def test_return_types_from_models() -> None:
    tree = ast.parse("import sqlite3\nconn = sqlite3.connect('x')\nconn.cursor()\n")
    index = ModuleIndex(tree, "m", return_types={"sqlite3.connect": "sqlite3.Connection"})
    call = tree.body[2].value  # type: ignore[attr-defined]
    assert index.qualified_name(call.func, index.module_scope) == "sqlite3.Connection.cursor"


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("True", True),
        ("7 * 18 > 200", False),
        ("'a' + 'b'", "ab"),
        ("not False", True),
        ("[1, 2][0]", UNKNOWN),
        ("(1, 'x')", (1, "x")),
        ("{'k': [1]}", {"k": [1]}),
        ("f'{1}-{2}'", "1-2"),
        ("2 ** 10000", UNKNOWN),
        ("'x' * 10**9", UNKNOWN),
        ("1 / 0", UNKNOWN),
        ("1 if True else 2", 1),
        ("None or 'x'", "x"),
        ("name", UNKNOWN),
    ],
)
def test_fold(expression: str, value: object) -> None:
    assert fold(ast.parse(expression, mode="eval").body) == value


def test_constant_through_names() -> None:
    tree = ast.parse(
        textwrap.dedent(
            """\
            SHELL = True
            ALGOS = ["none"]
            changing = 1
            changing = 2
            same = "x"
            same = "x"
            """
        )
    )
    index = ModuleIndex(tree, "m")
    scope = index.module_scope

    def value(text: str) -> object:
        return index.constant_value(ast.parse(text, mode="eval").body, scope)

    assert value("SHELL") is True
    assert value("ALGOS") == ["none"]
    assert value("changing") is UNKNOWN
    assert value("same") == "x"
    assert value("SHELL and 'yes'") == "yes"
