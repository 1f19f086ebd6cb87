"""Baselines: accept today's findings, report only new ones tomorrow.

The file is JSON, sorted, with no line numbers and no timestamps, so that it merges cleanly. Each entry keeps
the fingerprint (never a secret: secret findings fingerprint a hash of the value), the code, the path and the
message for humans, plus an optional `reason` and `expires` (YYYY-MM-DD) a reviewer may add by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bastion import __version__
from bastion.core import patterns
from bastion.core.atomic_write import atomic_write_text
from bastion.core.errors import UsageError
from bastion.core.finding import Finding
from bastion.core.notice import Notice, NoticeKind
from bastion.core.result import BaselineEntry
from bastion.core.secret_identity import FINGERPRINT_PREFIX
from bastion.source.files import FileReadError, read_text_file
from bastion.source.structured import DataFileError, parse_json

# Version 2: secret fingerprints are scrypt of the value salted with the path (core/secret_identity.py), no
# longer SHA-256. Version 1 files are still read; their secret entries are matched by rule, file and message.
BASELINE_VERSION = 2
_READABLE_VERSIONS = (1, 2)


@dataclass(frozen=True)
class BaselineOutcome:
    new: list[Finding]
    accepted: list[Finding]
    stale: list[BaselineEntry]  # entries that matched nothing: the finding was fixed or the code changed
    expired: list[BaselineEntry]  # entries past their expiry date: their findings are reported again
    # Version 1 entries matched to secret findings by rule, file and message (their fingerprints changed).
    migrated: list[BaselineEntry] = field(default_factory=list)

    def notices(self) -> list[Notice]:
        notices = [
            Notice(
                NoticeKind.INFO,
                f"baseline entry for {entry.code} expired on {entry.expires}; reported again",
                path=entry.path,
            )
            for entry in self.expired
        ]
        if self.migrated:
            count = len(self.migrated)
            notices.append(
                Notice(
                    NoticeKind.INFO,
                    f"the baseline is a version 1 file: {count} secret finding(s) it accepts were matched by rule, "
                    "file and message, because secret fingerprints are now slow and salted (a plain SHA-256 let "
                    "anyone holding the file confirm a guessed secret); rewrite it with --write-baseline to keep "
                    "them matched by fingerprint",
                )
            )
        return notices


# `app/views.py:37` or `app/views.py:37:5` in a message: the position goes, the file stays.
_POSITION_IN_TEXT = patterns.compile(r"([\w/-]\.[A-Za-z]\w{0,9}):\d+(?::\d+)?\b")


# A redacted secret quoted in a message (`wJal…(42 chars)`, `dev…`): how much is shown changed between versions.
_QUOTED_REDACTION = patterns.compile(r"`[^`]*…[^`]*`")


def _without_redactions(message: str) -> str:
    return _QUOTED_REDACTION.sub("`…`", message)


def stored_message(message: str) -> str:
    """The message as a baseline keeps it: without line numbers, so that moving code changes nothing in the file."""
    return _POSITION_IN_TEXT.sub(r"\1", message)


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    entries = sorted(
        (
            {
                "fingerprint": f.fingerprint,
                "code": f.code,
                "path": f.location.path,
                "message": stored_message(f.message),
            }
            for f in findings
        ),
        key=lambda entry: (entry["path"], entry["code"], entry["fingerprint"]),
    )
    document = {"version": BASELINE_VERSION, "tool": f"bastion {__version__}", "findings": entries}
    try:
        # All at once or not at all: a failure half-way must not destroy the baseline already accepted.
        atomic_write_text(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None
    return len(entries)


def read_baseline(path: Path) -> list[BaselineEntry]:
    try:
        data = parse_json(read_text_file(path, follow_symlinks=True))
    except FileReadError as exc:
        raise UsageError(f"{path}: {exc.reason}; a baseline must be a regular file") from None
    except FileNotFoundError:
        raise UsageError(f"{path}: baseline file not found; create it with --write-baseline {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the baseline: {exc}") from None
    except DataFileError as exc:
        raise UsageError(f"{path}: the baseline is {exc}") from None
    if (
        not isinstance(data, dict)
        or data.get("version") not in _READABLE_VERSIONS
        or not isinstance(data.get("findings"), list)
    ):
        raise UsageError(
            f"{path}: not a bastion baseline (version {BASELINE_VERSION} with a 'findings' list); "
            "write one with --write-baseline"
        )
    legacy = data["version"] < BASELINE_VERSION
    return [_entry(path, index, raw, legacy) for index, raw in enumerate(data["findings"])]


def _entry(path: Path, index: int, raw: Any, legacy: bool = False) -> BaselineEntry:
    if not isinstance(raw, dict) or not isinstance(raw.get("fingerprint"), str):
        raise UsageError(f"{path}: findings[{index}] has no 'fingerprint' string")
    expires = raw.get("expires")
    expiry: dt.date | None = None
    if expires not in (None, ""):
        try:
            expiry = dt.date.fromisoformat(str(expires))
        except ValueError:
            raise UsageError(f"{path}: findings[{index}].expires must be a date YYYY-MM-DD, got {expires!r}") from None
    return BaselineEntry(
        fingerprint=raw["fingerprint"],
        code=str(raw.get("code", "")),
        path=str(raw.get("path", "")),
        message=str(raw.get("message", "")),
        reason=str(raw.get("reason", "")),
        expires=expiry,
        legacy=legacy,
    )


def apply_baseline(
    findings: Sequence[Finding], entries: Sequence[BaselineEntry] | None, today: dt.date | None = None
) -> BaselineOutcome:
    """Split fingerprinted findings into new and accepted ones; with no baseline (None) every finding is new."""
    if entries is None:
        return BaselineOutcome(list(findings), [], [], [])
    today = today or dt.date.today()
    live = {entry.fingerprint: entry for entry in entries if not entry.expired(today)}
    # Version 1 secret entries by what they still share with today's finding: rule, file, message (redacted).
    by_description = {
        (entry.code, entry.path, _without_redactions(entry.message)): entry for entry in live.values() if entry.legacy
    }
    matched: set[str] = set()
    migrated: list[BaselineEntry] = []
    new: list[Finding] = []
    accepted: list[Finding] = []
    for finding in findings:
        if finding.fingerprint in live:
            matched.add(finding.fingerprint)
            accepted.append(finding)
            continue
        described = (finding.code, finding.location.path, _without_redactions(stored_message(finding.message)))
        legacy = by_description.get(described)
        if legacy is not None and finding.context.startswith(FINGERPRINT_PREFIX) and legacy.fingerprint not in matched:
            matched.add(legacy.fingerprint)
            migrated.append(legacy)
            accepted.append(finding)
        else:
            new.append(finding)
    stale = [entry for entry in entries if entry.fingerprint in live and entry.fingerprint not in matched]
    expired = [entry for entry in entries if entry.expired(today)]
    return BaselineOutcome(new, accepted, stale, expired, migrated)
