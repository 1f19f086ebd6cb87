"""A typed data codec for bastion's own value classes: what the result cache stores and what workers hand back.

The cache lives on disk, where another program (or a CI cache restored from a pull request's run) may have
written it. Unlike `pickle`, decoding here never calls anything but the constructors of the classes a `Codec`
was given (frozen dataclasses, enums and a few slotted value classes, all inert): a forged entry can make a wrong
value, never run code. Anything else in the data is an error, which the cache treats as a miss.

The encoding is JSON text. Strings, integers, finite floats, booleans and None are themselves; every other value
is an array whose first element says what it is:

    ["l", item, ...]            list            ["t", item, ...]          tuple
    ["s", item, ...]            set             ["f", item, ...]          frozenset
    ["d", key, value, ...]      dict            ["b", "<base64>"]         bytes
    ["n", "inf"]                float inf/-inf/nan                       ["x", real, imag]         complex
    ["c", "Name", arg, ...]     an instance of a registered class, rebuilt as Name(*args)
    ["e", "Name", value]        a member of a registered enum
    ["o", "Name"]               a registered singleton (sentinels such as "unknown constant")

A class is encoded by its `__reduce__` when it defines one returning `(cls, args)`, else by its dataclass fields.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import json
import math
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any


class CodecError(ValueError):
    """A value the codec cannot encode, or data it will not decode."""


_NATIVE = (str, int, float, bool, type(None))


class Codec:
    """Encodes and decodes values made of the given classes (and every class their type hints reach)."""

    def __init__(self, roots: Iterable[type], singletons: Mapping[str, object] | None = None) -> None:
        self._classes: dict[str, type] = {}
        self._names: dict[type, str] = {}
        self._singletons: dict[str, object] = dict(singletons or {})
        self._singleton_names: dict[int, str] = {id(value): name for name, value in self._singletons.items()}
        for root in roots:
            self._register(root)

    # -- registration ------------------------------------------------------------------------------------------

    def _register(self, cls: type) -> None:
        if cls in self._names or not isinstance(cls, type) or cls in _NATIVE:
            return
        name = cls.__qualname__
        if name in self._classes:
            name = f"{cls.__module__}.{cls.__qualname__}"
        self._classes[name] = cls
        self._names[cls] = name
        if issubclass(cls, enum.Enum):
            return
        for hint in _hints(cls):
            for reached in _classes_in(hint):
                self._register(reached)

    @property
    def classes(self) -> tuple[type, ...]:
        return tuple(self._names)

    # -- encoding ----------------------------------------------------------------------------------------------

    def dumps(self, value: Any) -> str:
        return json.dumps(self.encode(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)

    def encode(self, value: Any) -> Any:
        kind = type(value)
        if kind is str or kind is int or kind is bool or value is None:
            return value
        if kind is float:
            return value if math.isfinite(value) else ["n", repr(value)]
        if kind is list:
            return ["l", *(self.encode(item) for item in value)]
        if kind is tuple:
            return ["t", *(self.encode(item) for item in value)]
        if kind is frozenset or kind is set:
            return ["f" if kind is frozenset else "s", *(self.encode(item) for item in value)]
        if kind is dict:
            encoded: list[Any] = ["d"]
            for key, item in value.items():
                encoded.append(self.encode(key))
                encoded.append(self.encode(item))
            return encoded
        if kind is bytes:
            return ["b", base64.b64encode(value).decode("ascii")]
        if kind is complex:
            return ["x", self.encode(value.real), self.encode(value.imag)]
        singleton = self._singleton_names.get(id(value))
        if singleton is not None:
            return ["o", singleton]
        name = self._names.get(kind)
        if name is None:
            raise CodecError(f"cannot encode a {kind.__module__}.{kind.__qualname__}: not a registered class")
        if isinstance(value, enum.Enum):
            return ["e", name, self.encode(value.value)]
        return ["c", name, *(self.encode(arg) for arg in _arguments(value))]

    # -- decoding ----------------------------------------------------------------------------------------------

    def loads(self, text: str) -> Any:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise CodecError(f"not codec data: {error}") from None
        try:
            return self.decode(data)
        except CodecError:
            raise
        except (TypeError, ValueError, IndexError, KeyError, AttributeError, RecursionError) as error:
            raise CodecError(f"malformed codec data: {type(error).__name__}: {error}") from None

    def decode(self, data: Any) -> Any:
        kind = type(data)
        if kind is not list:
            if kind is dict:
                raise CodecError("a JSON object where a value was expected")
            return data
        tag = data[0]
        if tag == "t":
            return tuple(self.decode(item) for item in data[1:])
        if tag == "c":
            cls = self._classes.get(data[1])
            if cls is None or issubclass(cls, enum.Enum):
                raise CodecError(f"unknown class {data[1]!r}")
            return cls(*(self.decode(item) for item in data[2:]))
        if tag == "f":
            return frozenset(self.decode(item) for item in data[1:])
        if tag == "l":
            return [self.decode(item) for item in data[1:]]
        if tag == "d":
            items = data[1:]
            if len(items) % 2:
                raise CodecError("a dict with a key and no value")
            return {self.decode(items[i]): self.decode(items[i + 1]) for i in range(0, len(items), 2)}
        if tag == "e":
            cls = self._classes.get(data[1])
            if cls is None or not issubclass(cls, enum.Enum):
                raise CodecError(f"unknown enum {data[1]!r}")
            return cls(self.decode(data[2]))
        if tag == "s":
            return {self.decode(item) for item in data[1:]}
        if tag == "b":
            return base64.b64decode(data[1].encode("ascii"), validate=True)
        if tag == "n":
            if data[1] not in ("inf", "-inf", "nan"):
                raise CodecError(f"not a float: {data[1]!r}")
            return float(data[1])
        if tag == "x":
            return complex(self.decode(data[1]), self.decode(data[2]))
        if tag == "o":
            if data[1] not in self._singletons:
                raise CodecError(f"unknown singleton {data[1]!r}")
            return self._singletons[data[1]]
        raise CodecError(f"unknown tag {tag!r}")


def _arguments(value: Any) -> tuple[Any, ...]:
    """What rebuilds `value` as `type(value)(*arguments)`."""
    reduce = type(value).__dict__.get("__reduce__")
    if reduce is not None:
        rebuilt = value.__reduce__()
        if isinstance(rebuilt, tuple) and len(rebuilt) == 2 and rebuilt[0] is type(value):
            return tuple(rebuilt[1])
    if dataclasses.is_dataclass(value):
        return tuple(getattr(value, item.name) for item in dataclasses.fields(value) if item.init)
    raise CodecError(f"cannot encode a {type(value).__qualname__}: no dataclass fields and no __reduce__")


def _hints(cls: type) -> list[Any]:
    """The type hints of a class's fields (dataclass) or of its constructor's parameters."""
    target: Any = cls if dataclasses.is_dataclass(cls) else cls.__dict__.get("__init__")
    if target is None:
        return []
    try:
        hints = typing.get_type_hints(target)
    except Exception:  # names only imported for type checking: follow what can be followed
        return []
    hints.pop("return", None)
    return list(hints.values())


def _classes_in(hint: Any) -> Iterable[type]:
    """The classes a type hint names that the codec must know (dataclasses, enums, slotted value classes)."""
    if isinstance(hint, type):
        if hint in _NATIVE or hint in (bytes, complex, list, tuple, set, frozenset, dict, object):
            return
        if dataclasses.is_dataclass(hint) or issubclass(hint, enum.Enum) or "__reduce__" in hint.__dict__:
            yield hint
        return
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType or origin is not None:
        for argument in typing.get_args(hint):
            if argument is not Ellipsis:
                yield from _classes_in(argument)
