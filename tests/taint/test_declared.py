"""Declared types: what pydantic models, type aliases and validators say a typed request parameter's fields hold."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bastion.core.codec import Codec
from bastion.semantic.constants import UNKNOWN
from bastion.semantic.module import build_module
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument
from bastion.taint.declared import LINE, SCALAR, TEXT, Declarations, DeclaredTypes, _narrow, collect_declarations
from bastion.taint.facts import ModuleFacts
from bastion.taint.values import Label, ParamOrigin, SourceOrigin

SCHEMAS = """\
from enum import Enum
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, EmailStr, Field, StringConstraints, conint, field_validator

from app.checks import known_code, long_enough

Id = conint(gt=0)
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")]
Loose = Annotated[str, StringConstraints(pattern=r".*\\S.*")]
ALLOWED = ("a", "b")


class Colour(str, Enum):
    red = "red"


class Base(BaseModel):
    id: Id


class Member(Base):
    email: EmailStr
    nickname: str | None = None
    colour: Colour = Colour.red
    mode: Literal["x", "y"] = "x"


class Team(Base):
    slug: Slug
    title: Loose
    members: list[Optional["Member"]] = []
    lead: Member | None = None
    code: str = "a"
    kind: str = "a"
    region: str = "eu"
    tag: str = Field(default="T", pattern=r"^[A-Z]$")
    extra: dict = {}

    @field_validator("code")
    @classmethod
    def known(cls, value):
        if not known_code(value):
            raise ValueError("unknown")
        return value

    @field_validator("kind")
    @classmethod
    def listed(cls, value):
        if value not in ALLOWED:
            raise ValueError("unknown")
        return value

    @field_validator("region")
    @classmethod
    def plausible(cls, value):
        if not long_enough(value):
            raise ValueError("short")
        return value


class Scores(BaseModel):
    points: int
    ratio: float


class Row:
    name: str
"""

CHECKS = """\
def known_code(code):
    return code in {"a", "b"}


def long_enough(code):
    return len(code) > 1
"""


def _declarations(tmp_path: Path, rel: str, text: str) -> Declarations:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    document = TextDocument(SourceFile(path, rel, len(text)), text, True, "utf-8")
    return collect_declarations(build_module(document, ast.parse(text)))


@pytest.fixture
def declared(tmp_path: Path) -> DeclaredTypes:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    modules = [_declarations(tmp_path, "app/schemas.py", SCHEMAS), _declarations(tmp_path, "app/checks.py", CHECKS)]
    return DeclaredTypes(modules)


@pytest.mark.parametrize(
    ("path", "level"),
    [
        (("id",), SCALAR),  # an alias in the same module, on a base class
        (("slug",), SCALAR),  # a pattern anchored at both ends, of a narrow class
        (("title",), TEXT),  # a pattern any text with one non-space character matches
        (("members", "email"), LINE),  # through a list of optional forward references
        (("members", "colour"), SCALAR),  # an enum
        (("members", "mode"), SCALAR),  # a Literal
        (("members", "nickname"), TEXT),
        (("lead", "id"), SCALAR),
        (("code",), SCALAR),  # its validator asks a helper that tests membership
        (("kind",), SCALAR),  # its validator tests membership itself
        (("region",), TEXT),  # its validator checks only a length
        (("tag",), SCALAR),  # Field(pattern=...)
        (("extra",), TEXT),
        (("missing",), TEXT),  # not a field (a property, a method): nothing known
        ((), TEXT),  # the whole object has text fields
    ],
)
def test_levels_along_attribute_paths(declared: DeclaredTypes, path: tuple[str, ...], level: int) -> None:
    assert declared.level("app.schemas.Team", path) == level


def test_whole_objects_enums_and_classes_that_are_not_models(declared: DeclaredTypes) -> None:
    assert declared.level("app.schemas.Scores", ()) == SCALAR  # every field a number
    assert declared.level("app.schemas.Colour", ()) == SCALAR
    assert declared.level("app.schemas.Row", ("name",)) == TEXT  # a plain class: the framework checks nothing
    assert declared.level("builtins.str", ()) == TEXT
    assert declared.level("app.schemas.Unknown", ("id",)) == TEXT


@pytest.mark.parametrize(
    ("pattern", "narrow"),
    [
        (r"^[a-z0-9-]+$", True),
        (r"^[\w]+(?:_[\w]+)*$", True),
        (r"\A[A-Z]{3}\Z", True),
        (r"^\d+\.\d+$", True),  # escaped dots are literal dots
        (r"[a-z]+", False),  # not anchored: pydantic searches, so any text around a match passes
        (r"^.*$", False),
        (r"^[^<>]+$", False),  # a negated class admits line breaks
        (r"^\S+$", False),
        (r"^a\$", False),
    ],
)
def test_narrow_patterns(pattern: str, narrow: bool) -> None:
    assert _narrow(pattern) is narrow


def test_labels_keep_their_attribute_path_through_the_codec(tmp_path: Path) -> None:
    codec = Codec([ModuleFacts], singletons={"unknown": UNKNOWN})
    facts = ModuleFacts("app.schemas", "app/schemas.py")
    facts.declared = _declarations(tmp_path, "app/schemas.py", SCHEMAS)
    back = codec.loads(codec.dumps(facts))
    assert back.declared == facts.declared
    source = SourceOrigin("remote", "parameter `team`", "app/views.py", 3, 5, annotation="app.schemas.Team")
    label = Label(source).reading("lead").reading("id")
    assert label.attrs == ("lead", "id")
    assert codec.loads(codec.dumps(label)) == label
    assert label != Label(source).reading("lead")


def test_only_typed_origins_record_attribute_paths() -> None:
    untyped = Label(SourceOrigin("remote", "flask.request.args", "app.py", 1, 1))
    assert untyped.reading("name") is untyped  # request data read by name has no declared type
    typed = frozenset({"form"})
    parameter = Label(ParamOrigin("form"))
    assert parameter.reading("a") is parameter  # a parameter not annotated with a class: no declared type either
    deep = parameter.reading("a", typed).reading("b", typed).reading("c", typed).reading("d", typed)
    deep = deep.reading("e", typed)
    assert deep.attrs == ("a", "b", "c", "d")  # bounded: the shorter path judges the object, never less safely


def test_a_module_of_helpers_keeps_its_membership_checks(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    found = _declarations(tmp_path, "app/checks.py", CHECKS)
    assert found.membership_checks == ["app.checks.known_code"]


def test_models_and_helpers_re_exported_by_a_package(tmp_path: Path) -> None:
    (tmp_path / "shop" / "base").mkdir(parents=True)
    (tmp_path / "shop" / "__init__.py").write_text("")
    modules = [
        _declarations(
            tmp_path,
            "shop/base/__init__.py",
            "from .model import ShopModel\nfrom .checks import known_code\n",
        ),
        _declarations(
            tmp_path, "shop/base/model.py", "from pydantic import BaseModel\n\nclass ShopModel(BaseModel):\n    pass\n"
        ),
        _declarations(tmp_path, "shop/base/checks.py", CHECKS),
        _declarations(
            tmp_path,
            "shop/forms.py",
            "from pydantic import field_validator\n"
            "from shop.base import ShopModel, known_code\n\n\n"
            "class Order(ShopModel):\n"
            "    count: int\n"
            "    code: str\n\n"
            "    @field_validator('code')\n"
            "    def listed(cls, value):\n"
            "        if not known_code(value):\n"
            "            raise ValueError(value)\n"
            "        return value\n",
        ),
    ]
    declared = DeclaredTypes(modules)
    assert declared.level("shop.forms.Order", ("count",)) == SCALAR  # a model through the package's re-export
    assert declared.level("shop.forms.Order", ("code",)) == SCALAR  # its validator's helper, re-exported too
