"""The redaction pass every finding of every family goes through before any report sees it.

A pattern rule's snippet may hold a credential (`requests.get(url, auth=("u", "<token>"), verify=False)`); a
taint path step may show a line with an API key. Reports never re-read files, so cleaning `Finding.snippet`,
`message`, `fix_hint` and each flow step here is enough for every format. It is cheap: a keyword pass first, and
only findings (few) are cleaned, never whole files.
"""

from __future__ import annotations

from dataclasses import replace

import re2

from bastion.core.finding import Finding, FlowStep
from bastion.core.notice import Notice
from bastion.secrets.engine import find_secrets, has_provider_keyword
from bastion.secrets.filekinds import CONFIG_KINDS, TextKind, classify
from bastion.secrets.redaction import redact_spans

_GENERIC_HINT = re2.compile(r"(?i)pass|pwd|secret|token|key|cred|auth|bearer|://")


def scrub(text: str, path: str = "") -> str:
    """`text` with every secret-shaped substring redacted (provider shapes even with a failed checksum)."""
    if not text or (not has_provider_keyword(text) and _GENERIC_HINT.search(text) is None):
        return text
    lines = text.split("\n")
    kind = classify(path) if path else TextKind.OTHER
    if kind not in CONFIG_KINDS:
        kind = TextKind.OTHER
    matches = find_secrets(lines, kind, path, python_lines=range(len(lines)), validate=False)
    if not matches:
        return text
    for number in sorted({match.line for match in matches}):
        spans = [(m.start, m.end) for m in matches if m.line == number]
        lines[number - 1] = redact_spans(lines[number - 1], spans)
    return "\n".join(lines)


def _scrub_step(step: FlowStep) -> FlowStep:
    path = step.location.path
    snippet, message = scrub(step.snippet, path), scrub(step.message)
    if snippet is step.snippet and message is step.message:
        return step
    return replace(step, snippet=snippet, message=message)


def scrub_finding(finding: Finding) -> Finding:
    path = finding.location.path
    snippet = scrub(finding.snippet, path)
    message = scrub(finding.message)
    fix_hint = scrub(finding.fix_hint)
    flow = tuple(_scrub_step(step) for step in finding.flow)
    if (
        snippet is finding.snippet
        and message is finding.message
        and fix_hint is finding.fix_hint
        and all(new is old for new, old in zip(flow, finding.flow, strict=True))
    ):
        return finding
    return replace(finding, snippet=snippet, message=message, fix_hint=fix_hint, flow=flow)


def scrub_notice(notice: Notice) -> Notice:
    message = scrub(notice.message)
    return notice if message is notice.message else replace(notice, message=message)
