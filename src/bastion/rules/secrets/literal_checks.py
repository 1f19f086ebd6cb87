"""Turn Python literal candidates (`bastion.secrets.python_literals`) into SEC201/SEC202 findings."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace

from bastion.core.finding import NON_PRODUCTION, Finding
from bastion.core.rule import Rule
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import ModuleContext
from bastion.rules.secrets.support import ADVICE, node_snippet
from bastion.secrets.engine import shapes_in_value
from bastion.secrets.entropy import looks_random
from bastion.secrets.filters import (
    Candidate,
    Verdict,
    is_environment_reference,
    is_template,
    is_test_or_example,
    judge,
    names_itself,
)
from bastion.secrets.names import is_password_name, split_words
from bastion.secrets.python_literals import LiteralSecret
from bastion.secrets.redaction import redact, secret_fingerprint

FRAMEWORK_KEY_NAMES = frozenset({"SECRET_KEY"})


def is_framework_key(name: str) -> bool:
    return name.upper() in FRAMEWORK_KEY_NAMES


def _finding(
    rule: Rule, literal: LiteralSecret, ctx: ModuleContext, message: str, severity: Severity, confidence: Confidence
) -> Finding:
    return ctx.finding(
        rule,
        literal.node,
        message,
        severity=severity,
        confidence=confidence,
        snippet=node_snippet(ctx, literal.node, literal.value),
        context=secret_fingerprint(literal.value, ctx.path),
        properties={"detector": "python-literal", "secret": redact(literal.value), "name": literal.name},
    )


def password_finding(rule: Rule, literal: LiteralSecret, ctx: ModuleContext) -> Iterator[Finding]:
    """SEC201: any literal given to a secret-like name, unless a filter drops it or a provider rule reports it."""
    if is_framework_key(literal.name) or shapes_in_value(literal.value):
        return
    line = ctx.module.document.line(getattr(literal.node, "lineno", 1))
    verdict, _ = judge(Candidate(literal.value, generic=True, name=literal.name, line=line, path=ctx.path))
    if verdict is Verdict.DROP:
        return
    random_looking = looks_random(literal.value)
    # High only when the value looks like a generated credential; a word (`admin`, the app's name, a marker) is a
    # default account, a placeholder or a tag as often as a real password: a guess, reported at medium.
    severity = Severity.HIGH if random_looking else Severity.MEDIUM
    confidence = Confidence.HIGH if random_looking else Confidence.MEDIUM
    what = "password" if is_password_name(literal.name) else "secret"
    qualifier = ""
    if literal.how == "fallback":
        # A default used when the environment lacks the variable: a real secret only if it looks like one.
        severity = Severity.MEDIUM if random_looking else Severity.LOW
        qualifier = " as the fallback when the environment does not set it"
    if verdict is Verdict.LOW:
        severity, qualifier = Severity.LOW, qualifier + " (in a test or example, or marked as fake: low severity)"
    message = (
        f"Hard-coded {what} `{redact(literal.value)}` given to `{literal.name}` ({literal.how}){qualifier}. {ADVICE}"
    )
    yield _finding(rule, literal, ctx, message, severity, confidence)


def framework_key_finding(rule: Rule, literal: LiteralSecret, ctx: ModuleContext) -> Iterator[Finding]:
    """SEC202: any `SECRET_KEY` literal, weak ones included (`"dev"`, `"changeme"` are the worst of all)."""
    # `SECRET_KEY == "change-me"` reads the key to refuse a weak default; it does not set one.
    if not is_framework_key(literal.name) or not literal.value or literal.how == "comparison":
        return
    candidate = Candidate(literal.value, generic=True, name=literal.name, path=ctx.path)
    if is_environment_reference(candidate) or is_template(candidate) or names_itself(candidate):
        return
    severity = Severity.HIGH
    notes = []
    if not looks_random(literal.value) or len(literal.value) < 32:
        notes.append("and weak: guessable or short")
    if literal.value.startswith("django-insecure-"):
        notes.append("Django's generated development key")
    if literal.how == "fallback":
        severity = Severity.MEDIUM
        notes.append("used when the environment does not set SECRET_KEY")
    if is_test_or_example(candidate):
        severity = Severity.LOW
        notes.append("in a test or example: low severity")
    profile = _development_profile(ctx)
    if profile:
        severity = Severity.LOW
        notes.append(f"in the development or test settings {profile}")
    extra = f" ({'; '.join(notes)})" if notes else ""
    message = (
        f"`{literal.name}` is a hard-coded literal `{redact(literal.value)}`{extra}: anyone who reads it can forge "
        "session cookies, password-reset links and signed tokens. Generate a new random key, load it from the "
        "environment or a secrets manager, and purge the old one from git history if pushed."
    )
    finding = _finding(rule, literal, ctx, message, severity, Confidence.HIGH)
    if profile:
        # Not what a production deployment runs: held back like a finding in a test path.
        finding = replace(finding, properties={**finding.properties, NON_PRODUCTION: True})
    yield finding


def _development_profile(ctx: ModuleContext) -> str:
    """The settings class or module the key is set in, when its name says development or tests (`class
    TestingConfig`, `settings/development.py`); '' otherwise."""
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, ast.ClassDef) and _DEVELOPMENT_CLASS_WORDS & set(split_words(ancestor.name)):
            return f"class `{ancestor.name}`"
    stem = ctx.path.rsplit("/", 1)[-1].removesuffix(".py")
    if _DEVELOPMENT_WORDS & set(split_words(stem)):
        return f"module `{ctx.path}`"
    return ""


# A settings module named for development or tests (`settings_dev.py`, `dev_settings.py`, `testing.py`); not
# `local_settings.py`, where deployments conventionally keep their real secrets.
_DEVELOPMENT_WORDS = frozenset({"dev", "devel", "develop", "development", "test", "tests", "testing", "ci"})
# A settings class named for development, tests or the developer's machine (`TestingConfig`, `LocalConfig`).
_DEVELOPMENT_CLASS_WORDS = _DEVELOPMENT_WORDS | {"local", "debug"}
