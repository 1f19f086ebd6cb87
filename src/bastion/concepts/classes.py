"""What a module's classes say about the web code built on them, across modules.

- Class-based views hold their dependencies as class attributes (`user: User = Depends(get_current_user)` in a
  fastapi-utils `cbv` or a project's `BaseUserController`): every route method of the class, and of its
  subclasses in other modules, gets them.
- A project's router class adds dependencies in its `__init__` (`class UserAPIRouter(APIRouter)` calling
  `super().__init__(dependencies=[Depends(get_current_user)])`): every router made from it has them.
- An ORM model with an owner field (`user_id = Column(ForeignKey("user.id"))`, `owner = models.ForeignKey(User)`,
  a set of users such as `members = models.ManyToManyField(User)`) holds data that belongs to its users, and so
  does a Django model whose foreign key points to such a model (`project = models.ForeignKey(Project)`): fetching
  one by an id from the request needs an owner check.

Top-level classes with bases or dependencies are recorded; the model builder follows bases by qualified name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from bastion.concepts.guards import dependency_names
from bastion.concepts.sites import callee_name, dotted, last_name, site_of
from bastion.concepts.webfacts import ClassFact, Site
from bastion.core import patterns
from bastion.semantic.index import Scope
from bastion.semantic.module import PythonModule

# Fields that tie a row to the user who owns it.
OWNER_FIELDS = patterns.compile(
    r"^(user|user_id|owner|owner_id|author|author_id|created_by|created_by_id|creator|creator_id|account|account_id"
    r"|uploader|uploaded_by|customer|customer_id|recipient|recipient_id|sender|sender_id)$"
)
_FIELD_CALLS = patterns.compile(r"(Column|ForeignKey|relationship|mapped_column|Field|OneToOneField)$")
_MODEL_BASES = patterns.compile(r"(^|\.)(Model|Base|DeclarativeBase|SQLModel|Document)$")
_RELATION_CALLS = frozenset({"ForeignKey", "OneToOneField", "ManyToManyField"})
# The user model as a relation names it: `User`, `settings.AUTH_USER_MODEL`, `get_user_model()`, `"auth.User"`.
_USER_MODEL = patterns.compile(r"(^|\.)(User|AUTH_USER_MODEL|get_user_model)$")


def find_class_facts(module: PythonModule) -> list[ClassFact]:
    index = module.index
    scope = index.module_scope
    facts: list[ClassFact] = []
    for node in module.tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        bases = tuple(index.qualified_name(base, scope) or dotted(base) or "" for base in node.bases)
        class_scope = index.child_scope(node, scope)
        dependencies: list[str] = []
        init_dependencies: list[str] = []
        owner_fields: list[str] = []
        parent_fields: list[tuple[str, str]] = []
        is_model = any(_MODEL_BASES.search(base) for base in bases)
        for statement in node.body:
            target, value = _assigned(statement)
            if target is not None and value is not None:
                dependencies.extend(dependency_names(value, class_scope, index))
                if target == "__tablename__":
                    is_model = True
                if _is_field(value, statement, module):
                    # A column or relation makes an ORM model, whatever the base is called (a project's
                    # `BaseModel(Base)` with an id column, which the base-name test above does not know).
                    is_model = is_model or _is_orm_column(value, module)
                    relation, related = _relation(value, module)
                    if OWNER_FIELDS.match(target) or (relation == "ManyToManyField" and _USER_MODEL.search(related)):
                        owner_fields.append(target)
                    elif relation in ("ForeignKey", "OneToOneField"):
                        parent_fields.append((target, related))
            elif isinstance(statement, ast.FunctionDef) and statement.name == "__init__":
                init_dependencies.extend(_super_init_dependencies(statement, class_scope, module))
        if not (bases or dependencies or init_dependencies):
            continue
        facts.append(
            ClassFact(
                ref=f"{module.name}.{node.name}" if module.name else node.name,
                site=site_of(node, module),
                bases=tuple(base for base in bases if base),
                dependencies=tuple(dependencies),
                init_dependencies=tuple(init_dependencies),
                owner_fields=tuple(owner_fields) if is_model else (),
                parent_fields=tuple(parent_fields) if is_model else (),
            )
        )
    return facts


def _assigned(statement: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
        return statement.targets[0].id, statement.value
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id, statement.value
    return None, None


_ORM_COLUMN_CALLS = patterns.compile(r"(^|\.)(Column|ForeignKey|relationship|mapped_column|OneToOneField)$")


def _is_orm_column(value: ast.expr | None, module: PythonModule) -> bool:
    """`Column(...)`, `mapped_column(...)`, `relationship(...)`, `models.ForeignKey(...)`: not pydantic's `Field`."""
    if not isinstance(value, ast.Call):
        return False
    return bool(_ORM_COLUMN_CALLS.search(callee_name(value, module.index.module_scope, module.index)))


def _is_field(value: ast.expr | None, statement: ast.stmt, module: PythonModule) -> bool:
    """`Column(...)`, `mapped_column(...)`, `relationship(...)`, `models.ForeignKey(...)`, or `Mapped[...]`."""
    if isinstance(value, ast.Call):
        name = callee_name(value, module.index.module_scope, module.index)
        return bool(_FIELD_CALLS.search(name))
    annotation = getattr(statement, "annotation", None)
    return annotation is not None and "Mapped" in (dotted(getattr(annotation, "value", annotation)) or "")


def _relation(value: ast.expr | None, module: PythonModule) -> tuple[str, str]:
    """A Django relation field and the model it names: `("ForeignKey", "tasks.models.Project")` for
    `models.ForeignKey(Project)`, `("ManyToManyField", "User")` for `ManyToManyField(settings.AUTH_USER_MODEL)`;
    `("", "")` for anything else. SQLAlchemy's `relationship` is left out: it does not say which side owns which
    (`posts = relationship("Post")` on `User` is the user's posts, not the posts' owner)."""
    if not isinstance(value, ast.Call):
        return "", ""
    relation = last_name(dotted(value.func) or "")
    if relation not in _RELATION_CALLS:
        return "", ""
    target = value.args[0] if value.args else next((k.value for k in value.keywords if k.arg == "to"), None)
    if isinstance(target, ast.Call):
        target = target.func  # `get_user_model()`
    if isinstance(target, ast.Constant) and isinstance(target.value, str):
        name = target.value.rpartition(".")[2]  # `"Project"`, `"auth.User"`
        return (relation, name) if name[:1].isupper() else ("", "")
    if isinstance(target, (ast.Name, ast.Attribute)):
        return relation, module.index.qualified_name(target, module.index.module_scope) or dotted(target) or ""
    return "", ""


def _super_init_dependencies(function: ast.FunctionDef, class_scope: Scope, module: PythonModule) -> list[str]:
    index = module.index
    scope = index.child_scope(function, class_scope)
    found: list[str] = []
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "__init__"
            and isinstance(node.func.value, ast.Call)
            and dotted(node.func.value.func) == "super"
        ):
            for keyword in node.keywords:
                if keyword.arg == "dependencies":
                    found.extend(dependency_names(keyword.value, scope, index))
    return found


class ClassIndex:
    """The project's classes by qualified name, to follow bases across modules (a name seen from an importing
    module may be longer or shorter than the defining module's own name, in namespace packages)."""

    MAX_DEPTH = 8
    MAX_OWNER_HOPS = 3

    def __init__(self, facts: Iterable[ClassFact]) -> None:
        self._by_ref: dict[str, ClassFact] = {}
        self._by_last: dict[str, list[ClassFact]] = {}
        for fact in facts:
            self._by_ref.setdefault(fact.ref, fact)
            self._by_last.setdefault(fact.ref.rsplit(".", 1)[-1], []).append(fact)

    def defines(self, ref: str) -> bool:
        return ref in self._by_ref

    def find(self, ref: str) -> ClassFact | None:
        fact = self._by_ref.get(ref)
        if fact is not None:
            return fact
        same_name = self._by_last.get(ref.rsplit(".", 1)[-1], [])
        candidates = [c for c in same_name if ref.endswith("." + c.ref) or c.ref.endswith("." + ref)]
        if len(candidates) == 1:
            return candidates[0]
        # Re-exported by a package (`from app.base import BaseView`, defined in `app.base.views`): the one class of
        # that name in the same top-level package.
        package = ref.split(".", 1)[0]
        candidates = [c for c in same_name if c.ref.split(".", 1)[0] == package]
        return candidates[0] if len(candidates) == 1 else None

    def lineage(self, ref: str) -> list[ClassFact]:
        """The class and its project bases, nearest first (each once)."""
        found: list[ClassFact] = []
        pending = [(ref, 0)]
        while pending:
            current, depth = pending.pop(0)
            fact = self.find(current)
            if fact is None or fact in found or depth > self.MAX_DEPTH:
                continue
            found.append(fact)
            pending.extend((base, depth + 1) for base in fact.bases)
        return found

    def derives_from(self, ref: str, bases: frozenset[str]) -> bool:
        """Whether `ref` is one of `bases` or a project class built on one of them."""
        return ref in bases or any(base in bases for fact in self.lineage(ref) for base in fact.bases)

    def dependencies(self, ref: str) -> tuple[str, ...]:
        return tuple(name for fact in self.lineage(ref) for name in fact.dependencies)

    def init_dependencies(self, ref: str) -> tuple[str, ...]:
        return tuple(name for fact in self.lineage(ref) for name in fact.init_dependencies)

    def owner_fields(self, ref: str, depth: int = 0) -> tuple[str, ...]:
        """The fields through which rows of `ref` belong to users: its own (`owner`), or a relation's followed to
        an owned model (`project.members`), a few hops at most."""
        own = tuple(name for fact in self.lineage(ref) for name in fact.owner_fields)
        if own or depth >= self.MAX_OWNER_HOPS:
            return own
        for fact in self.lineage(ref):
            for field, related in fact.parent_fields:
                if self.find(related) is not None and self.find(related) != fact:
                    through = self.owner_fields(related, depth + 1)
                    if through:
                        return (f"{field}.{through[0]}",)
        return ()

    def site(self, ref: str) -> Site | None:
        fact = self.find(ref)
        return fact.site if fact is not None else None
