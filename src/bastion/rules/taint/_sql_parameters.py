"""TNT101's fix: SQL text built with an f-string, `%` or `+` becomes a parameterised query.

`cursor.execute(f"SELECT * FROM books WHERE title LIKE '%{title}%' AND year = {year}")` becomes
`cursor.execute("SELECT * FROM books WHERE title LIKE ? AND year = ?", (f"%{title}%", year))`, in the placeholder
style of the driver the connection comes from (`?` for sqlite3 and pyodbc, `%s` for psycopg, PyMySQL, MySQLdb and
Django, `:1` for Oracle). Only when every interpolated piece stands where SQL takes a value: inside a quoted
string literal (the whole literal becomes the parameter), or alone after a comparison, `LIKE`, `LIMIT`/`OFFSET`,
`BETWEEN ... AND`, or in an `IN (...)`/`VALUES (...)` list. A piece that names a table or a column, chooses a
sort order or sits in a comment gets no fix: parameters cannot stand there.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bastion.core import patterns
from bastion.core.fix import Applicability, Edit, Fix
from bastion.semantic.calls import calls_with_owners
from bastion.semantic.edits import ModuleEditor, python_string
from bastion.semantic.index import Scope
from bastion.semantic.module import PythonModule

# Placeholder style by the driver module a connection comes from.
PLACEHOLDERS = {
    "sqlite3": "qmark",
    "pyodbc": "qmark",
    "psycopg2": "format",
    "psycopg": "format",
    "pymysql": "format",
    "MySQLdb": "format",
    "mysql": "format",
    "django": "format",
    "cx_Oracle": "numeric",
    "oracledb": "numeric",
}
_VALUE_WORDS = frozenset({"LIKE", "ILIKE", "LIMIT", "OFFSET", "BETWEEN"})
_LIST_WORDS = frozenset({"IN", "VALUES"})
_COMPARISONS = frozenset({"=", "<", ">", "<=", ">=", "<>", "!="})


@dataclass(frozen=True)
class Hole:
    """An interpolated piece of the SQL text: the expression, as written in the code."""

    source: str


Piece = str | Hole


class NotParameterisable(Exception):
    """The SQL cannot be rewritten with parameters (why, for the tests)."""


# -- the template -----------------------------------------------------------------------------------------------


def template_of(expr: ast.expr, editor: ModuleEditor) -> list[Piece] | None:
    """The SQL text as constant text and holes, for an f-string, a `%` format or a `+` chain; None otherwise."""
    if isinstance(expr, ast.JoinedStr):
        pieces: list[Piece] = []
        for value in expr.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                pieces.append(value.value)
            elif isinstance(value, ast.FormattedValue) and value.conversion == -1 and value.format_spec is None:
                pieces.append(Hole(editor.source(value.value)))
            else:
                return None  # `{x!r}`, `{x:>5}`: the text is not the value
        return pieces
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        parts = _added(expr)
        if not any(isinstance(part, ast.Constant) and isinstance(part.value, str) for part in parts):
            return None
        return [
            part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else Hole(editor.source(part))
            for part in parts
        ]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        if not (isinstance(expr.left, ast.Constant) and isinstance(expr.left.value, str)):
            return None
        return _percent_template(expr.left.value, expr.right, editor)
    return None


def _added(expr: ast.expr) -> list[ast.expr]:
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return [*_added(expr.left), *_added(expr.right)]
    return [expr]


_PERCENT = patterns.compile(r"%(?:\((?P<name>[A-Za-z_][A-Za-z0-9_]*)\))?(?P<kind>[sd%])|%")


def _percent_template(text: str, values: ast.expr, editor: ModuleEditor) -> list[Piece] | None:
    """`"... %s ..." % (a, b)` or `"... %(name)s ..." % {"name": a}`: only `%s`, `%d` and `%%`."""
    if isinstance(values, ast.Tuple):
        positional = [editor.source(element) for element in values.elts]
        named: dict[str, str] = {}
    elif isinstance(values, ast.Dict):
        positional = []
        named = {}
        for key, value in zip(values.keys, values.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            named[key.value] = editor.source(value)
    else:
        positional, named = [editor.source(values)], {}
    pieces: list[Piece] = []
    position = 0
    used = 0
    for match in _PERCENT.finditer(text):
        pieces.append(text[position : match.start()])
        position = match.end()
        kind = match.group("kind")
        if kind is None:
            return None  # `%r`, `%5s`, `%.2f`: not a plain value
        if kind == "%":
            pieces.append("%")
        elif match.group("name") is not None:
            if match.group("name") not in named:
                return None
            pieces.append(Hole(named[match.group("name")]))
        else:
            if used >= len(positional):
                return None
            pieces.append(Hole(positional[used]))
            used += 1
    pieces.append(text[position:])
    if used != len(positional) or (named and used):
        return None
    return [piece for piece in pieces if piece != ""]


# -- the SQL around the holes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameterised:
    sql_pieces: tuple[str | int, ...]  # constant SQL text, and the index of each parameter where it goes
    parameters: tuple[tuple[Piece, ...], ...]  # each parameter: its pieces (constant text and holes)


def parameterise(pieces: Sequence[Piece]) -> Parameterised:
    """Split the template into SQL text and parameters; NotParameterisable when a hole is not a value."""
    reader = _SqlReader(list(_characters(pieces)))
    reader.read()
    if not reader.parameters:
        raise NotParameterisable("nothing is interpolated")
    return Parameterised(tuple(part for part in reader.sql if part != ""), tuple(reader.parameters))


class _SqlReader:
    """A small SQL lexer over characters and holes, deciding for each hole whether it stands for a value."""

    def __init__(self, items: list[str | Hole]) -> None:
        self.items = items
        self.sql: list[str | int] = [""]
        self.parameters: list[tuple[Piece, ...]] = []
        self.tokens: list[str] = []  # significant tokens so far, upper-cased words
        self.brackets: list[str] = []  # for each open parenthesis, the token before it

    def read(self) -> None:
        items, position = self.items, 0
        while position < len(items):
            item = items[position]
            if isinstance(item, Hole):
                self._bare_hole(position)
                position += 1
            elif item == "'":
                position = self._string(position)
            elif item in ('"', "`"):
                position = self._quoted_name(position, item)
            elif self._starts(position, "--") or self._starts(position, "/*"):
                raise NotParameterisable("a comment")
            elif item.isspace():
                self._text(item)
                position += 1
            elif item.isalnum() or item in "_$":
                position = self._word(position)
            else:
                position = self._operator(position)

    def _starts(self, position: int, text: str) -> bool:
        return all(
            position + offset < len(self.items) and self.items[position + offset] == char
            for offset, char in enumerate(text)
        )

    def _text(self, text: str) -> None:
        last = self.sql[-1]
        if isinstance(last, str):
            self.sql[-1] = last + text
        else:
            self.sql.append(text)

    def _parameter(self, pieces: tuple[Piece, ...]) -> None:
        if not _value_position(self.tokens, self.brackets):
            raise NotParameterisable("a piece where SQL takes no value")
        self.sql.append(len(self.parameters))
        self.parameters.append(pieces)
        self.tokens.append("?")

    def _bare_hole(self, position: int) -> None:
        before = self.items[position - 1] if position > 0 else " "
        after = self.items[position + 1] if position + 1 < len(self.items) else " "
        for neighbour in (before, after):
            if isinstance(neighbour, Hole) or neighbour.isalnum() or neighbour in "_.$'\"`":
                raise NotParameterisable("a piece glued to other text")
        hole = self.items[position]
        assert isinstance(hole, Hole)
        self._parameter((hole,))

    def _string(self, position: int) -> int:
        """A quoted SQL string: left as it is, or, when it holds pieces, one parameter for all of it."""
        pieces: list[Piece] = []
        cursor = position + 1
        while True:
            if cursor >= len(self.items):
                raise NotParameterisable("an unterminated string literal")
            item = self.items[cursor]
            if item == "'":
                if cursor + 1 < len(self.items) and self.items[cursor + 1] == "'":
                    pieces.append("'")
                    cursor += 2
                    continue
                break
            pieces.append(item)
            cursor += 1
        if any(isinstance(piece, Hole) for piece in pieces):
            self._parameter(_joined(pieces))
        else:
            self._text("'" + "".join(str(piece) for piece in pieces).replace("'", "''") + "'")
            self.tokens.append("'")
        return cursor + 1

    def _quoted_name(self, position: int, quote: str) -> int:
        for cursor in range(position + 1, len(self.items)):
            item = self.items[cursor]
            if isinstance(item, Hole):
                raise NotParameterisable("a piece inside a quoted name")
            if item == quote:
                self._text("".join(str(c) for c in self.items[position : cursor + 1]))
                self.tokens.append("NAME")
                return cursor + 1
        raise NotParameterisable("an unterminated quoted name")

    def _word(self, position: int) -> int:
        cursor = position
        while cursor < len(self.items):
            item = self.items[cursor]
            if isinstance(item, Hole):
                raise NotParameterisable("a piece inside a word")
            if not (item.isalnum() or item in "_$"):
                break
            cursor += 1
        word = "".join(str(c) for c in self.items[position:cursor])
        self._text(word)
        self.tokens.append(word.upper())
        return cursor

    def _operator(self, position: int) -> int:
        item = self.items[position]
        assert isinstance(item, str)
        following = self.items[position + 1] if position + 1 < len(self.items) else ""
        operator = item + following if isinstance(following, str) and item + following in _PAIRS else item
        self._text(operator)
        if operator == "(":
            self.brackets.append(self.tokens[-1] if self.tokens else "")
        elif operator == ")" and self.brackets:
            self.brackets.pop()
        self.tokens.append(operator)
        return position + len(operator)


_PAIRS = frozenset({"<=", ">=", "<>", "!=", "||", "::"})


def _characters(pieces: Sequence[Piece]) -> Iterator[str | Hole]:
    for piece in pieces:
        if isinstance(piece, Hole):
            yield piece
        else:
            yield from piece


def _value_position(tokens: Sequence[str], brackets: Sequence[str]) -> bool:
    if not tokens:
        return False
    last = tokens[-1]
    if last in _COMPARISONS or last in _VALUE_WORDS:
        return True
    if last == "AND" and len(tokens) >= 3 and tokens[-3] == "BETWEEN":
        return True
    return last in ("(", ",") and bool(brackets) and brackets[-1] in _LIST_WORDS


def _joined(literal: Sequence[Piece]) -> tuple[Piece, ...]:
    """The pieces of a quoted literal, adjacent text merged."""
    merged: list[Piece] = []
    for piece in literal:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + piece
        else:
            merged.append(piece)
    return tuple(merged)


# -- writing it ---------------------------------------------------------------------------------------------------


def render_sql(parameterised: Parameterised, style: str) -> str:
    parts: list[str] = []
    for part in parameterised.sql_pieces:
        if isinstance(part, int):
            parts.append({"qmark": "?", "format": "%s", "numeric": f":{part + 1}"}[style])
        else:
            parts.append(part.replace("%", "%%") if style == "format" else part)
    return "".join(parts)


def render_parameter(pieces: Sequence[Piece], quote: str) -> str | None:
    """A parameter as Python: the expression alone, or an f-string joining text and expressions."""
    if len(pieces) == 1 and isinstance(pieces[0], Hole):
        return pieces[0].source
    body: list[str] = []
    for piece in pieces:
        if isinstance(piece, Hole):
            if any(char in piece.source for char in (quote, "\\", "\n", "{", "}")):
                return None
            body.append("{" + piece.source + "}")
        else:
            literal = python_string(piece, quote)
            if literal[0] != quote or "\\" in literal:
                return None
            body.append(literal[1:-1].replace("{", "{{").replace("}", "}}"))
    return "f" + quote + "".join(body) + quote


def parameterised_call(module: PythonModule, call: ast.Call, scope: Scope, driver: str) -> Fix | None:
    """The fix for `cursor.execute(<built SQL>)`, or None when it cannot be written safely."""
    style = PLACEHOLDERS.get(driver)
    if style is None or len(call.args) != 1 or call.keywords or isinstance(call.args[0], ast.Starred):
        return None
    editor = ModuleEditor(module)
    argument = call.args[0]
    built, assignment = argument, None
    variable = argument.id if isinstance(argument, ast.Name) else None
    if isinstance(argument, ast.Name):
        assignment = _single_assignment(scope, argument)
        if assignment is None or assignment.lineno >= call.lineno:
            return None
        built = assignment.value
    pieces = template_of(built, editor)
    if pieces is None:
        return None
    try:
        parameterised = parameterise(pieces)
    except NotParameterisable:
        return None
    original = editor.source(built)
    quote = '"' if original.lstrip("rRbBuUfF").startswith('"') else "'"
    rendered = [render_parameter(parameter, quote) for parameter in parameterised.parameters]
    if any(parameter is None for parameter in rendered):
        return None
    if assignment is not None and not _holes_stable(module, assignment, call, pieces):
        return None
    sql = render_sql(parameterised, style)
    sql_literal = _sql_literal(sql, original, quote)
    values = "(" + ", ".join(str(parameter) for parameter in rendered) + ("," if len(rendered) == 1 else "") + ")"
    edits: list[Edit]
    if assignment is None:
        edits = [editor.replace(argument, f"{sql_literal}, {values}")]
    else:
        edits = [editor.replace(assignment.value, sql_literal), editor.replace(argument, f"{variable}, {values}")]
    return Fix("Pass the values as query parameters", Applicability.UNSAFE, tuple(edits))


def _sql_literal(sql: str, original: str, quote: str) -> str:
    stripped = original.lstrip("rRbBuUfF")
    triple = quote * 3
    if stripped.startswith(triple) and triple not in sql and "\\" not in sql and not sql.endswith(quote):
        return triple + sql + triple
    return python_string(sql, quote)


def _single_assignment(scope: Scope, name: ast.Name) -> ast.Assign | None:
    """`query = <built SQL>`: the one assignment to the name in the function, whose only read is `name`."""
    stores: list[ast.Name] = []
    loads: list[ast.Name] = []
    assignment = None
    for node in ast.walk(scope.node):
        if isinstance(node, ast.Name) and node.id == name.id:
            (loads if isinstance(node.ctx, ast.Load) else stores).append(node)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and _names(node.targets[0], name.id):
            assignment = node
    if len(stores) != 1 or loads != [name] or scope.is_global(name.id) or assignment is None:
        return None
    return assignment if assignment.targets[0] is stores[0] else None


def _holes_stable(module: PythonModule, assignment: ast.Assign, call: ast.Call, pieces: Sequence[Piece]) -> bool:
    """The values the holes name cannot change between the assignment and the call: names, attributes and the
    conversions `str()`/`int()`/`float()` of them, none of the names assigned in between."""
    names: set[str] = set()
    for piece in pieces:
        if isinstance(piece, Hole):
            expr = ast.parse(piece.source, mode="eval").body
            for node in ast.walk(expr):
                if isinstance(node, ast.Call) and not _conversion(node, module):
                    return False
                if isinstance(node, (ast.Await, ast.NamedExpr, ast.Yield, ast.YieldFrom)):
                    return False
                if isinstance(node, ast.Name):
                    names.add(node.id)
    first, last = assignment.end_lineno or assignment.lineno, call.lineno
    for node in module.nodes():
        line = getattr(node, "lineno", 0)
        if not first < line <= last:
            continue
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            return False
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in names:
            return False
    return True


# -- where the call is, and which driver ---------------------------------------------------------------------------


def call_at(module: PythonModule, line: int, column: int) -> tuple[ast.Call, Scope] | None:
    """The call that starts at (line, column) (1-based, characters), with the scope it runs in."""
    editor = ModuleEditor(module)
    index = module.index
    for call, owner in calls_with_owners(module.tree):
        if call.lineno == line and editor.start(call) == (line, column):
            return call, index.scope_chain(owner)
    return None


def driver_of(module: PythonModule, call: ast.Call, scope: Scope) -> str | None:
    """The database driver the call's connection comes from: by the connection's qualified name when it says
    (`sqlite3.connect().cursor()`), else the one driver the module imports; None when that is not one."""
    index = module.index
    if isinstance(call.func, ast.Attribute):
        name = index.qualified_name(call.func.value, scope) or ""
        top = name.split(".", 1)[0]
        if top in PLACEHOLDERS:
            return top
    imported = {
        binding.target.split(".", 1)[0]
        for bindings in index.module_scope.bindings.values()
        for binding in bindings
        if binding.target is not None and binding.target.split(".", 1)[0] in PLACEHOLDERS
    }
    return imported.pop() if len(imported) == 1 else None


def _names(target: ast.expr, name: str) -> bool:
    return isinstance(target, ast.Name) and target.id == name


def _conversion(call: ast.Call, module: PythonModule) -> bool:
    """`str(x)`, `int(x)`, `float(x)` with the builtin (no definition of that name in the module)."""
    return (
        isinstance(call.func, ast.Name)
        and call.func.id in ("str", "int", "float")
        and call.func.id not in module.index.module_scope.bindings
        and len(call.args) == 1
        and not call.keywords
    )
