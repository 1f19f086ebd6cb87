"""The vulnerability service interface: what crosses it, and the error root its implementations raise.

The shape is pip-audit's (`pip_audit/_service/interface.py`): an abstract service, frozen values across it, and
one error root. The core never does I/O of its own and never prints; the rules turn a `ServiceError` into a
notice that says plainly that the dependency audit did not run.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (the settings read DEFAULT_OSV_URL at every start; the advisory model is not needed for that)
    from bastion.deps.advisory import Advisory
    from bastion.deps.model import PackageVersion

DEFAULT_OSV_URL = "https://api.osv.dev"
DEFAULT_TIMEOUT = 15.0  # seconds per request, as pip-audit's default


class ServiceError(Exception):
    """The root of every vulnerability service failure. The message is one sentence fit for a notice."""


class ServiceUnavailable(ServiceError):
    """The service could not be reached or did not answer properly (timeouts, HTTP errors, garbage)."""


class DatabaseError(ServiceError):
    """An offline advisory database cannot be used (missing, unreadable, not OSV data)."""


class VulnerabilityService(ABC):
    """Answers "which advisories affect this package at this version?" for many packages at once."""

    @property
    @abstractmethod
    def description(self) -> str:
        """Where the advisories come from, for messages: `OSV (https://api.osv.dev)`, `offline database X`."""

    @abstractmethod
    def query(self, packages: Sequence[PackageVersion]) -> Mapping[PackageVersion, tuple[Advisory, ...]]:
        """The advisories (never withdrawn ones) affecting each package version; every query gets an entry.

        Raises `ServiceError` when it cannot answer.
        """

    def warnings(self) -> Sequence[str]:
        """Things the user should know about the data (unreadable records ...); none by default."""
        return ()
