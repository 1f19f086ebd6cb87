"""Every pattern bastion applies to scanned text is linear time: no module uses the backtracking `re` engine, and
RE2 is reached only through `bastion.core.patterns`."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import bastion
from bastion.core import patterns

SOURCE = Path(bastion.__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_no_module_imports_the_backtracking_engine() -> None:
    offenders = []
    for path in sorted(SOURCE.rglob("*.py")):
        imported = _imported_modules(path)
        if "re" in imported or ("re2" in imported and path != SOURCE / "core" / "patterns.py"):
            offenders.append(str(path.relative_to(SOURCE)))
    assert offenders == [], "use bastion.core.patterns (RE2) instead of re"


def test_patterns_take_linear_time_where_backtracking_took_quadratic() -> None:
    comment = patterns.compile(r"(^|\s+)#.*$")  # the requirements-comment shape that was quadratic with `re`
    text = "django==4.2" + " " * 200_000 + "x"
    started = time.process_time()
    assert comment.search(text) is None
    assert time.process_time() - started < 2


def test_flags_become_inline_flags() -> None:
    assert patterns.compile("abc", ignore_case=True).search("xABCx") is not None
    assert patterns.compile("^b", multiline=True).search("a\nb") is not None
    assert patterns.compile("a.b", dot_all=True).search("a\nb") is not None
    assert patterns.compile("a.b").search("a\nb") is None
    assert patterns.escape("a.b") == "a\\.b"
