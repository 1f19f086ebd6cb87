"""The test-path policy: findings in test, CI, docs and example code are not what a reviewer acts on.

By default they are held back (counted, not reported); with `include-tests` they are reported at info severity, so
that they never fail a build on their own. Rules whose subject is such a file (a CI workflow) are exempt. The
patterns are matched below the scanned path: `bastion scan examples/shop` audits the example it was pointed at.
Test code inside a production module is held back too: a finding in a class whose name says it is a test double
or a test profile (`class FakeHasher`, `class TestingConfig`), in a function named as a test double
(`def fake_privkey`, `def mock_send_mail`), or one a rule marks with the property
`non_production` (a `SECRET_KEY` in `settings_dev.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bastion.core import patterns
from bastion.core.config import BastionConfig
from bastion.core.finding import NON_PRODUCTION, Finding
from bastion.core.rule import get_rule
from bastion.core.severity import Severity
from bastion.core.test_paths import policy_for


def hold_back_test_code(
    findings: Sequence[Finding], config: BastionConfig, scanned: Sequence[str] = (".",)
) -> tuple[list[Finding], list[Finding]]:
    """(findings to report, findings held back). `scanned` are the scanned paths relative to the project root.
    With `include-tests`, nothing is held back and the findings in test paths are reported at info severity."""
    if not findings:
        return [], []  # (compiling the patterns costs a one-file scan more than the rest of this function)
    policy = policy_for(config.all_test_paths)
    prefixes = sorted((p.rstrip("/") + "/" for p in scanned if p not in (".", "")), key=len, reverse=True)
    kept: list[Finding] = []
    held: list[Finding] = []
    for finding in findings:
        rule = get_rule(finding.code)
        below = _below_scanned(finding.location.path, prefixes)
        in_test_code = (
            policy.matches(below) or bool(finding.properties.get(NON_PRODUCTION)) or _in_test_class(finding.scope)
        )
        if not in_test_code or (rule is not None and not rule.held_back_in_test_paths):
            kept.append(finding)
        elif config.include_tests:
            kept.append(replace(finding, severity=Severity.INFO, properties={**finding.properties, "test_path": True}))
        else:
            held.append(finding)
    return kept, held


# CamelCase words that make a class test code: `FakeHasher`, `MockMailer`, `StubClient`, `TestingConfig`.
_TEST_CLASS_WORDS = frozenset({"Fake", "Mock", "Stub", "Dummy", "Test", "Tests", "Testing"})
_CAMEL_WORD = patterns.compile(r"[A-Z][a-z]+")


# First words of snake_case functions that are test doubles: `fake_privkey`, `mock_send_mail`, `stub_client`.
_TEST_FUNCTION_WORDS = frozenset({"fake", "mock", "stub", "dummy"})


def _in_test_class(scope: str) -> bool:
    """Whether the dotted scope of a finding passes through a class or a function named as test code."""
    return any(
        not _TEST_CLASS_WORDS.isdisjoint(_CAMEL_WORD.findall(part))
        if part[:1].isupper()
        else part.lstrip("_").split("_", 1)[0] in _TEST_FUNCTION_WORDS
        for part in scope.split(".")
    )


def _below_scanned(path: str, prefixes: Sequence[str]) -> str:
    """The part of `path` below the scanned path that holds it (the whole path when the root was scanned)."""
    for prefix in prefixes:
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path
