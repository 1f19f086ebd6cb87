"""fold_qualified: library constants by qualified name, combined with the module's own constants."""

from __future__ import annotations

import ast
import stat

import pytest

from bastion.semantic.constants import UNKNOWN
from bastion.semantic.index import ModuleIndex
from bastion.semantic.qualified_constants import fold_qualified

KNOWN = {"stat.S_IWOTH": stat.S_IWOTH, "stat.S_IRWXU": stat.S_IRWXU, "ssl.CERT_NONE": "CERT_NONE"}


def _fold(source: str) -> object:
    """Fold the expression of the module's last line, in the module scope."""
    tree = ast.parse(source)
    index = ModuleIndex(tree, "example")
    last = tree.body[-1]
    assert isinstance(last, ast.Expr)
    return fold_qualified(last.value, index, index.module_scope, KNOWN)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import stat\nstat.S_IRWXU | stat.S_IWOTH", stat.S_IRWXU | stat.S_IWOTH),
        ("from stat import S_IWOTH as W\nW", stat.S_IWOTH),
        ("import stat\nMODE = stat.S_IRWXU | stat.S_IWOTH\nMODE", stat.S_IRWXU | stat.S_IWOTH),
        ("0o644 | 0o002", 0o646),
        ("import stat\n~stat.S_IWOTH & 0o777", 0o775),
        ("import ssl\nssl.CERT_NONE", "CERT_NONE"),
        ("LIMIT = 10\nLIMIT", 10),
    ],
)
def test_known_names_fold(source: str, expected: object) -> None:
    assert _fold(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "import stat\nstat.S_UNKNOWN_BIT",  # not in the table
        "mode | 0o002",  # an unbound name
        "import stat\nstat.S_IWOTH * 2",  # only bit and additive operators combine known names
        "class stat:\n    S_IWOTH = 0\nstat.S_IWOTH",  # a local class shadows the module
        "import stat\nstat.S_IWOTH | 'x'",  # not an integer
    ],
)
def test_unknowable_values_stay_unknown(source: str) -> None:
    assert _fold(source) is UNKNOWN
