"""PAT104: bidirectional control characters in Python source (Trojan Source)."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.core import patterns
from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import TextContext, TextRule
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument

# Embeddings, overrides and isolates reorder the text around them. The plain direction marks (U+200E, U+200F,
# U+061C) do not, and right-to-left locale data needs them (Arabic date formats), so they are not reported.
_BIDI = patterns.compile("[\u202a-\u202e\u2066-\u2069]")


class TrojanSource(TextRule):
    """## What it does
    Finds Unicode bidirectional embedding, override and isolate characters (U+202A-U+202E, U+2066-U+2069) in
    Python files. The plain direction marks (U+200E, U+200F, U+061C), which right-to-left text needs and which
    do not reorder their surroundings, are not reported.

    ## Why is this bad?
    These characters reorder how text is displayed without changing how the interpreter reads it. A reviewer
    sees a comment or a string where the interpreter sees code, or the reverse (CVE-2021-42574, "Trojan
    Source"), so a change that looks harmless in review can open an access check.

    ## Example
    ```python
    access_level = "user"
    if access_level != "none\u202e\u2066":  # Check if admin\u2069\u2066
        print("You are an admin.")
    ```

    ## Use instead
    ```python
    access_level = "user"
    if access_level != "none":  # Check if admin
        print("You are an admin.")
    ```
    Remove the control characters; if right-to-left text is needed in a string, write it with `\\u` escapes.

    ## References
    - [Trojan Source: Invisible Vulnerabilities](https://trojansource.codes/)
    - [CWE-838: Inappropriate Encoding for Output Context](https://cwe.mitre.org/data/definitions/838.html)
    """

    code = "PAT104"
    slug = "trojan-source"
    summary = "Bidirectional control character in source code (Trojan Source)"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (838,)
    fix_hint = "remove the bidirectional control characters; write them as \\u escapes where text needs them"
    bandit = ("B613",)

    def applies_to(self, file: SourceFile) -> bool:
        return file.is_python

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        if _BIDI.search(document.text) is None:
            return
        for number, line in enumerate(document.lines, start=1):
            match = _BIDI.search(line)
            if match is None:
                continue
            shown = line.encode("ascii", "backslashreplace").decode("ascii").rstrip()[:400]
            yield ctx.finding(
                self,
                number,
                f"bidirectional control character U+{ord(match.group()):04X}: the line may read otherwise than it runs",
                column=match.start() + 1,
                snippet=shown,
            )
