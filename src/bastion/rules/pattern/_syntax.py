"""Small syntax questions several PAT rules ask."""

from __future__ import annotations

import ast

from bastion.semantic.calls import last_name

_BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException"})


def catches_everything(kind: ast.expr | None) -> bool:
    """An `except` clause type that catches every exception: bare, `Exception`, `BaseException`, or a tuple
    holding one of them."""
    if kind is None:
        return True
    if isinstance(kind, ast.Tuple):
        return any(catches_everything(element) for element in kind.elts)
    return last_name(kind) in _BROAD_EXCEPTIONS


def is_main_guard(test: ast.expr) -> bool:
    """`__name__ == "__main__"`: the block that runs only when the file is run as a script."""
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )
