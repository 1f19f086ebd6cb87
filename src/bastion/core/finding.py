"""Finding: what every rule of every family emits, so that suppressions, baselines and reports treat them alike."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bastion.core.fix import Fix
from bastion.core.severity import Confidence, Severity


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a file. `path` is relative to the project root, with forward slashes; lines, columns 1-based."""

    path: str
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class FlowStep:
    """One step of a data flow (taint path), ordered from source to sink."""

    location: Location
    message: str
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One numbered line of source code, as a report shows it (already redacted)."""

    number: int
    text: str


# A finding property a rule sets when it sees code that does not run in production inside a production file (a
# `class TestingConfig` in `config.py`): the finding is held back like one in a test path.
NON_PRODUCTION = "non_production"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, at one place.

    `snippet` is the source line as the reports show it; a rule that finds a secret puts a redacted line here,
    because reports never re-read the file. `context` is what the fingerprint is built from (by default the
    whitespace-normalised snippet); a rule may set something sturdier (a hash of a secret, a package name).
    `excerpt` is a few numbered lines around the finding, filled in by the scan only when a report asks for them
    (the HTML report), redacted like the snippet; it takes no part in comparisons.
    """

    code: str
    message: str
    location: Location
    severity: Severity
    confidence: Confidence
    fix_hint: str = ""
    snippet: str = ""
    scope: str = ""
    context: str = ""
    flow: tuple[FlowStep, ...] = ()
    # Family-specific data for machine reports (package, versions, advisory ids...). Never a secret value.
    properties: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    fingerprint: str = ""
    # The edits that resolve this finding, when the rule can write them (`bastion fix` applies them).
    fix: Fix | None = None
    excerpt: tuple[SourceLine, ...] = field(default=(), compare=False, hash=False)

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code, self.message)

    def with_fingerprint(self, fingerprint: str) -> Finding:
        return replace(self, fingerprint=fingerprint)

    def with_fix(self, fix: Fix | None) -> Finding:
        return replace(self, fix=fix)
