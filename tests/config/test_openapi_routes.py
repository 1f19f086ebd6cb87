"""Routes declared by OpenAPI specifications (connexion's `operationId`): which operations become handlers, with
which methods and security, and how a hostile or foreign data file is left alone."""

from __future__ import annotations

import json
from pathlib import Path

from bastion.concepts.openapi import MAX_SPEC_SIZE, declared_routes
from bastion.semantic.declared_routes import DeclaredRoute, routes_of_module
from bastion.source.discovery import SourceFile


def _files(tmp_path: Path, files: dict[str, str]) -> list[SourceFile]:
    found = []
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        found.append(SourceFile(path, rel, path.stat().st_size))
    return found


_OPENAPI = """\
openapi: 3.0.1
security:
  - bearer: []
paths:
  /users/{name}:
    get:
      operationId: api.users.get_user
      security: []
    delete:
      operationId: api.users.delete_user
  /open:
    x-openapi-router-controller: api.misc
    post:
      operationId: anyone
      security:
        - {}
        - bearer: []
  /labelled:
    get:
      operationId: listLabelledThings
"""


def test_operations_with_dotted_ids_become_routes(tmp_path: Path) -> None:
    routes = declared_routes(_files(tmp_path, {"spec/api.yml": _OPENAPI}), 1 << 20)
    assert routes == (
        DeclaredRoute("api.users.get_user", "connexion", "GET", "/users/{name}", False, "spec/api.yml"),
        DeclaredRoute("api.users.delete_user", "connexion", "DELETE", "/users/{name}", True, "spec/api.yml"),
        DeclaredRoute("api.misc.anyone", "connexion", "POST", "/open", False, "spec/api.yml"),
    )


def test_swagger_json_with_a_controller(tmp_path: Path) -> None:
    spec = {
        "swagger": "2.0",
        "paths": {"/pets": {"get": {"operationId": "list_pets", "x-swagger-router-controller": "pets.views"}}},
    }
    routes = declared_routes(_files(tmp_path, {"swagger.json": json.dumps(spec)}), 1 << 20)
    assert [(r.target, r.method, r.secured) for r in routes] == [("pets.views.list_pets", "GET", False)]


def test_files_that_are_not_specifications_are_left_alone(tmp_path: Path) -> None:
    files = _files(
        tmp_path,
        {
            # Mentions operationId but is no specification (no `openapi`/`swagger` key).
            "notes.yml": "paths:\n  /x:\n    get:\n      operationId: a.b.c\n",
            # Not YAML at all.
            "broken.yaml": "openapi: [3\noperationId: {{{\n",
            # A tag the safe loader refuses: nothing is constructed, the file is skipped.
            "tagged.yml": "openapi: 3.0.0\noperationId: !!python/object/apply:os.system ['true']\n",
            # Too large to read.
            "huge.json": '{"openapi": "3.0.0", "operationId": "a.b"' + " " * MAX_SPEC_SIZE + "}",
            # Not a data file.
            "readme.md": "operationId: a.b.c",
        },
    )
    assert declared_routes(files, 16 << 20) == ()


def test_a_target_matches_its_module_by_dotted_suffix() -> None:
    route = DeclaredRoute("api_views.users.get_user", "connexion", "GET", "/u", False, "spec.yml")
    method = DeclaredRoute("api_views.users.UserView.get", "connexion", "GET", "/v", False, "spec.yml")
    found = routes_of_module([route, method], "users", "service/api_views/users.py")
    assert [(r.function, r.route) for r in found] == [("get_user", route), ("UserView.get", method)]
    assert routes_of_module([route], "api_views.groups", "api_views/groups.py") == ()
    assert routes_of_module([route], "users", "other/users.py") == ()
