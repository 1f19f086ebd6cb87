"""The shape of advisory ids a Python dependency audit meets (OSV's PyPI data and the aliases in it), so that a
suppression comment or an ignore entry naming one can be told from a typo."""

from __future__ import annotations

from bastion.core import patterns

# Each database's own id grammar (OSV schema "id" prefixes that PyPI records use, and CVE for aliases).
_ADVISORY_ID = patterns.compile(
    r"^(?:"
    r"PYSEC-\d{4}-\d+"
    r"|GHSA(?:-[23456789CFGHJMPQRVWX]{4}){3}"
    r"|CVE-\d{4}-\d{4,}"
    r"|(?:MAL|PSF|OSV|GSD)-\d{4}-\d+"
    r"|BIT-[A-Z0-9][A-Z0-9_.-]*-\d{4}-\d+"
    r")$",
    ignore_case=True,
)
EXAMPLES = "PYSEC-2018-28, GHSA-xxxx-xxxx-xxxx, CVE-2019-1010083"


def is_advisory_id(text: str) -> bool:
    return bool(_ADVISORY_ID.match(text))


def same_advisory(first: str, second: str) -> bool:
    """Advisory ids compare without regard to case (`GHSA-abcd-…` is `ghsa-abcd-…`)."""
    return first.casefold() == second.casefold()
