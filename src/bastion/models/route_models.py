"""How each web framework declares the functions it calls with a request: the `[[routes]]` of the model files.

One entry per framework, every field optional:

- `owners` (types whose methods are route decorators or registrations: `flask.Flask`), with `decorators` (their
  decorating methods: `route`, `get` ...) and `registrations` (their registering methods: `add_url_rule`);
- `decorator-callees` (functions that decorate a handler: `bottle.route`, `strawberry.field`);
- `registration-callees` (functions that register one: `django.urls.path`);
- a registration says where the handler is (`handler`, a position, or `handler-keyword`) and the path (`path`);
- `handler-classes`: base classes whose methods matching `methods` (`do_*`, `get`) are handlers
  (`http.server.BaseHTTPRequestHandler`), or, with no bases, classes registered by instance whose methods match;
- `signature`: the parameter names of a plain function the framework calls (WSGI's `environ, start_response`).

`concepts.routes` reads these; `[[handler-sources]]` says which parameters of the handlers carry request data.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bastion.models.toml_access import ModelError, int_value, only, strings


@dataclass(frozen=True)
class Registration:
    names: tuple[str, ...]  # method names (on owners) or qualified callees
    handler: int | None  # position of the handler argument
    handler_keyword: str | None
    path: int | None  # position of the path argument (also `path`/`rule` keywords)
    # Also on an object of unknown type when the handler is passed by its keyword (`app.route(p, callback=view)`,
    # `app` a parameter): the keyword alone says what the call is.
    by_keyword: bool = False


@dataclass(frozen=True)
class RouteModel:
    framework: str
    owners: tuple[str, ...] = ()
    decorators: tuple[str, ...] = ()
    decorator_callees: tuple[str, ...] = ()
    registrations: tuple[Registration, ...] = ()
    registration_callees: tuple[Registration, ...] = ()
    handler_bases: tuple[str, ...] = ()
    handler_methods: tuple[str, ...] = ()  # glob patterns of method names
    signature: tuple[str, ...] = ()
    origin: str = ""

    def is_handler_method(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.handler_methods)


_KEYS = {
    "framework",
    "owners",
    "decorators",
    "decorator-callees",
    "registrations",
    "registration-callees",
    "handler-bases",
    "handler-methods",
    "signature",
}
_REGISTRATION_KEYS = {"names", "handler", "handler-keyword", "path", "by-keyword"}


def parse_route(entry: Any, where: str, origin: str) -> RouteModel:
    if not isinstance(entry, Mapping):
        raise ModelError(f"{where}: expected a table")
    only(entry, _KEYS, where)
    framework = entry.get("framework")
    if not isinstance(framework, str) or not framework:
        raise ModelError(f"{where}: `framework` is required")
    model = RouteModel(
        framework,
        strings(entry, "owners", where),
        strings(entry, "decorators", where),
        strings(entry, "decorator-callees", where),
        tuple(_registration(item, f"{where} registrations") for item in _items(entry, "registrations", where)),
        tuple(
            _registration(item, f"{where} registration-callees")
            for item in _items(entry, "registration-callees", where)
        ),
        strings(entry, "handler-bases", where),
        strings(entry, "handler-methods", where),
        strings(entry, "signature", where),
        origin,
    )
    if (model.decorators or model.registrations) and not model.owners:
        raise ModelError(f"{where}: `decorators` and `registrations` need `owners`")
    if model.handler_bases and not model.handler_methods:
        raise ModelError(f"{where}: `handler-bases` needs `handler-methods`")
    return model


def _registration(entry: Any, where: str) -> Registration:
    if not isinstance(entry, Mapping):
        raise ModelError(f"{where}: expected a table")
    only(entry, _REGISTRATION_KEYS, where)
    handler = int_value(entry, "handler", where)
    keyword = entry.get("handler-keyword")
    if keyword is not None and (not isinstance(keyword, str) or not keyword):
        raise ModelError(f"{where}: `handler-keyword` must be a non-empty string")
    if handler is None and keyword is None:
        raise ModelError(f"{where}: say where the handler is: `handler` or `handler-keyword`")
    by_keyword = entry.get("by-keyword", False)
    if not isinstance(by_keyword, bool) or (by_keyword and keyword is None):
        raise ModelError(f"{where}: `by-keyword` is true or false, and needs `handler-keyword`")
    names = strings(entry, "names", where, required=True)
    return Registration(names, handler, keyword, int_value(entry, "path", where), by_keyword)


def _items(entry: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = entry.get(key, [])
    if not isinstance(value, list):
        raise ModelError(f"{where}: `{key}` must be a list")
    return value
