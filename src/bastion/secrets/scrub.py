"""The redaction pass every finding of every family goes through before any report sees it.

A pattern rule's snippet may hold a credential (`requests.get(url, auth=("u", "<token>"), verify=False)`); a
taint path step may show a line with an API key. Reports never re-read files, so cleaning `Finding.snippet`,
`message`, `fix_hint` and each flow step here is enough for every format. It is cheap: a keyword pass first, and
only findings (few) are cleaned, never whole files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bastion.core import patterns
from bastion.core.finding import Finding, FlowStep
from bastion.core.fix import Fix
from bastion.core.notice import Notice
from bastion.secrets.engine import find_secrets, has_provider_keyword
from bastion.secrets.filekinds import CONFIG_KINDS, TextKind, classify
from bastion.secrets.redaction import redact_spans

_GENERIC_HINT = patterns.compile(r"(?i)pass|pwd|secret|token|key|cred|auth|bearer|://")
_HIDDEN = "…"


def scrub(text: str, path: str = "") -> str:
    """`text` with every secret-shaped substring redacted (provider shapes even with a failed checksum)."""
    if not _may_hold_secret(text):
        return text
    lines = text.split("\n")
    cleaned = scrub_lines(lines, path)
    return text if cleaned == lines else "\n".join(cleaned)


def scrub_lines(lines: Sequence[str], path: str = "") -> list[str]:
    """`lines` (a whole file, or part of one) with every secret redacted.

    A secret spread over several lines (a private key block) has every line it covers hidden, not only the first,
    so that any window of lines cut from the result (a report's code excerpt) holds no part of it.
    """
    cleaned = list(lines)
    if not _may_hold_secret("\n".join(cleaned)):
        return cleaned
    kind = classify(path) if path else TextKind.OTHER
    if kind not in CONFIG_KINDS:
        kind = TextKind.OTHER
    matches = find_secrets(cleaned, kind, path, python_lines=range(len(cleaned)), validate=False)
    spans: dict[int, list[tuple[int, int]]] = {}
    for match in matches:
        first, *rest = match.value.split("\n")
        spans.setdefault(match.line, []).append((match.start, match.start + len(first) if rest else match.end))
        for offset, part in enumerate(rest, start=1):
            index = match.line - 1 + offset
            if index < len(cleaned):
                # Nothing of a continuation line is shown, not even the four characters a redaction keeps.
                cleaned[index] = _HIDDEN + cleaned[index][len(part) :]
    for number, line_spans in spans.items():
        if 0 < number <= len(cleaned):
            cleaned[number - 1] = redact_spans(cleaned[number - 1], line_spans)
    return cleaned


def _may_hold_secret(text: str) -> bool:
    return bool(text) and (has_provider_keyword(text) or _GENERIC_HINT.search(text) is not None)


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
    fix = finding.fix if finding.fix is None or not _fix_holds_secret(finding.fix, path) else None
    if (
        snippet is finding.snippet
        and message is finding.message
        and fix_hint is finding.fix_hint
        and fix is finding.fix
        and all(new is old for new, old in zip(flow, finding.flow, strict=True))
    ):
        return finding
    return replace(finding, snippet=snippet, message=message, fix_hint=fix_hint, flow=flow, fix=fix)


def _fix_holds_secret(fix: Fix, path: str) -> bool:
    """A fix whose edits would carry a secret (a command with a token, moved into a list) cannot be shown, and a
    redacted one would write the redaction into the code: such a finding is reported without its fix."""
    return scrub(fix.message) != fix.message or any(scrub(edit.content, path) != edit.content for edit in fix.edits)


def scrub_notice(notice: Notice) -> Notice:
    message = scrub(notice.message)
    return notice if message is notice.message else replace(notice, message=message)
