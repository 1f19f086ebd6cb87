"""Severity and confidence: closed, ordered scales."""

from __future__ import annotations

from enum import IntEnum


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            allowed = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}; expected one of {allowed}") from None

    @property
    def security_score(self) -> float:
        """The SARIF `security-severity` GitHub buckets on (>= 9 critical, 7 high, 4 medium, > 0 low)."""
        return _SCORES[self]


_SCORES = {
    Severity.INFO: 0.0,
    Severity.LOW: 3.0,
    Severity.MEDIUM: 5.5,
    Severity.HIGH: 8.0,
    Severity.CRITICAL: 9.5,
}


class Confidence(IntEnum):
    LOW = 0
    MEDIUM = 1
    HIGH = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Confidence:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            allowed = ", ".join(c.label for c in cls)
            raise ValueError(f"unknown confidence {text!r}; expected one of {allowed}") from None
