"""Declared types: what a value read from a typed request parameter can hold.

A FastAPI handler's parameter annotated with a pydantic model (`task_in: TaskCreate`) is request data, but the
framework has parsed it: `task_in.project_id` declared `int`, an `EmailStr`, a `UUID`, an enum member or a field
its `field_validator` accepts only from an allowlist cannot carry the text an injection needs. The per-file phase
records what each module declares (`collect_declarations`): the annotated fields of its classes, its type aliases
(`PrimaryKey = conint(gt=0)`, `Slug = Annotated[str, StringConstraints(pattern="^[a-z]+$")]`) and its helpers that
return a membership test (`return locale in KNOWN`). The project phase (`DeclaredTypes`) follows the attribute path a
label read from such a parameter (`Label.attrs`) through those declarations, across modules, and says how safe the
value at the end is: `SCALAR` (a number, a date, an id, a member of a fixed set: no text at all), `LINE` (text with no
line break: an e-mail address, a parsed URL) or `TEXT`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from bastion.semantic.calls import last_name
from bastion.semantic.index import BindingKind, ModuleIndex, Scope
from bastion.semantic.module import PythonModule

TEXT, LINE, SCALAR = 0, 1, 2

_SCALARS = frozenset(
    {
        "builtins.int",
        "builtins.float",
        "builtins.bool",
        "builtins.complex",
        "uuid.UUID",
        "datetime.date",
        "datetime.datetime",
        "datetime.time",
        "datetime.timedelta",
        "decimal.Decimal",
        "ipaddress.IPv4Address",
        "ipaddress.IPv6Address",
        "ipaddress.IPv4Network",
        "ipaddress.IPv6Network",
        *(
            f"pydantic.{name}"
            for name in (
                "conint",
                "confloat",
                "condecimal",
                "condate",
                "PositiveInt",
                "NegativeInt",
                "NonNegativeInt",
                "NonPositiveInt",
                "PositiveFloat",
                "NegativeFloat",
                "NonNegativeFloat",
                "NonPositiveFloat",
                "StrictInt",
                "StrictFloat",
                "StrictBool",
                "UUID1",
                "UUID3",
                "UUID4",
                "UUID5",
                "PastDate",
                "FutureDate",
                "PastDatetime",
                "FutureDatetime",
                "AwareDatetime",
                "NaiveDatetime",
            )
        ),
    }
)
# Text that the validator parses and that cannot hold a line break (the URL parser removes tabs and newlines).
_LINES = frozenset(
    f"pydantic.{name}"
    for name in ("EmailStr", "NameEmail", "HttpUrl", "AnyUrl", "AnyHttpUrl", "PostgresDsn", "RedisDsn", "FileUrl")
)
# Wrappers whose arguments are what the value may be (an element of a list is read as the list's attributes).
_WRAPPERS = frozenset(
    {
        "typing.Optional",
        "typing.Union",
        "typing.List",
        "typing.Set",
        "typing.FrozenSet",
        "typing.Tuple",
        "typing.Sequence",
        "typing.Iterable",
        "typing.Collection",
        "builtins.list",
        "builtins.set",
        "builtins.frozenset",
        "builtins.tuple",
        "collections.abc.Sequence",
        "collections.abc.Iterable",
        "collections.abc.Collection",
    }
)
_LITERALS = frozenset({"typing.Literal", "typing_extensions.Literal"})
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_CLASS_VARS = frozenset({"typing.ClassVar", "typing.Final"})
_VALIDATOR_DECORATORS = frozenset({"field_validator", "validator"})
_MODEL_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel", "sqlmodel.SQLModel"})
_ENUM_BASES = frozenset({"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag"})
_MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class DeclaredType:
    """What an annotation says a value is."""

    # The safety of the parts the annotation names from libraries (`int | None`: SCALAR; `str`: TEXT).
    level: int = SCALAR
    # Project names the value may also be (model classes, enums, aliases), looked up in the project phase.
    refs: tuple[str, ...] = ()
    # Field validators that return the value only when a test holds: "" when the validator tests membership or
    # equality itself, else the helper whose truth it tests (`if not validate_locale(v): raise`).
    validators: tuple[str, ...] = ()


@dataclass(slots=True)
class Declarations:
    """What one module (or, merged, the project) declares: all the project phase consults, with no other table, so
    that every part of an incremental solve sees the same declarations as the whole solve."""

    fields: dict[str, dict[str, DeclaredType]]  # class qualified name -> field -> type
    aliases: dict[str, DeclaredType]  # module-level type alias qualified name -> type
    membership_checks: list[str]  # functions that return `param in collection`
    bases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # class -> its bases (models, enums)
    # Names a package's `__init__` imports (`from .base import MealieModel`): what `pkg.MealieModel` stands for.
    reexports: dict[str, str] = field(default_factory=dict)


def merged(declarations: Iterable[Declarations]) -> Declarations:
    """The project's declarations (later modules win on a name two declare, as in the solver's tables)."""
    project = Declarations({}, {}, [])
    checks: dict[str, None] = {}
    for declared in declarations:
        project.fields.update(declared.fields)
        project.aliases.update(declared.aliases)
        project.bases.update(declared.bases)
        project.reexports.update(declared.reexports)
        checks.update(dict.fromkeys(declared.membership_checks))
    project.membership_checks = sorted(checks)
    return project


def collect_declarations(module: PythonModule) -> Declarations:
    index = module.index
    found = Declarations({}, {}, [])
    reader = _Reader(index)
    if index.is_package:
        for name, bindings in index.module_scope.bindings.items():
            for binding in bindings:
                if binding.kind is BindingKind.IMPORT and binding.target:
                    found.reexports[f"{module.name}.{name}"] = binding.target
    for statement in module.tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name) and _looks_like_type(statement.value):
                found.aliases[f"{module.name}.{target.id}"] = reader.describe(statement.value, index.module_scope)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and _returns_membership(statement):
            found.membership_checks.append(f"{module.name}.{statement.name}")
    pending: list[tuple[list[ast.stmt], Scope]] = [(module.tree.body, index.module_scope)]
    while pending:
        body, scope = pending.pop()
        for statement in body:
            if isinstance(statement, ast.ClassDef):
                class_scope = index.child_scope(statement, scope)
                bases = (index.qualified_name(base, scope) for base in statement.bases)
                found.bases[class_scope.qualname] = tuple(base.replace("().", ".") for base in bases if base)
                fields = reader.fields(statement, class_scope)
                if fields:
                    found.fields[class_scope.qualname] = fields
                pending.append((statement.body, class_scope))
            elif isinstance(statement, (ast.If, ast.Try)):  # `if TYPE_CHECKING:`, optional imports
                pending.append(([*statement.body, *statement.orelse], scope))
    return found


class _Reader:
    def __init__(self, index: ModuleIndex) -> None:
        self.index = index

    def fields(self, node: ast.ClassDef, scope: Scope) -> dict[str, DeclaredType]:
        outer = scope
        fields: dict[str, DeclaredType] = {}
        for statement in node.body:
            if not isinstance(statement, ast.AnnAssign) or not isinstance(statement.target, ast.Name):
                continue
            annotation = statement.annotation
            wrapper = annotation.value if isinstance(annotation, ast.Subscript) else annotation
            if self.index.qualified_name(wrapper, outer) in _CLASS_VARS:
                continue
            declared = self.describe(annotation, outer)
            if isinstance(statement.value, ast.Call) and _restricted_by_pattern(statement.value):
                declared = DeclaredType(SCALAR)  # `name: str = Field(pattern="^[a-z]+$")`
            fields[statement.target.id] = declared
        for statement in node.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for name in _validated_fields(statement):
                    if name in fields:
                        checks = fields[name].validators + self._validator_checks(statement, outer)
                        fields[name] = replace(fields[name], validators=checks)
        return fields

    def describe(self, node: ast.expr, scope: Scope, depth: int = 0) -> DeclaredType:
        if depth > _MAX_DEPTH:
            return DeclaredType(TEXT)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):  # a forward reference: "ParticipantRead"
                try:
                    parsed = ast.parse(node.value, mode="eval").body
                except SyntaxError:
                    return DeclaredType(TEXT)
                return self.describe(parsed, scope, depth + 1)
            return DeclaredType(SCALAR)  # None, ...
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return _either([self.describe(node.left, scope, depth + 1), self.describe(node.right, scope, depth + 1)])
        if isinstance(node, ast.Subscript):
            outer = self.index.qualified_name(node.value, scope) or ""
            inner = node.slice
            elements = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
            if outer in _LITERALS:
                return DeclaredType(SCALAR)
            if outer in _ANNOTATED and elements:
                metadata = [extra for extra in elements[1:] if isinstance(extra, ast.Call)]
                if any(_restricted_by_pattern(extra) for extra in metadata):
                    return DeclaredType(SCALAR)
                return self.describe(elements[0], scope, depth + 1)
            if outer in _WRAPPERS:
                return _either([self.describe(element, scope, depth + 1) for element in elements])
            return DeclaredType(TEXT)  # dict[str, Any], Json[...], a library generic
        if isinstance(node, ast.Call):
            callee = self.index.qualified_name(node.func, scope) or ""
            if callee in _SCALARS or _restricted_by_pattern(node):
                return DeclaredType(SCALAR)
            return DeclaredType(TEXT)
        if isinstance(node, ast.Name):
            binding = self.index.resolve_binding(node.id, scope)
            value = binding.value if binding is not None and binding.kind is BindingKind.ASSIGNMENT else None
            if isinstance(value, ast.expr) and _looks_like_type(value):  # an alias defined in this module
                return self.describe(value, self.index.module_scope, depth + 1)
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = self.index.qualified_name(node, scope)
            if name is None:
                return DeclaredType(TEXT)
            if name in _SCALARS:
                return DeclaredType(SCALAR)
            if name in _LINES:
                return DeclaredType(LINE)
            if name.split(".", 1)[0] in ("builtins", "typing", "pydantic", "collections", "typing_extensions"):
                return DeclaredType(TEXT)  # str, bytes, Any, dict, Json ...
            return DeclaredType(SCALAR, refs=(name,))  # as safe as what the project declares it to be
        return DeclaredType(TEXT)

    def _validator_checks(self, function: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> tuple[str, ...]:
        """`if v not in KNOWN: raise ...` -> ("",); `if not validate_locale(v): raise ...` -> (its callee,)."""
        params = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)]
        if len(params) < 2:
            return ()
        value = params[1]
        checks: list[str] = []
        for node in ast.walk(function):
            if not isinstance(node, ast.If) or not any(isinstance(sub, ast.Raise) for sub in _walk_all(node.body)):
                continue
            test = node.test
            while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                test = test.operand
            if isinstance(test, ast.Compare) and len(test.ops) == 1:
                sides = (test.left, test.comparators[0])
                exact = isinstance(test.ops[0], (ast.In, ast.NotIn, ast.Eq, ast.NotEq))
                if exact and any(isinstance(side, ast.Name) and side.id == value for side in sides):
                    checks.append("")
            elif isinstance(test, ast.Call) and any(isinstance(arg, ast.Name) and arg.id == value for arg in test.args):
                callee = self.index.qualified_name(test.func, scope)
                if callee is not None:
                    checks.append(callee)
        return tuple(checks)


def _walk_all(statements: list[ast.stmt]) -> Iterable[ast.AST]:
    for statement in statements:
        yield from ast.walk(statement)


def _either(parts: list[DeclaredType]) -> DeclaredType:
    """A value that may be any of `parts`: as safe as the least safe."""
    refs: dict[str, None] = {}
    for part in parts:
        refs.update(dict.fromkeys(part.refs))
    return DeclaredType(min((part.level for part in parts), default=SCALAR), tuple(refs))


def _looks_like_type(node: ast.expr) -> bool:
    """A module-level assignment that defines a type alias: `Annotated[...]`, `conint(...)`, `X | None`."""
    if isinstance(node, ast.Subscript):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return True
    return isinstance(node, ast.Call) and last_name(node.func) in {name.rsplit(".", 1)[-1] for name in _SCALARS} | {
        "constr"
    }


def _restricted_by_pattern(call: ast.Call) -> bool:
    """`StringConstraints(pattern="^[a-z0-9-]+$")`, `constr(pattern=...)`, `Field(pattern=...)`: a pattern anchored at
    both ends that matches no line break and no character class wider than it names."""
    for item in call.keywords:
        if item.arg in ("pattern", "regex") and isinstance(item.value, ast.Constant):
            pattern = item.value.value
            if isinstance(pattern, str) and _narrow(pattern):
                return True
    return False


def _narrow(pattern: str) -> bool:
    starts = pattern.startswith(("^", "\\A"))
    anchored = starts and pattern.endswith(("$", "\\Z", "\\z")) and not pattern.endswith("\\$")
    unescaped = pattern.replace("\\\\", "").replace("\\.", "")
    wide = any(token in unescaped for token in (".", "\\s", "\\S", "\\W", "\\D", "[^", "\\n", "\\r"))
    return anchored and not wide


def _validated_fields(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The fields a pydantic `@field_validator("a", "b")` / `@validator("a")` method checks."""
    names: list[str] = []
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and last_name(decorator.func) in _VALIDATOR_DECORATORS:
            names.extend(
                arg.value for arg in decorator.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            )
    return names


def _returns_membership(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`def validate_locale(locale): ...; return locale in KNOWN`: its truth says the value is one of a collection."""
    params = {arg.arg for arg in (*function.args.posonlyargs, *function.args.args)}
    returns = [node for node in ast.walk(function) if isinstance(node, ast.Return) and node.value is not None]
    return bool(returns) and all(
        isinstance(node.value, ast.Compare)
        and len(node.value.ops) == 1
        and isinstance(node.value.ops[0], ast.In)
        and isinstance(node.value.left, ast.Name)
        and node.value.left.id in params
        for node in returns
    )


class DeclaredTypes:
    """The project's declarations, looked up along attribute paths (the project phase)."""

    def __init__(self, declarations: Iterable[Declarations]) -> None:
        project = merged(declarations)
        self.fields = project.fields
        self.aliases = project.aliases
        self.membership_checks = set(project.membership_checks)
        self.classes = project.bases
        self.reexports = project.reexports
        self._memo: dict[tuple[str, tuple[str, ...]], int] = {}
        self._bases: dict[str, frozenset[str]] = {}

    def level(self, annotation: str, attrs: tuple[str, ...]) -> int:
        """How safe a value of type `annotation`, read along `attrs`, is (TEXT when nothing is known)."""
        key = (annotation, attrs)
        if key not in self._memo:
            self._memo[key] = TEXT  # a cycle through the declarations knows nothing
            self._memo[key] = self._name_level(annotation, attrs, 0)
        return self._memo[key]

    def _type_level(self, declared: DeclaredType, attrs: tuple[str, ...], depth: int) -> int:
        if self._validated(declared):
            return SCALAR
        level = declared.level
        for ref in declared.refs:
            if level == TEXT:
                break
            level = min(level, self._name_level(ref, attrs, depth + 1))
        return level

    def _validated(self, declared: DeclaredType) -> bool:
        return any(check == "" or self._resolve(check) in self.membership_checks for check in declared.validators)

    def _name_level(self, name: str, attrs: tuple[str, ...], depth: int) -> int:
        if depth > _MAX_DEPTH:
            return TEXT
        name = self._resolve(name)
        alias = self.aliases.get(name)
        if alias is not None:
            return self._type_level(alias, attrs, depth)
        if name not in self.classes:
            return TEXT
        bases = self._ancestors(name)
        if bases & _ENUM_BASES:
            return SCALAR
        if not bases & _MODEL_BASES:
            return TEXT  # not a model the framework validates (an ORM row, a plain class)
        if attrs:
            field = self._field(name, attrs[0])
            return TEXT if field is None else self._type_level(field, attrs[1:], depth)
        # The whole object (logged, formatted): as safe as its least safe field.
        level = SCALAR
        for owner in (name, *sorted(bases)):
            for field in self.fields.get(owner, {}).values():
                level = min(level, self._type_level(field, (), depth))
                if level == TEXT:
                    return TEXT
        return level

    def _resolve(self, name: str) -> str:
        """The name a re-exported name stands for (`pkg.Model` imported in `pkg/__init__.py`), followed a few hops."""
        for _ in range(_MAX_DEPTH):
            if name in self.classes or name in self.aliases or name in self.membership_checks:
                return name
            parts = name.split(".")
            target = next(
                (
                    ".".join([found, *parts[size:]])
                    for size in range(len(parts), 0, -1)
                    if (found := self.reexports.get(".".join(parts[:size]))) is not None
                    and found != ".".join(parts[:size])
                ),
                None,
            )
            if target is None:
                return name
            name = target
        return name

    def _field(self, owner: str, attr: str) -> DeclaredType | None:
        for cls in (owner, *self._linear_bases(owner)):
            found = self.fields.get(cls, {}).get(attr)
            if found is not None:
                return found
        return None

    def _linear_bases(self, name: str) -> list[str]:
        order: list[str] = []
        pending = list(self.classes.get(name, ()))
        while pending and len(order) < 32:
            base = self._resolve(pending.pop(0))
            if base in order:
                continue
            order.append(base)
            pending.extend(self.classes.get(base, ()))
        return order

    def _ancestors(self, name: str) -> frozenset[str]:
        if name not in self._bases:
            self._bases[name] = frozenset(self._linear_bases(name))
        return self._bases[name]
