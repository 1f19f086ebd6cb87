"""Routes declared by OpenAPI/Swagger specifications: connexion's `operationId`.

A connexion app (`connexion.App`, `FlaskApp`, `AsyncApp`) registers no route in Python: `app.add_api("api.yml")`
reads a specification whose operations name the functions that handle them (`operationId:
api_views.users.get_user`, or `x-openapi-router-controller: api_views.users` plus `operationId: get_user`), and
connexion passes the request's path, query and body parameters as that function's arguments. Without these
records every such function looks like an ordinary helper: its parameters carry no request data, and no route rule
sees it.

The specifications are read before any file is analysed (the analysis of `users.py` must know that `get_user` is a
handler), with a safe YAML loader, at most `MAX_SPEC_SIZE` bytes each, only files that mention `operationId`.
Nothing is imported: an `operationId` is matched to a function by its dotted name alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import yaml

from bastion.semantic.declared_routes import DeclaredRoute
from bastion.source.discovery import SourceFile
from bastion.source.reading import ReadError, read_document
from bastion.source.structured import DataFileError, parse_json

FRAMEWORK = "connexion"
MAX_SPEC_SIZE = 2 * 1024 * 1024
MAX_OPERATIONS = 5000
_SUFFIXES = (".yml", ".yaml", ".json")
_MARKER = "operationId"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_CONTROLLER_KEYS = ("x-openapi-router-controller", "x-swagger-router-controller")


def declared_routes(files: Sequence[SourceFile], max_size: int) -> tuple[DeclaredRoute, ...]:
    """Every operation of the specifications among `files` whose operation id names a Python function (a dotted
    name), in file order. A file that is not a readable specification is skipped: it is someone else's data."""
    found: list[DeclaredRoute] = []
    for file in files:
        if file.suffix not in _SUFFIXES or file.size > min(max_size, MAX_SPEC_SIZE):
            continue
        try:
            text = read_document(file, max_size=min(max_size, MAX_SPEC_SIZE)).text
        except ReadError:
            continue
        if _MARKER not in text:
            continue
        document = _load(text, file.suffix)
        if isinstance(document, Mapping):
            found.extend(_operations(document, file.rel, MAX_OPERATIONS - len(found)))
        if len(found) >= MAX_OPERATIONS:
            break
    return tuple(found)


def _load(text: str, suffix: str) -> object:
    try:
        if suffix == ".json":
            return parse_json(text)
        # The C loader when available; the safe loaders build only plain data (no Python objects).
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (DataFileError, yaml.YAMLError, RecursionError, MemoryError, ValueError):
        return None


def _operations(document: Mapping[Any, Any], rel: str, limit: int) -> Iterator[DeclaredRoute]:
    if not ("openapi" in document or "swagger" in document):
        return
    paths = document.get("paths")
    if not isinstance(paths, Mapping):
        return
    secured_by_default = _requires_security(document.get("security"))
    count = 0
    for path, item in paths.items():
        if not isinstance(path, str) or not isinstance(item, Mapping):
            continue
        path_controller = _controller(item)
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, Mapping):
                continue
            target = _target(operation, _controller(operation) or path_controller)
            if target is None:
                continue
            security = operation.get("security")
            secured = secured_by_default if security is None else _requires_security(security)
            yield DeclaredRoute(target, FRAMEWORK, method.upper(), path, secured, rel)
            count += 1
            if count >= limit:
                return


def _controller(node: Mapping[Any, Any]) -> str | None:
    for key in _CONTROLLER_KEYS:
        value = node.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _target(operation: Mapping[Any, Any], controller: str | None) -> str | None:
    """The dotted function an operation names; None when it names none (an id without a module is a label
    for client generators, not a function: FastAPI's and most frameworks' specifications look like that)."""
    operation_id = operation.get("operationId")
    if not isinstance(operation_id, str) or not operation_id:
        return None
    target = f"{controller}.{operation_id}" if controller else operation_id
    parts = target.split(".")
    if len(parts) < 2 or not all(part.isidentifier() for part in parts):
        return None
    return target


def _requires_security(requirements: object) -> bool:
    """Whether a `security` list demands credentials: at least one entry, and no empty entry (`- {}` makes the
    credentials optional)."""
    if not isinstance(requirements, list) or not requirements:
        return False
    return all(isinstance(entry, Mapping) and entry for entry in requirements)
