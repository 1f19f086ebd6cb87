"""A typed data codec for bastion's own value classes: what the result cache stores and what workers hand back.

The cache lives on disk, where another program (or a CI cache restored from a pull request's run) may have
written it. Unlike `pickle`, decoding here never calls anything but the constructors of the classes a `Codec`
was given (frozen dataclasses, enums and a few slotted value classes, all inert) and of built-in containers: a
forged entry can make a wrong value, never run code. Anything else in the data is a `CodecError`, which the cache
treats as a miss.

The encoding is JSON, built so that the standard library's C decoder does most of the work:

- strings, integers, finite floats, booleans and None are themselves, lists are arrays;
- every other value is an object with one tag: `{"@c": "Label", "a": [...]}` an instance of a registered class
  (its constructor's arguments), `{"@e": "Severity", "v": 3}` an enum member, `{"@t": [...]}` a tuple,
  `{"@f": [...]}` a frozenset, `{"@s": [...]}` a set, `{"@d": [[key, value], ...]}` a dict, `{"@b": "..."}`
  bytes (base64), `{"@n": "inf"}` a float that JSON cannot hold, `{"@x": [re, im]}` a complex, `{"@o": "name"}`
  a registered singleton;
- an instance met again in the same value (the same object, not an equal one) is written `{"@r": n}`: the n-th
  class instance written so far, counting each when its object closes (the order in which the decoder completes
  them). Taint facts hold the same label in a call's arguments, its fallback and the function's returns: written
  once, they take about half the text, and decoding rebuilds one object as the analysis had;
- where a class's type hints say what a field holds (`tuple[Step, ...]`, `frozenset[str]`), the field is written
  as a plain array and rebuilt from the hint: no tag per tuple, and decoding is one C parse plus one call per
  class instance;
- decoded, a field hinted `str` is interned (`sys.intern`) and every empty frozenset is one shared object: taint
  facts repeat their file's path in every step of every trace, and most labels clear nothing (Django's decoded
  taint facts: 53 -> 32 MiB).

A class is encoded by its `__reduce__` when it defines one returning `(cls, args)` (its constructor's arguments in
order), else by its dataclass fields.

Equal values are equal text in every process: the items of a set are written in an order that does not depend on
the hash seed (`Codec._ordered`), since the result cache keys work by the digest of this text.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import inspect
import json
import math
import operator
import sys
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any


class CodecError(ValueError):
    """A value the codec cannot encode, or data it will not decode."""


_NATIVE = (str, int, float, bool, type(None))
_CONTAINERS = (bytes, complex, list, tuple, set, frozenset, dict, object)
Encoder = Callable[[Any], Any]
Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _apply(convert: Converter, value: Any) -> Any:
    return convert(value)


class Codec:
    """Encodes and decodes values made of the given classes (and every class their type hints reach)."""

    def __init__(self, roots: Iterable[type], singletons: Mapping[str, object] | None = None) -> None:
        self._classes: dict[str, type] = {}
        self._names: dict[type, str] = {}
        self._encoders: dict[type, Encoder] = {}
        # Per class name (enums left out): the class, its number of arguments, and (position, converter) of the
        # arguments that a hint says to rebuild (decoding runs for every fact a warm scan reads: no per-argument
        # identity calls).
        self._instances: dict[str, tuple[type, int, tuple[tuple[int, Converter], ...]]] = {}
        self._singletons: dict[str, object] = dict(singletons or {})
        self._singleton_names: dict[int, str] = {id(value): name for name, value in self._singletons.items()}
        # During `dumps`: id -> (number, the instance itself, kept so that its id cannot be reused meanwhile).
        self._written: dict[int, tuple[int, object]] | None = None
        # During `dumps`: id -> (the text a set orders the instance by, the instance itself).
        self._order_keys: dict[int, tuple[str, object]] = {}
        for root in roots:
            self._register(root)
        for cls in list(self._names):
            self._prepare(cls)

    @property
    def classes(self) -> tuple[type, ...]:
        return tuple(self._names)

    # -- registration ------------------------------------------------------------------------------------------

    def _register(self, cls: type) -> None:
        if cls in self._names or not isinstance(cls, type) or cls in _NATIVE or cls in _CONTAINERS:
            return
        name = cls.__qualname__
        if name in self._classes:
            name = f"{cls.__module__}.{cls.__qualname__}"
        self._classes[name] = cls
        self._names[cls] = name
        if issubclass(cls, enum.Enum):
            return
        for _, hint in _parameters(cls):
            for reached in _classes_in(hint):
                self._register(reached)

    def _prepare(self, cls: type) -> None:
        name = self._names[cls]
        if issubclass(cls, enum.Enum):

            def encode_member(value: Any, name: str = name) -> Any:
                return {"@e": name, "v": self.encode(value.value)}

            self._encoders[cls] = encode_member
            return
        parameters = _parameters(cls)
        encoders = [self._encoder_for(hint) for _, hint in parameters]
        converters = [self._converter_for(hint) for _, hint in parameters]
        conversions = tuple((position, c) for position, c in enumerate(converters) if c is not _identity)
        self._instances[name] = (cls, len(converters), conversions)
        generic = self.encode
        count = len(encoders)
        arguments_of = _argument_reader(cls)

        def encode_instance(value: Any) -> Any:
            written = self._written
            if written is not None:
                seen = written.get(id(value))
                if seen is not None:
                    return {"@r": seen[0]}
            arguments = arguments_of(value)
            if len(arguments) != count:
                encoded = {"@c": name, "a": [generic(argument) for argument in arguments], "g": 1}
            else:
                encoded = {"@c": name, "a": [encode(item) for encode, item in zip(encoders, arguments, strict=True)]}
            if written is not None:
                written[id(value)] = (len(written), value)
            return encoded

        self._encoders[cls] = encode_instance

    # -- hints: how a field is written and rebuilt ---------------------------------------------------------------

    def _encoder_for(self, hint: Any) -> Encoder:
        shape = _container_shape(hint)
        if shape is None:
            return self.encode
        kind, items = shape
        if kind == "optional":
            inner = self._encoder_for(items[0])
            return lambda value: None if value is None else inner(value)
        if kind == "dict":
            key_encoder, value_encoder = self._encoder_for(items[0]), self._encoder_for(items[1])
            return lambda value: {"@d": [[key_encoder(k), value_encoder(v)] for k, v in value.items()]}
        if kind == "fixed":
            encoders = [self._encoder_for(item) for item in items]
            return lambda value: [encode(item) for encode, item in zip(encoders, value, strict=True)]
        item_encoder = self._encoder_for(items[0])
        if kind in ("frozenset", "set"):
            return lambda value: [item_encoder(item) for item in self._ordered(value)]
        return lambda value: [item_encoder(item) for item in value]

    def _converter_for(self, hint: Any) -> Converter:
        if hint is str:
            return sys.intern
        shape = _container_shape(hint)
        if shape is None:
            return _identity
        kind, items = shape
        if kind == "optional":
            inner = self._converter_for(items[0])
            return _identity if inner is _identity else (lambda value: None if value is None else inner(value))
        if kind == "dict":
            key_converter, value_converter = self._converter_for(items[0]), self._converter_for(items[1])
            if key_converter is _identity and value_converter is _identity:
                return _identity
            return lambda value: {key_converter(k): value_converter(v) for k, v in value.items()}
        if kind == "fixed":
            converters = [self._converter_for(item) for item in items]
            count = len(converters)

            def fixed(value: Any) -> Any:
                if len(value) != count:
                    raise CodecError(f"{len(value)} items for a tuple of {count}")
                return tuple(map(_apply, converters, value))

            return fixed
        builders: dict[str, Callable[[Iterable[Any]], Any]] = {
            "tuple": tuple,
            "frozenset": _frozenset,
            "set": set,
            "list": list,
        }
        build = builders[kind]
        item_converter = self._converter_for(items[0])
        if item_converter is _identity:
            return build if kind != "list" else _identity
        return lambda value: build(map(item_converter, value))

    # -- encoding ----------------------------------------------------------------------------------------------

    def dumps(self, value: Any) -> str:
        self._written = {}
        try:
            return json.dumps(self.encode(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as error:
            raise CodecError(f"cannot encode: {error}") from None
        finally:
            self._written = None
            self._order_keys = {}

    def _ordered(self, items: set[Any] | frozenset[Any]) -> Iterable[Any]:
        """A set's items in an order that does not depend on the hash seed, so that equal values are equal text in
        every process (a cache key is a digest of that text): strings and integers sorted; instances of a class
        whose hash is the same in every process (`codec_stable_hash = True`: taint labels) in the set's own order,
        which then depends only on what was added in which order; anything else by its encoding."""
        if len(items) < 2:
            return items
        kind = type(next(iter(items)))
        if all(type(item) is kind for item in items):
            if kind is str or kind is int:
                return sorted(items)
            if getattr(kind, "codec_stable_hash", False):
                return items
        return sorted(items, key=self._order_key)

    def _order_key(self, item: Any) -> str:
        known = self._order_keys.get(id(item))
        if known is not None:
            return known[0]
        written, self._written = self._written, None  # the key is the item's own text, without references
        try:
            key = json.dumps(self.encode(item), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        finally:
            self._written = written
        self._order_keys[id(item)] = (key, item)
        return key

    def encode(self, value: Any) -> Any:
        """Any value, self-describing (tags for every container but lists)."""
        kind = type(value)
        if kind is str or kind is int or kind is bool or value is None:
            return value
        if kind is float:
            return value if math.isfinite(value) else {"@n": repr(value)}
        if kind is list:
            return [self.encode(item) for item in value]
        if kind is tuple:
            return {"@t": [self.encode(item) for item in value]}
        if kind is frozenset:
            return {"@f": [self.encode(item) for item in self._ordered(value)]}
        if kind is set:
            return {"@s": [self.encode(item) for item in self._ordered(value)]}
        if kind is dict:
            return {"@d": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if kind is bytes:
            return {"@b": base64.b64encode(value).decode("ascii")}
        if kind is complex:
            return {"@x": [self.encode(value.real), self.encode(value.imag)]}
        singleton = self._singleton_names.get(id(value))
        if singleton is not None:
            return {"@o": singleton}
        encoder = self._encoders.get(kind)
        if encoder is None:
            raise CodecError(f"cannot encode a {kind.__module__}.{kind.__qualname__}: not a registered class")
        return encoder(value)

    # -- decoding ----------------------------------------------------------------------------------------------

    def loads(self, text: str) -> Any:
        made: list[Any] = []  # the class instances decoded so far, in the order `{"@r": n}` counts them
        try:
            return json.loads(text, object_hook=lambda data: self._object(data, made))
        except CodecError:
            raise
        except (TypeError, ValueError, IndexError, KeyError, AttributeError, RecursionError) as error:
            raise CodecError(f"not codec data: {type(error).__name__}: {error}") from None

    def _object(self, data: dict[str, Any], made: list[Any]) -> Any:
        name = data.get("@c")
        if name is not None:  # a class instance: most objects, checked first
            known = self._instances.get(name)
            arguments = data.get("a")
            if known is None or type(arguments) is not list:
                raise CodecError(f"unknown class {name!r}")
            cls, count, conversions = known
            if "g" not in data:
                if len(arguments) != count:
                    raise CodecError(f"{name}: {len(arguments)} arguments for {count}")
                for position, convert in conversions:
                    arguments[position] = convert(arguments[position])
            instance = cls(*arguments)
            made.append(instance)
            return instance
        if len(data) == 1:
            ((tag, value),) = data.items()
            if tag == "@r":
                if type(value) is not int or not 0 <= value < len(made):
                    raise CodecError(f"no instance {value!r} to refer to")
                return made[value]
            if tag == "@t":
                return tuple(value)
            if tag == "@f":
                return _frozenset(value)
            if tag == "@d":
                return dict(value)
            if tag == "@s":
                return set(value)
            if tag == "@o":
                if value not in self._singletons:
                    raise CodecError(f"unknown singleton {value!r}")
                return self._singletons[value]
            if tag == "@b":
                return base64.b64decode(value.encode("ascii"), validate=True)
            if tag == "@n":
                if value not in ("inf", "-inf", "nan"):
                    raise CodecError(f"not a float: {value!r}")
                return float(value)
            if tag == "@x":
                return complex(value[0], value[1])
        elif "@e" in data:
            enum_class = self._classes.get(data["@e"])
            if enum_class is None or not issubclass(enum_class, enum.Enum):
                raise CodecError(f"unknown enum {data['@e']!r}")
            return enum_class(data.get("v"))
        raise CodecError(f"not codec data: an object with keys {sorted(data)[:3]}")


_EMPTY_FROZENSET: frozenset[Any] = frozenset()


def _frozenset(items: Iterable[Any]) -> frozenset[Any]:
    """A frozenset, the empty one shared: CPython makes a new 216-byte object for each, and most taint labels
    clear nothing (a third of Django's decoded facts were empty frozensets)."""
    made = frozenset(items)
    return made if made else _EMPTY_FROZENSET


def _argument_reader(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """What reads, from an instance of `cls`, the arguments that rebuild it as `cls(*arguments)`: its
    `__reduce__`'s when it defines one, else its dataclass init fields (the field list is read once per class, not
    per instance: this runs for every value a scan stores or a worker sends back)."""
    reduces = "__reduce__" in cls.__dict__
    names = tuple(item.name for item in dataclasses.fields(cls) if item.init) if dataclasses.is_dataclass(cls) else None

    def from_fields(value: Any) -> tuple[Any, ...]:
        if names is None:
            raise CodecError(f"cannot encode a {cls.__qualname__}: no dataclass fields and no __reduce__")
        return tuple([getattr(value, name) for name in names])

    if not reduces:
        if names is not None and len(names) > 1:
            return operator.attrgetter(*names)  # a tuple for two or more names
        return from_fields

    def from_reduce(value: Any) -> tuple[Any, ...]:
        rebuilt = value.__reduce__()
        if isinstance(rebuilt, tuple) and len(rebuilt) == 2 and rebuilt[0] is cls:
            return tuple(rebuilt[1])
        return from_fields(value)

    return from_reduce


def _parameters(cls: type) -> list[tuple[str, Any]]:
    """(name, type hint) of what the constructor takes, in order: dataclass init fields, else `__init__`'s."""
    try:
        if dataclasses.is_dataclass(cls):
            hints = typing.get_type_hints(cls)
            return [(item.name, hints.get(item.name, Any)) for item in dataclasses.fields(cls) if item.init]
        init = cls.__dict__.get("__init__")
        if init is None:
            return []
        hints = typing.get_type_hints(init)
        names = [name for name in inspect.signature(init).parameters if name != "self"]
        return [(name, hints.get(name, Any)) for name in names]
    except Exception:  # names only imported for type checking: every field is written self-describing
        return []


def _container_shape(hint: Any) -> tuple[str, tuple[Any, ...]] | None:
    """How a hinted container is written as a plain array (or None: self-describing). Kinds: tuple, frozenset,
    set, list (`X[item]`), fixed (`tuple[A, B]`), dict (`dict[K, V]`), optional (`X | None` of a container)."""
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        present = [argument for argument in arguments if argument is not type(None)]
        if len(present) == 1 and len(arguments) == 2 and _container_shape(present[0]) is not None:
            return "optional", (present[0],)
        return None
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return "tuple", (arguments[0],)
        if arguments and Ellipsis not in arguments:
            return "fixed", arguments
        return None
    if origin in (frozenset, set, list) and len(arguments) == 1:
        return {frozenset: "frozenset", set: "set", list: "list"}[origin], arguments
    if (origin is dict or origin is Mapping) and len(arguments) == 2:
        return "dict", arguments
    return None


def _classes_in(hint: Any) -> Iterable[type]:
    """The classes a type hint names that the codec must know (dataclasses, enums, slotted value classes)."""
    if isinstance(hint, type):
        if hint in _NATIVE or hint in _CONTAINERS:
            return
        if dataclasses.is_dataclass(hint) or issubclass(hint, enum.Enum) or "__reduce__" in hint.__dict__:
            yield hint
        return
    if typing.get_origin(hint) is not None:
        for argument in typing.get_args(hint):
            if argument is not Ellipsis:
                yield from _classes_in(argument)
