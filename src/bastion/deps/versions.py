"""PEP 440 helpers: names, versions and the one version a specifier pins."""

from __future__ import annotations

from functools import lru_cache

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name, canonicalize_version
from packaging.version import InvalidVersion, Version


def normalise_name(name: str) -> str:
    """PEP 503: `Flask_Cors` and `flask.cors` are both `flask-cors`."""
    return canonicalize_name(name.strip())


@lru_cache(maxsize=65536)
def parse_version(text: str) -> Version | None:
    """The PEP 440 version, or None for what packaging no longer accepts (`0.1dev-r1234`, a git hash)."""
    try:
        return Version(text.strip())
    except InvalidVersion:
        return None


@lru_cache(maxsize=65536)
def canonical_version(text: str) -> str:
    """A comparable spelling: `3.2` and `3.2.0` are the same release (PEP 440), `0.8.0-alpha2` is `0.8a2`."""
    return canonicalize_version(text.strip())


def pinned_version(specifier: SpecifierSet | str) -> str | None:
    """The single version a specifier allows (`==3.2.0`, `===9.0.0`), or None for a range or no specifier.

    `==2.*` is a range, not a pin. A set such as `==1.4,!=1.3` still pins 1.4.
    """
    if isinstance(specifier, str):
        try:
            specifier = SpecifierSet(specifier)
        except InvalidSpecifier:
            return None
    for item in specifier:
        if item.operator == "===" or (item.operator == "==" and not item.version.endswith(".*")):
            return item.version
    return None


def lower_bound(specifier: SpecifierSet | str) -> str | None:
    """The smallest version a range admits when it names one (`>=2.0` and `~=2.0` -> 2.0, `==2.*` -> 2.0, the
    largest such bound of a set), else None (`<3`, `>2.0`, `!=1.5`, no specifier). It is what pip installs when
    something else holds the package back, and the oldest release the declaration accepts."""
    if isinstance(specifier, str):
        try:
            specifier = SpecifierSet(specifier)
        except InvalidSpecifier:
            return None
    bounds = []
    for item in specifier:
        if item.operator in (">=", "~="):
            bounds.append(item.version)
        elif item.operator == "==" and item.version.endswith(".*"):
            bounds.append(item.version[: -len(".*")])
    parsed = [(version, parse_version(version)) for version in bounds]
    known = [(version, value) for version, value in parsed if value is not None]
    if not known:
        return None
    lowest = max(known, key=lambda pair: pair[1])[0]
    return lowest if specifier.contains(lowest, prereleases=True) else None


def version_key(text: str) -> tuple[int, Version | str]:
    """Sort key that orders PEP 440 versions properly and puts anything unparsable after them, by text."""
    parsed = parse_version(text)
    return (0, parsed) if parsed is not None else (1, text)
