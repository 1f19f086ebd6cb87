"""ModuleEditor: edits at AST nodes that keep the layout around them, and imports found or added."""

from __future__ import annotations

import ast

import pytest

from bastion.semantic.edits import python_string
from tests.fix.support import edited, editor_of, first_call


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("get(url)\n", "get(url, timeout=30)\n"),
        ("get()\n", "get(timeout=30)\n"),
        ("get(url, stream=True)\n", "get(url, stream=True, timeout=30)\n"),
        ("get(url,)\n", "get(url, timeout=30)\n"),
        ("get(\n    url,\n    stream=True,\n)\n", "get(\n    url,\n    stream=True,\n    timeout=30,\n)\n"),
        ("get(\n    url\n)\n", "get(\n    url, timeout=30\n)\n"),
        ("get(url,  # the page\n    stream=True)\n", "get(url,  # the page\n    stream=True, timeout=30)\n"),
    ],
)
def test_add_keyword(source: str, expected: str) -> None:
    editor, tree = editor_of(source)
    assert edited(source, editor.add_keyword(first_call(tree, "get"), "timeout=30")) == expected


def test_no_keyword_after_a_bare_generator_argument() -> None:
    editor, tree = editor_of("total(x for x in y)\n")
    assert editor.add_keyword(first_call(tree, "total"), "start=0") is None


def _remove(source: str, keyword: str) -> str:
    editor, tree = editor_of(source)
    call = first_call(tree, "get")
    target = next(item for item in call.keywords if item.arg == keyword)
    return edited(source, editor.remove_argument(call, target))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("get(url, verify=False)\n", "get(url)\n"),
        ("get(verify=False)\n", "get()\n"),
        ("get(url, verify=False, timeout=5)\n", "get(url, timeout=5)\n"),
        ("get(verify=False, timeout=5)\n", "get(timeout=5)\n"),
        ("get(url, verify=False,)\n", "get(url,)\n"),
        (
            "get(\n    url,\n    verify=False,  # staging has a self-signed certificate\n    timeout=5,\n)\n",
            "get(\n    url,\n    timeout=5,\n)\n",
        ),
        ("get(\n    url,\n    verify=False\n)\n", "get(\n    url,\n)\n"),
        ("get(\n    verify=False,\n)\n", "get(\n)\n"),
        ("get(url, verify=False,  # why\n    timeout=5)\n", "get(url,   # why\n    timeout=5)\n"),
        ("get(url, verify=(\n    False\n))\n", "get(url)\n"),
    ],
)
def test_remove_argument(source: str, expected: str) -> None:
    result = _remove(source, "verify")
    assert result == expected
    ast.parse(result)


def test_import_found_under_its_alias_or_as_the_name() -> None:
    editor, tree = editor_of("import hmac as h\n\ndef check(a, b):\n    return a == b\n")
    use = next(node for node in ast.walk(tree) if isinstance(node, ast.Compare))
    reference = editor.import_reference("hmac", "compare_digest", editor.module.index.module_scope, use)
    assert reference is not None and reference.expression == "h.compare_digest" and reference.edit is None
    editor, tree = editor_of("from hmac import compare_digest\n\nx = a == b\n")
    use = next(node for node in ast.walk(tree) if isinstance(node, ast.Compare))
    reference = editor.import_reference("hmac", "compare_digest", editor.module.index.module_scope, use)
    assert reference is not None and reference.expression == "compare_digest" and reference.edit is None


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            '"""Doc."""\nfrom __future__ import annotations\n\nimport os\nimport sys\n\nx = a == b\n',
            '"""Doc."""\nfrom __future__ import annotations\n\nimport hmac\nimport os\nimport sys\n\n'
            "x = hmac.compare_digest(a, b)\n",
        ),
        ('"""Doc."""\n\nx = a == b\n', '"""Doc."""\n\nimport hmac\n\nx = hmac.compare_digest(a, b)\n'),
        (
            "#!/usr/bin/env python\n# a comment\nx = a == b\n",
            "#!/usr/bin/env python\n# a comment\nimport hmac\nx = hmac.compare_digest(a, b)\n",
        ),
        (
            "from flask import Blueprint\n\nfrom app import db\n\nx = a == b\n",
            "import hmac\n\nfrom flask import Blueprint\n\nfrom app import db\n\nx = hmac.compare_digest(a, b)\n",
        ),
        (
            "import os\n\nimport requests\nfrom app import z\n\nx = a == b\n",
            "import hmac\nimport os\n\nimport requests\nfrom app import z\n\nx = hmac.compare_digest(a, b)\n",
        ),
        (
            "import abc\n\nimport requests\n\nx = a == b\n",
            "import abc\nimport hmac\n\nimport requests\n\nx = hmac.compare_digest(a, b)\n",
        ),
        (
            '"""D."""\nfrom __future__ import annotations\n\nx = a == b\n',
            '"""D."""\nfrom __future__ import annotations\n\nimport hmac\n\nx = hmac.compare_digest(a, b)\n',
        ),
        (
            "from hmac import new\n\nx = a == b\n",
            "from hmac import new, compare_digest\n\nx = compare_digest(a, b)\n",
        ),
    ],
)
def test_import_added_where_imports_go(source: str, expected: str) -> None:
    editor, tree = editor_of(source)
    use = next(node for node in ast.walk(tree) if isinstance(node, ast.Compare))
    reference = editor.import_reference("hmac", "compare_digest", editor.module.index.module_scope, use)
    assert reference is not None
    call = f"{reference.expression}(a, b)"
    assert edited(source, reference.edit, editor.replace(use, call)) == expected


def test_no_import_when_the_name_is_taken() -> None:
    source = "def check(hmac, a, b):\n    return a == b\n"
    editor, tree = editor_of(source)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    scope = editor.module.index.scope_chain(function)
    use = next(node for node in ast.walk(tree) if isinstance(node, ast.Compare))
    assert editor.import_reference("hmac", "compare_digest", scope, use) is None


def test_no_import_after_the_use() -> None:
    source = "import abc; x = a == b\n"
    editor, tree = editor_of(source)
    use = next(node for node in ast.walk(tree) if isinstance(node, ast.Compare))
    assert editor.import_reference("hmac", "compare_digest", editor.module.index.module_scope, use) is None


@pytest.mark.parametrize("value", ["plain", "it's", 'say "hi"', "both ' and \"", "tab\there", "ünïcode", "back\\slash"])
@pytest.mark.parametrize("quote", ['"', "'"])
def test_python_string_round_trips(value: str, quote: str) -> None:
    literal = python_string(value, quote)
    assert ast.literal_eval(literal) == value
    if quote not in value:
        assert literal[0] == quote
