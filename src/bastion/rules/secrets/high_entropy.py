"""SEC204: a random-looking string next to a secret-like name, in any non-Python text file."""

from __future__ import annotations

from collections.abc import Iterator

from bastion.core.finding import Finding
from bastion.core.severity import Confidence, Severity
from bastion.rules.base import TextContext, TextRule
from bastion.rules.secrets.support import FIX_HINT, SUPERSEDED_CONFIGURATION_RULES, is_text_file, text_findings
from bastion.source.discovery import SourceFile
from bastion.source.reading import TextDocument


class HighEntropySecret(TextRule):
    """## What it does
    In any text file that is not Python source (Markdown, text, HTML, JavaScript, XML, notebook outputs and
    markdown cells, and config lines the `key = value` reader does not cover), reports a random-looking token
    (16 characters or more, letters mixed with digits, entropy close to that of a random string of the same
    length and alphabet) that stands within a few words after a secret-like name or an auth scheme
    (`api_key`, `token:`, `Authorization: Bearer …`). UUIDs, hex digests named as hashes, lock-file integrity
    values, URL paths and keyboard runs are not reported. Python source is left to SEC201, which reads the
    syntax tree instead.

    ## Why is this bad?
    Keys of providers no rule knows still leak: an internal service's token pasted into a README, a bearer
    token left in a notebook output, a key in an HTML page's inline script.

    ## Example
    ```text
    To call the staging API, send the header Authorization: Bearer 9fK2xQ7mLp4Zt8Wv3Nc6Rb1Y
    ```

    ## Use instead
    ```text
    To call the staging API, send the header Authorization: Bearer $STAGING_TOKEN (ask #ops for one).
    ```

    ## References
    - [detect-secrets: high entropy strings](https://github.com/Yelp/detect-secrets#plugins)
    - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    """

    code = "SEC204"
    supersedes = SUPERSEDED_CONFIGURATION_RULES
    slug = "high-entropy-secret"
    summary = "a random-looking string next to a secret-like name, in a non-Python text file"
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM
    cwe = (798,)
    fix_hint = FIX_HINT
    tags = ("secrets",)

    def applies_to(self, file: SourceFile) -> bool:
        return is_text_file(file) and not file.is_python

    def check_text(self, document: TextDocument, ctx: TextContext) -> Iterator[Finding]:
        if document.is_python:
            return iter(())
        return text_findings(self, document, ctx)
