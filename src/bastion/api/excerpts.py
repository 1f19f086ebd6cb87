"""Code excerpts: a few numbered lines around each finding, for the reports that show code in context (HTML).

Reports never read files. When a report asks for excerpts, the scan reads each file that holds a finding once
more, after the analysis, redacts the whole file (so that a private key whose first line lies outside the window
is still hidden) and cuts the lines around each finding. A line that a secret rule reported is shown as that
rule's redacted snippet in every excerpt that reaches it, whichever finding the excerpt belongs to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bastion.core.finding import Finding, SourceLine
from bastion.secrets.scrub import scrub_lines
from bastion.source.discovery import SourceFile
from bastion.source.reading import ReadError, read_document

# A finding that spans many lines (a whole function) shows its first lines only.
MAX_SPAN_SHOWN = 6
# As for snippets: a minified line must not fill the report.
MAX_LINE_LENGTH = 400
_HIDDEN = "…"


def attach_excerpts(
    findings: Sequence[Finding], files: Sequence[SourceFile], *, radius: int, max_size: int
) -> list[Finding]:
    """`findings`, each with `radius` lines of context before and after its own lines (when its file can be read)."""
    if radius < 0:
        raise ValueError("radius must be 0 or more")
    by_rel = {file.rel: file for file in files}
    secret_lines = _secret_lines(findings)
    redacted: dict[str, list[str] | None] = {}
    attached = []
    for finding in findings:
        path = finding.location.path
        if path not in redacted:
            redacted[path] = _redacted_lines(by_rel.get(path), max_size)
        lines = redacted[path]
        if lines is None:
            attached.append(finding)
            continue
        excerpt = _window(finding, lines, radius, secret_lines)
        attached.append(replace(finding, excerpt=excerpt) if excerpt else finding)
    return attached


def _redacted_lines(file: SourceFile | None, max_size: int) -> list[str] | None:
    if file is None:
        return None
    try:
        document = read_document(file, max_size=max_size)
    except ReadError:
        return None
    return scrub_lines(document.lines, file.rel)


def _secret_lines(findings: Sequence[Finding]) -> dict[tuple[str, int], str]:
    """What to show instead of each line a secret rule reported: its redacted snippet, then nothing of the rest."""
    shown: dict[tuple[str, int], str] = {}
    for finding in findings:
        location = finding.location
        if finding.family != "SEC" or not finding.snippet:
            continue
        last = max(location.line, location.end_line or location.line)
        shown[(location.path, location.line)] = finding.snippet.rstrip()
        for number in range(location.line + 1, last + 1):
            shown.setdefault((location.path, number), _HIDDEN)
    return shown


def _window(
    finding: Finding, lines: Sequence[str], radius: int, secret_lines: dict[tuple[str, int], str]
) -> tuple[SourceLine, ...]:
    location = finding.location
    if not 0 < location.line <= len(lines):
        return ()
    span_end = min(max(location.line, location.end_line or location.line), location.line + MAX_SPAN_SHOWN - 1)
    first, last = max(1, location.line - radius), min(len(lines), span_end + radius)
    excerpt = []
    for number in range(first, last + 1):
        text = secret_lines.get((location.path, number))
        if text is None:
            own = number == location.line and finding.snippet
            text = finding.snippet if own else lines[number - 1]
        excerpt.append(SourceLine(number, text.rstrip()[:MAX_LINE_LENGTH]))
    # The empty "line" after a file's last newline is no line of code.
    while len(excerpt) > 1 and excerpt[-1].number > span_end and not excerpt[-1].text:
        excerpt.pop()
    return tuple(excerpt)
