"""Baselines: accept today's findings, report only new ones tomorrow.

The file is JSON, sorted, with no line numbers and no timestamps, so that it merges cleanly. Each entry keeps
the fingerprint (never a secret: secret findings fingerprint a hash of the value), the code, the path and the
message for humans, plus an optional `reason` and `expires` (YYYY-MM-DD) a reviewer may add by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bastion import __version__
from bastion.core import patterns
from bastion.core.atomic_write import atomic_write_text
from bastion.core.errors import UsageError
from bastion.core.finding import Finding
from bastion.core.notice import Notice, NoticeKind
from bastion.core.result import BaselineEntry
from bastion.source.files import FileReadError, read_text_file
from bastion.source.structured import DataFileError, parse_json

BASELINE_VERSION = 1


@dataclass(frozen=True)
class BaselineOutcome:
    new: list[Finding]
    accepted: list[Finding]
    stale: list[BaselineEntry]  # entries that matched nothing: the finding was fixed or the code changed
    expired: list[BaselineEntry]  # entries past their expiry date: their findings are reported again

    def expiry_notices(self) -> list[Notice]:
        return [
            Notice(
                NoticeKind.INFO,
                f"baseline entry for {entry.code} expired on {entry.expires}; reported again",
                path=entry.path,
            )
            for entry in self.expired
        ]


# `app/views.py:37` or `app/views.py:37:5` in a message: the position goes, the file stays.
_POSITION_IN_TEXT = patterns.compile(r"([\w/-]\.[A-Za-z]\w{0,9}):\d+(?::\d+)?\b")


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
        or data.get("version") != BASELINE_VERSION
        or not isinstance(data.get("findings"), list)
    ):
        raise UsageError(
            f"{path}: not a bastion baseline (version {BASELINE_VERSION} with a 'findings' list); "
            "write one with --write-baseline"
        )
    return [_entry(path, index, raw) for index, raw in enumerate(data["findings"])]


def _entry(path: Path, index: int, raw: Any) -> BaselineEntry:
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
    )


def apply_baseline(
    findings: Sequence[Finding], entries: Sequence[BaselineEntry] | None, today: dt.date | None = None
) -> BaselineOutcome:
    """Split fingerprinted findings into new and accepted ones; with no baseline (None) every finding is new."""
    if entries is None:
        return BaselineOutcome(list(findings), [], [], [])
    today = today or dt.date.today()
    live = {entry.fingerprint: entry for entry in entries if not entry.expired(today)}
    matched: set[str] = set()
    new: list[Finding] = []
    accepted: list[Finding] = []
    for finding in findings:
        if finding.fingerprint in live:
            matched.add(finding.fingerprint)
            accepted.append(finding)
        else:
            new.append(finding)
    stale = [entry for entry in entries if entry.fingerprint in live and entry.fingerprint not in matched]
    expired = [entry for entry in entries if entry.expired(today)]
    return BaselineOutcome(new, accepted, stale, expired)
