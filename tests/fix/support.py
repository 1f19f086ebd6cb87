"""Small helpers for the fix tests: findings that carry a fix, and applying edits to a text."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Sequence
from pathlib import Path

from bastion.core.config import BastionConfig
from bastion.core.finding import Finding, Location
from bastion.core.fix import Applicability, Edit, Fix
from bastion.core.severity import Confidence, Severity
from bastion.fix.edits import apply_fixes
from bastion.rules.base import AstRule
from bastion.rules.runner import AstDispatcher
from bastion.semantic.edits import ModuleEditor
from bastion.semantic.module import PythonModule, build_module
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument


def finding_with(
    edits: Sequence[Edit],
    *,
    code: str = "PAT999",
    path: str = "app.py",
    line: int = 1,
    applicability: Applicability = Applicability.SAFE,
    scope: str = "app",
    snippet: str = "",
) -> Finding:
    return Finding(
        code=code,
        message="test finding",
        location=Location(path, line),
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        snippet=snippet,
        scope=scope,
        fix=Fix("test fix", applicability, tuple(edits)),
    )


def edited(text: str, *edits: Edit | None) -> str:
    """`text` with `edits` applied as one fix."""
    assert all(edit is not None for edit in edits), "the editor offered no edit"
    return apply_fixes(text, [finding_with([edit for edit in edits if edit is not None])]).text


def module_of(source: str, name: str = "app.py") -> PythonModule:
    text = textwrap.dedent(source)
    document = TextDocument(SourceFile(Path(name), name, len(text)), text, True, "utf-8")
    return build_module(document, ast.parse(text))


def editor_of(source: str) -> tuple[ModuleEditor, ast.Module]:
    module = module_of(source)
    return ModuleEditor(module), module.tree


def first_call(tree: ast.AST, name: str) -> ast.Call:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == name:
            return node
    raise AssertionError(f"no call to {name}")


def ast_findings(source: str, rule: type[AstRule], config: BastionConfig | None = None) -> list[Finding]:
    """The findings of one AST rule on `source`, in process (for property tests: no scan, no files)."""
    settings = config or BastionConfig()
    findings, notices = AstDispatcher([rule(settings)]).run(module_of(source), settings)
    assert not notices, notices
    return findings


def fixed_source(source: str, findings: Sequence[Finding]) -> str:
    return apply_fixes(textwrap.dedent(source), findings).text
