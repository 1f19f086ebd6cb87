"""Python-aware secret candidates: a string literal given to a secret-like name, found in the syntax tree.

The places bandit (B105/B106/B107) and ruff (S105/S106/S107) look, and those they miss:
- assignment to a name, attribute or subscript: `password = "…"`, `self.apiKey = "…"`, `cfg["api_key"] = "…"`,
  `os.environ["TOKEN"] = "…"`, tuple unpacking, annotated assignment;
- a keyword argument `connect(password="…")`, `Client(api_key="…")`, `requests.get(…, auth=("user", "…"))`;
- a default argument `def login(user, password="…")`;
- a dict entry `{"secret": "…"}`, `{"Authorization": "Bearer …"}`;
- a comparison `if token == "…"`;
- a fallback: `os.getenv("API_KEY", "…")`, `os.environ.get(…) or "…"`, `os.environ.setdefault("TOKEN", "…")`.
Only literals count (constants, and concatenations or f-strings made only of constants): `os.environ["X"]`,
`getenv("X")`, `settings.SECRET`, a secrets-manager call, `None` and parameters are not literals.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bastion.secrets.names import is_secret_name
from bastion.semantic.calls import identifiers
from bastion.semantic.constants import UNKNOWN, fold, is_literal_only

ENV_DEFAULT_READERS = frozenset({"os.getenv", "os.environ.get", "os.getenvb", "os.environb.get"})
ENV_SETTERS = frozenset({"os.environ.setdefault", "os.putenv"})

QualifiedName = Callable[[ast.AST], "str | None"]


@dataclass(frozen=True)
class LiteralSecret:
    name: str  # the secret-like name the literal is given to
    value: str
    node: ast.expr  # the literal (or the constant expression) in the source
    how: str  # "assignment", "keyword argument", "default argument", "dict entry", "comparison", "fallback"


def literal_string(node: ast.AST | None) -> str | None:
    """The value of a string literal, or of an expression made only of string literals; else None."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return node.value
        if isinstance(node.value, bytes):
            return node.value.decode("latin-1")
        return None
    if isinstance(node, (ast.BinOp, ast.JoinedStr)) and is_literal_only(node):
        value = fold(node)
        if value is not UNKNOWN and isinstance(value, str):
            return value
    return None


def target_name(node: ast.AST) -> str | None:
    """The name a target or operand stands for: `x`, `obj.x`, `d["x"]`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def _given(name: str | None, value_node: ast.AST | None, how: str) -> Iterator[LiteralSecret]:
    if name is None or value_node is None or not is_secret_name(name):
        return
    if isinstance(value_node, ast.BoolOp) and isinstance(value_node.op, ast.Or):
        fallback = literal_string(value_node.values[-1])
        if fallback is not None and literal_string(value_node.values[0]) is None:
            yield LiteralSecret(name, fallback, value_node.values[-1], "fallback")
        return
    value = literal_string(value_node)
    if value is not None:
        yield LiteralSecret(name, value, value_node, how)  # type: ignore[arg-type]


def _assignment(targets: list[ast.expr], value: ast.expr | None) -> Iterator[LiteralSecret]:
    for target in targets:
        if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)):
            for element, element_value in zip(target.elts, value.elts, strict=False):
                yield from _given(target_name(element), element_value, "assignment")
        else:
            yield from _given(target_name(target), value, "assignment")


def _keyword(node: ast.keyword) -> Iterator[LiteralSecret]:
    if node.arg is None:
        return
    if node.arg == "auth" and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 2:
        yield from _given("auth password", node.value.elts[1], "keyword argument")
    else:
        yield from _given(node.arg, node.value, "keyword argument")


def _environment_default(
    node: ast.Constant, parent: ast.AST | None, qualified_name: QualifiedName
) -> Iterator[LiteralSecret]:
    """`os.getenv("API_KEY", "<literal>")`, `os.environ.setdefault("TOKEN", "<literal>")`: seen from the literal, so
    that only calls with a literal second argument cost a name resolution."""
    if not isinstance(parent, ast.Call) or len(parent.args) < 2 or parent.args[1] is not node:
        return
    variable = literal_string(parent.args[0])
    if variable is None or not is_secret_name(variable):
        return
    callee = qualified_name(parent.func)
    if callee in ENV_DEFAULT_READERS:
        yield from _given(variable, node, "fallback")
    elif callee in ENV_SETTERS:
        yield from _given(variable, node, "assignment")


def _defaults(arguments: ast.arguments) -> Iterator[LiteralSecret]:
    positional = [*arguments.posonlyargs, *arguments.args]
    for argument, default in zip(
        positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True
    ):
        yield from _given(argument.arg, default, "default argument")
    for keyword_only, keyword_default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        if keyword_default is not None:
            yield from _given(keyword_only.arg, keyword_default, "default argument")


def _dict(node: ast.Dict) -> Iterator[LiteralSecret]:
    markers: set[str] | None = None
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            for literal in _given(key.value, value, "dict entry"):
                if markers is None:
                    markers = set(identifiers(node))
                # `{"password": "LDAP", "auth_method": AuthMethod.LDAP}`: the value repeats a name the same dict
                # uses in code, a tag saying how the account signs in, not a credential anyone types.
                if literal.value not in markers:
                    yield literal


def _compare(node: ast.Compare) -> Iterator[LiteralSecret]:
    operands = [node.left, *node.comparators]
    for position, operator in enumerate(node.ops):
        if not isinstance(operator, (ast.Eq, ast.NotEq)):
            continue
        left, right = operands[position], operands[position + 1]
        for named, literal in ((left, right), (right, left)):
            # `user.password == "LDAP"`: a stored field checked against a marker value, not a credential the code
            # accepts; a hard-coded check compares what comes in (`token == "…"`, `data["password"] == "…"`).
            if isinstance(literal, ast.Constant) and not isinstance(named, ast.Attribute):
                yield from _given(target_name(named), literal, "comparison")


def literal_secrets(node: ast.AST, parent: ast.AST | None, qualified_name: QualifiedName) -> Iterator[LiteralSecret]:
    """Secret-like names given a literal by `node` (one of the node types in `NODE_TYPES`; `parent` is its parent)."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            yield from _environment_default(node, parent, qualified_name)
    elif isinstance(node, ast.Assign):
        yield from _assignment(node.targets, node.value)
    elif isinstance(node, ast.AnnAssign):
        yield from _assignment([node.target], node.value)
    elif isinstance(node, ast.keyword):
        yield from _keyword(node)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        yield from _defaults(node.args)
    elif isinstance(node, ast.Dict):
        yield from _dict(node)
    elif isinstance(node, ast.Compare):
        yield from _compare(node)


# Not `ast.Call`: a rule on every call makes the traversal resolve every callee's name; keyword arguments are
# `ast.keyword` nodes, and environment defaults are found from their literal (`ast.Constant`).
NODE_TYPES: tuple[type[ast.AST], ...] = (
    ast.Constant,
    ast.Assign,
    ast.AnnAssign,
    ast.keyword,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.Dict,
    ast.Compare,
)
