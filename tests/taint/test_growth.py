"""The per-function analysis grows near-linearly with the size of a function: a large flat module (generated
settings, tables, `_pb2` modules) used to cost quadratic time in copies and joins of the state (issue 17).

Measured as a ratio of CPU times in the same process (best of several runs), not as an absolute time."""

from __future__ import annotations

import ast
import gc
import time
from pathlib import Path

from bastion.concepts.dataflow import dataflow_model
from bastion.semantic.module import build_module
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument
from bastion.taint.facts import ModuleFacts
from bastion.taint.module import analyse_module


def _flat_module(statements: int) -> str:
    """Module-level code of every shape that copies, joins or rebinds the state: assignments of input,
    attribute paths, branches, loops, `try` and rebinding an object whose attributes are known."""
    lines = ["import os", "import subprocess", "", "class Box:", "    pass", "", "box = Box()"]
    for i in range(statements // 8):
        lines += [
            f"value_{i} = os.environ.get('KEY_{i}')",
            f"box.field_{i} = value_{i}",
            f"if value_{i}:",
            f"    chosen_{i} = value_{i}",
            f"for item_{i} in range({i}):",
            f"    total_{i} = item_{i}",
            "try:",
            f"    parsed_{i} = int(value_{i})",
        ]
        lines += ["except ValueError:", f"    parsed_{i} = 0"]
    lines.append("subprocess.run(value_0, shell=True)")
    return "\n".join(lines) + "\n"


def _analyse(tmp_path: Path, statements: int) -> tuple[float, ModuleFacts]:
    path = tmp_path / f"flat_{statements}.py"
    text = _flat_module(statements)
    path.write_text(text, encoding="utf-8")
    document = TextDocument(SourceFile(path, path.name, len(text)), text, True, "utf-8")
    module = build_module(document, ast.parse(text))
    model = dataflow_model()
    best = float("inf")
    facts = ModuleFacts("", "")
    enabled = gc.isenabled()
    gc.disable()  # as in the workers (`rules.taint.base`): collections would time the heap, not the analysis
    try:
        for _ in range(3):
            started = time.process_time()
            facts = analyse_module(module, model)
            best = min(best, time.process_time() - started)
    finally:
        if enabled:
            gc.enable()
    return best, facts


def test_a_flat_module_twice_as_long_takes_about_twice_as_long(tmp_path: Path) -> None:
    small, small_facts = _analyse(tmp_path, 8_000)
    large, large_facts = _analyse(tmp_path, 16_000)
    # The analysis did the work it should: the command sink is found in both.
    for facts in (small_facts, large_facts):
        assert any(hit.kind == "command" for function in facts.functions for hit in function.sinks)
    # Quadratic growth gives 4; near-linear gives a little over 2 (allocation, larger dicts).
    assert large / small < 3.0, f"{small:.3f} s -> {large:.3f} s"
