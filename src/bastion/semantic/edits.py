"""Text edits at the places of AST nodes: what rules use to write their fixes.

The AST says where a node starts and ends (in UTF-8 bytes); `ModuleEditor` turns that into character positions in
the module's text, so that an edit replaces exactly the source of a node and leaves everything around it (layout,
comments, quotes) as it was. Tokens find what the AST does not record: the commas and comments between arguments.
Imports a fix needs are found among the module's own bindings first, and added only when nothing in scope names
the module already.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from bastion.core.fix import Edit
from bastion.semantic.index import BindingKind, Scope
from bastion.semantic.module import PythonModule

Position = tuple[int, int]
Argument = ast.expr | ast.keyword


def char_column(text: str, byte_offset: int) -> int:
    """0-based character column of a 0-based UTF-8 byte offset into `text` (AST columns count bytes)."""
    if text.isascii():
        return byte_offset
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))


@dataclass(frozen=True, slots=True)
class ImportReference:
    """How to name `module.name` at some place: the expression to write, and the import to add (if any)."""

    expression: str
    edit: Edit | None = None


class ModuleEditor:
    """Edits for one parsed module. Every position is (line, column), both 1-based, columns in characters."""

    def __init__(self, module: PythonModule) -> None:
        self.module = module
        self.lines = module.document.lines

    # -- positions ---------------------------------------------------------------------------------------------

    def start(self, node: ast.AST) -> Position:
        line = getattr(node, "lineno", 1)
        return line, char_column(self._line(line), getattr(node, "col_offset", 0)) + 1

    def end(self, node: ast.AST) -> Position:
        end_line = getattr(node, "end_lineno", None)
        line: int = end_line if end_line is not None else getattr(node, "lineno", 1)
        offset = getattr(node, "end_col_offset", None)
        text = self._line(line)
        return line, (char_column(text, offset) if offset is not None else len(text)) + 1

    def text(self, start: Position, end: Position) -> str:
        """The source between two positions, lines joined with `\\n`."""
        (line, column), (end_line, end_column) = start, end
        if line == end_line:
            return self._line(line)[column - 1 : end_column - 1]
        parts = [self._line(line)[column - 1 :]]
        parts.extend(self._line(number) for number in range(line + 1, end_line))
        parts.append(self._line(end_line)[: end_column - 1])
        return "\n".join(parts)

    def source(self, node: ast.AST) -> str:
        return self.text(self.start(node), self.end(node))

    def indentation(self, line: int) -> str:
        text = self._line(line)
        return text[: len(text) - len(text.lstrip())]

    def starts_line(self, position: Position) -> bool:
        """Only whitespace before `position` on its line."""
        line, column = position
        return not self._line(line)[: column - 1].strip()

    def _line(self, number: int) -> str:
        lines = self.lines
        return lines[number - 1] if 0 < number <= len(lines) else ""

    # -- edits ---------------------------------------------------------------------------------------------

    def replace(self, node: ast.AST, content: str) -> Edit:
        (line, column), (end_line, end_column) = self.start(node), self.end(node)
        return Edit(line, column, end_line, end_column, content)

    def delete(self, start: Position, end: Position) -> Edit:
        return Edit(start[0], start[1], end[0], end[1], "")

    def add_keyword(self, call: ast.Call, text: str) -> Edit | None:
        """Pass one more keyword argument (`text` is `name=value`) to `call`, after its last argument."""
        items = call_arguments(call)
        if _bare_generator(call):
            return None  # `f(x for x in y)` would need parentheses of its own first
        close = self._closing_paren(call)
        if close is None:
            return None
        if not items:
            return Edit.insertion(close[0], close[1], text)
        last_end = self.end(items[-1])
        comma = self._trailing_comma(last_end, close)
        if comma is None:
            return Edit.insertion(last_end[0], last_end[1], f", {text}")
        if close[0] > comma[0] and self.starts_line(self.start(items[-1])):
            # One argument per line with a trailing comma: the new one gets a line of its own.
            indent = self.indentation(self.start(items[-1])[0])
            return Edit.insertion(comma[0], comma[1] + 1, f"\n{indent}{text},")
        return Edit.insertion(comma[0], comma[1] + 1, f" {text}")

    def remove_argument(self, call: ast.Call, target: Argument) -> Edit | None:
        """Delete one argument of `call` with the comma that belongs to it, keeping the rest of the layout."""
        items = call_arguments(call)
        position = next((i for i, item in enumerate(items) if item is target), None)
        close = self._closing_paren(call)
        if position is None or close is None:
            return None
        start, end = self.start(target), self.end(target)
        before = items[position - 1] if position > 0 else None
        after = items[position + 1] if position + 1 < len(items) else None
        if self._alone_on_its_lines(start, end, before, after, close):
            # The argument has its own line(s), its comment included: remove the lines.
            return self.delete((start[0], 1), (self._last_line_of(end, close) + 1, 1))
        if after is not None:
            next_start = self.start(after)
            if next_start[0] == end[0]:
                return self.delete(start, next_start)
            comma = self._trailing_comma(end, next_start)
            stop = (comma[0], comma[1] + 1) if comma is not None else end
            return self.delete(start, stop)
        if before is not None:
            return self.delete(self.end(before), end)
        return self.delete(start, close)

    # -- imports -------------------------------------------------------------------------------------------

    def import_reference(self, module: str, name: str, scope: Scope, use: ast.AST) -> ImportReference | None:
        """How to write `module.name` where `use` is: through an import the module already has (`import hmac`,
        `import hmac as h`, `from hmac import compare_digest`), by extending a `from module import ...`, or with a
        new `import module`. None when every way is taken (a local variable named like the module, say)."""
        index = self.module.index
        for bound in _visible_names(scope):
            binding = index.resolve_binding(bound, scope)
            if binding is not None and binding.kind is BindingKind.IMPORT and binding.target == f"{module}.{name}":
                return ImportReference(bound)
        existing = self._module_alias(module, scope)
        if existing is not None:
            return ImportReference(f"{existing}.{name}")
        if not index.lookup(name, scope) and name not in index.module_scope.bindings:
            extended = self._extend_from_import(module, name, self.start(use)[0])
            if extended is not None:
                return ImportReference(name, extended)
        added = self.module_reference(module, scope, use)
        return None if added is None else ImportReference(f"{added.expression}.{name}", added.edit)

    def module_reference(self, module: str, scope: Scope, use: ast.AST) -> ImportReference | None:
        """How to name the module `module` where `use` is: its existing `import` (or alias), or a new one."""
        existing = self._module_alias(module, scope)
        if existing is not None:
            return ImportReference(existing)
        index = self.module.index
        if index.lookup(module, scope) or module in index.module_scope.bindings:
            return None
        edit = self._import_statement(module)
        if edit.line > self.start(use)[0]:
            return None
        return ImportReference(module, edit)

    def _module_alias(self, module: str, scope: Scope) -> str | None:
        index = self.module.index
        for bound in _visible_names(scope):
            binding = index.resolve_binding(bound, scope)
            if (
                binding is not None
                and binding.kind is BindingKind.IMPORT
                and binding.target == module
                and isinstance(binding.node, ast.Import)
            ):
                return bound
        return None

    def _extend_from_import(self, module: str, name: str, use_line: int) -> Edit | None:
        for statement in self.module.tree.body:
            if (
                isinstance(statement, ast.ImportFrom)
                and statement.level == 0
                and statement.module == module
                and statement.lineno < use_line
                and statement.names
                and statement.names[0].name != "*"
            ):
                line, column = self.end(statement.names[-1])
                return Edit.insertion(line, column, f", {name}")
        return None

    def _import_statement(self, module: str) -> Edit:
        """`import module` where isort would put it among the module's leading imports: in the standard library's
        block (before the first plain import that sorts after it, or after the block's last import), above the
        other imports with a blank line between when there is no such block; with no imports, after the docstring
        and `from __future__` imports (a blank line between), else before the first statement."""
        body = self.module.tree.body
        statement = f"import {module}\n"
        leading: list[ast.stmt] = []
        docstring: ast.stmt | None = None
        for position, node in enumerate(body):
            if position == 0 and _is_docstring(node):
                docstring = node
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                leading.append(node)
            else:
                break
        imports = [node for node in leading if _imported_module(node) != "__future__"]
        if not imports:
            after = leading[-1] if leading else docstring
            if after is None:
                return Edit.insertion(body[0].lineno if body else 1, 1, statement)
            return Edit.insertion((after.end_lineno or after.lineno) + 1, 1, "\n" + statement)
        standard = module in sys.stdlib_module_names
        last_in_block: ast.stmt | None = None
        for node in imports:
            name = _imported_module(node)
            in_stdlib = name in sys.stdlib_module_names
            if in_stdlib != standard and standard:
                # The end of the standard library's block: after its last import, or above the others.
                if last_in_block is not None:
                    break
                return Edit.insertion(node.lineno, 1, statement + "\n")
            if in_stdlib == standard and isinstance(node, ast.Import) and len(node.names) == 1 and name > module:
                return Edit.insertion(node.lineno, 1, statement)
            if in_stdlib == standard:
                last_in_block = node
        anchor = last_in_block or imports[-1]
        return Edit.insertion((anchor.end_lineno or anchor.lineno) + 1, 1, statement)

    # -- tokens --------------------------------------------------------------------------------------------

    def _tokens(self, start: Position, end: Position) -> list[tuple[int, str, Position, Position]]:
        """(type, string, start, end) of the tokens between two positions, in file positions."""
        text = self.text(start, end)
        found: list[tuple[int, str, Position, Position]] = []
        try:
            for token in tokenize.generate_tokens(io.StringIO(text).readline):
                if token.type in (tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT):
                    continue
                found.append((token.type, token.string, self._shift(start, token.start), self._shift(start, token.end)))
        except (tokenize.TokenError, IndentationError, SyntaxError):
            pass  # a region that ends inside brackets: the tokens read so far are all we need
        return found

    @staticmethod
    def _shift(origin: Position, relative: tuple[int, int]) -> Position:
        row, column = relative
        if row == 1:
            return origin[0], origin[1] + column
        return origin[0] + row - 1, column + 1

    def _closing_paren(self, call: ast.Call) -> Position | None:
        line, column = self.end(call)
        if column < 2 or self._line(line)[column - 2] != ")":
            return None
        return line, column - 1

    def _trailing_comma(self, after: Position, limit: Position) -> Position | None:
        for kind, string, start, _ in self._tokens(after, limit):
            if kind == tokenize.OP and string == ",":
                return start
            if kind not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT) and string.strip():
                return None
        return None

    def _last_line_of(self, end: Position, limit: Position) -> int:
        """The line an argument's trailing comma and comment end on."""
        last = end[0]
        for kind, _, start, _ in self._tokens(end, limit):
            if kind in (tokenize.NL, tokenize.NEWLINE):
                break
            last = start[0]
        return last

    def _alone_on_its_lines(
        self, start: Position, end: Position, before: Argument | None, after: Argument | None, close: Position
    ) -> bool:
        if not self.starts_line(start):
            return False
        if before is not None and self.end(before)[0] >= start[0]:
            return False
        rest = [token for token in self._tokens(end, close) if token[2][0] == end[0]]
        for kind, string, _, _ in rest:
            if kind in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT) or string == ",":
                continue
            return False
        following = self.start(after) if after is not None else close
        return following[0] > self._last_line_of(end, close)


def call_arguments(call: ast.Call) -> list[Argument]:
    """Positional and keyword arguments in source order (`f(a, *b, c=1, **d)`)."""
    items: list[Argument] = [*call.args, *call.keywords]
    return sorted(items, key=lambda item: (item.lineno, item.col_offset))


def _bare_generator(call: ast.Call) -> bool:
    return len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.GeneratorExp)


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _imported_module(node: ast.Import | ast.ImportFrom | ast.stmt) -> str:
    """The top-level module an import statement names ("" for a relative import: the project's own)."""
    if isinstance(node, ast.Import):
        return node.names[0].name.split(".")[0]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return node.module.split(".")[0]
    return ""


def _visible_names(scope: Scope) -> Sequence[str]:
    """Names bound in `scope` and the scopes around it (where an import may already name a module)."""
    names: list[str] = []
    current: Scope | None = scope
    while current is not None:
        names.extend(current.bindings)
        current = current.parent
    return sorted(set(names))


def python_string(value: str, quote: str = '"') -> str:
    """A Python string literal for `value`, in `quote` quotes when the value allows it."""
    text = repr(value)
    if text[0] == quote or quote in value:
        return text
    # repr chose the other quote, so the value holds neither quote character: nothing inside needs changing.
    return quote + text[1:-1] + quote
