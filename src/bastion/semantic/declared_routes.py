"""Routes declared outside the Python code: an OpenAPI operation whose `operationId` names the function that
handles it (connexion resolves `api_views.users.get_user` to that function and calls it with the request's
parameters). A module learns which of its functions are such handlers from these records, made before any file
is analysed (`concepts.openapi` reads the specifications) and matched here by module name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeclaredRoute:
    """One operation of a specification: `target` is the dotted function it names (`pkg.views.get_user`, or
    `pkg.views.UserView.get` for a method)."""

    target: str
    framework: str  # the framework that routes it ("connexion")
    method: str  # upper-case HTTP method
    path: str  # the specification's path, `{name}` for path parameters
    secured: bool  # a `security` requirement applies (the framework checks it before the function runs)
    spec: str  # the specification file (path relative to the scan root)


@dataclass(frozen=True, slots=True)
class ModuleRoute:
    """A declared route whose function is in this module: `function` is its name there (`get_user`, or
    `UserView.get` for a method of a class)."""

    function: str
    route: DeclaredRoute


def routes_of_module(routes: Iterable[DeclaredRoute], module_name: str, rel: str) -> tuple[ModuleRoute, ...]:
    """The routes of `routes` whose target is in the module called `module_name` (its dotted name as a package
    member) at `rel` (its path from the scan root). A target may name the module by a shorter dotted path than
    either (connexion imports from the directory it runs in, which may be below the scan root)."""
    names = {module_name}
    if rel.endswith(".py"):
        dotted = rel[: -len(".py")].replace("/", ".").removesuffix(".__init__")
        names.add(dotted)
    found: list[ModuleRoute] = []
    for route in routes:
        parts = route.target.split(".")
        # `pkg.views.get_user` (function) or `pkg.views.UserView.get` (method): try both splits.
        for cut in (len(parts) - 1, len(parts) - 2):
            if cut < 1:
                continue
            owner = ".".join(parts[:cut])
            if any(name == owner or name.endswith("." + owner) for name in names):
                found.append(ModuleRoute(".".join(parts[cut:]), route))
                break
    return tuple(found)
