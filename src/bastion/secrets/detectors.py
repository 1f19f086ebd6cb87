"""What a detector is: a provider's key shape declared as data.

A detector names the secret (`title`), the rule that reports it (`code`), an RE2 pattern whose group `secret`
is the credential (or the whole match), the literal keywords one of which a line must contain for the pattern
to run at all (gitleaks' `keywords`), its severity, and an optional offline check (a checksum, a JWT decode).
Patterns are compiled with RE2 (`google-re2`): matching time is linear in the input, so no line can hang a scan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bastion.core import patterns
from bastion.core.severity import Confidence, Severity
from bastion.secrets.validators import Check

# The rule codes that report each kind of detection.
PROVIDER_CODE = "SEC101"
PRIVATE_KEY_CODE = "SEC102"
URL_CREDENTIALS_CODE = "SEC103"
JWT_CODE = "SEC104"
PYTHON_LITERAL_CODE = "SEC201"
FRAMEWORK_SECRET_KEY_CODE = "SEC202"
CONFIG_VALUE_CODE = "SEC203"
HIGH_ENTROPY_CODE = "SEC204"


@dataclass(frozen=True)
class Detector:
    name: str
    title: str
    code: str
    pattern: str
    keywords: tuple[str, ...]
    severity: Severity
    confidence: Confidence = Confidence.HIGH
    # Keywords are matched case-insensitively unless the shape is case-sensitive (`AKIA`, `AIza`, `SG.`).
    case_sensitive: bool = False
    check: Callable[[str], Check] | None = None
    # A test-mode key (Stripe `sk_test_`): reported, at low severity.
    test_key: bool = False
    # Given the whole match, a lower severity and a note when what surrounds the secret makes it weak evidence (a
    # URL to localhost), else None.
    weak_context: Callable[[Any], tuple[Severity, str] | None] | None = None
    # The match counts only when a match of this other detector is within `PAIR_DISTANCE` lines.
    requires_nearby: str | None = None
    compiled: Any = field(init=False, repr=False, compare=False)
    secret_group: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        compiled = patterns.compile(self.pattern)
        object.__setattr__(self, "compiled", compiled)
        object.__setattr__(self, "secret_group", compiled.groupindex.get("secret", 0))


# Lines between an AWS access key id and its secret access key for the two to count as a pair.
PAIR_DISTANCE = 5
