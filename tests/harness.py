"""Inline-expectation fixtures, as CodeQL's library tests do them.

A fixture folder `tests/fixtures/<CODE>/` is a small project scanned with only rule CODE selected.
On the line where the finding must be reported, a comment says so:

    eval(user_input)              # $ PAT101
    eval(config_value)            # $ MISSING: PAT101   (a known gap: fails once the rule starts finding it)
    int(x)                        # $ SPURIOUS: PAT101  (a known false alarm: fails once it stops)
    eval("1 + 2")                 # ok: a constant string

`# ok` marks a line that must stay clean; every fixture folder has some (the meta-tests check).
Files that cannot hold comments (JSON, notebooks) list expectations in `<file>.expected`, one `LINE CODE`
(or `LINE MISSING: CODE`, `LINE SPURIOUS: CODE`, `LINE ok`) per line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from bastion.core.result import ScanResult
from bastion.deps.advisory import Advisory
from bastion.deps.model import PackageVersion
from bastion.deps.services.interface import ServiceUnavailable, VulnerabilityService
from bastion.rules.base import ScanServices

FIXTURES = Path(__file__).parent / "fixtures"
_MARKER = re.compile(r"#\s*\$\s*(?P<body>[^#\n]*)")
_OK = re.compile(r"#\s*ok\b")
_CODE = re.compile(r"\b[A-Z]{3}\d{3}\b")


@dataclass
class Expectations:
    expected: set[tuple[str, int, str]] = field(default_factory=set)
    missing: set[tuple[str, int, str]] = field(default_factory=set)
    spurious: set[tuple[str, int, str]] = field(default_factory=set)
    ok_lines: set[tuple[str, int]] = field(default_factory=set)

    def add(self, path: str, line: int, body: str) -> None:
        body = body.strip()
        target = self.expected
        if body.startswith("MISSING:"):
            target, body = self.missing, body[len("MISSING:") :]
        elif body.startswith("SPURIOUS:"):
            target, body = self.spurious, body[len("SPURIOUS:") :]
        for code in _CODE.findall(body):
            target.add((path, line, code))


def read_expectations(folder: Path, code: str) -> Expectations:
    expectations = Expectations()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".md"):
        rel = path.relative_to(folder).as_posix()
        if rel.endswith(".expected"):
            target = rel[: -len(".expected")]
            for raw in path.read_text(encoding="utf-8").splitlines():
                number, _, body = raw.strip().partition(" ")
                if not number.isdigit():
                    continue
                if body.strip() == "ok":
                    expectations.ok_lines.add((target, int(number)))
                else:
                    expectations.add(target, int(number), body)
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            match = _MARKER.search(line)
            if match:
                expectations.add(rel, number, match.group("body"))
            if _OK.search(line):
                expectations.ok_lines.add((rel, number))
    for bucket in (expectations.expected, expectations.missing, expectations.spurious):
        for item in [item for item in bucket if item[2] != code]:
            bucket.discard(item)
    return expectations


def scan_fixture(folder: Path, code: str, services: ScanServices | None = None) -> ScanResult:
    config_file = folder / "bastion.toml"
    table: dict[str, object] = {}
    if config_file.is_file():
        from bastion.api.config_loader import read_table

        table = read_table(config_file)
    overrides: dict[str, object] = {"select": [code]}
    if code.startswith("BST"):
        # Whether a suppression is unused depends on the rules it names having run; what was not analysed, on
        # the rules that would have read it.
        overrides["extend-select"] = ["ALL"]
    config = BastionConfig.model_validate({**table, **overrides})
    special = _FIXTURE_SERVICES.get(code)
    return scan(
        [folder],
        ScanOptions(
            config=config,
            root=folder,
            jobs=1,
            services=special() if special is not None else services or ScanServices(offline=True),
            report_unused_suppressions=code == "BST001",
            config_path=config_file if config_file.is_file() else None,
        ),
    )


class _UnreachableAdvisories(VulnerabilityService):
    """An advisory source that cannot be reached, for the fixtures of the rule that reports it (BST106)."""

    @property
    def description(self) -> str:
        return "OSV (http://127.0.0.1:9, a closed port)"

    def query(self, packages: Sequence[PackageVersion]) -> Mapping[PackageVersion, tuple[Advisory, ...]]:
        raise ServiceUnavailable(f"{self.description} could not be reached: connection refused (3 attempts)")


# Rules whose fixtures need other services than the offline test data.
_FIXTURE_SERVICES: dict[str, Callable[[], ScanServices]] = {
    "BST106": lambda: ScanServices(vulnerabilities=_UnreachableAdvisories()),
    "BST107": lambda: ScanServices(offline=True),
}


def found_lines(result: ScanResult, code: str) -> set[tuple[str, int, str]]:
    return {(f.location.path, f.location.line, f.code) for f in result.findings if f.code == code}


def check_fixture(folder: Path, code: str, services: ScanServices | None = None) -> list[str]:
    """Problems with a fixture run, one sentence each; empty when the rule behaves as the markers say."""
    expectations = read_expectations(folder, code)
    result = scan_fixture(folder, code, services)
    found = found_lines(result, code)
    problems = []
    for item in sorted(expectations.expected - found):
        problems.append(f"{_where(item)}: expected {code}, not reported")
    for item in sorted(found - expectations.expected - expectations.spurious):
        message = next((f.message for f in result.findings if (f.location.path, f.location.line, f.code) == item), "")
        problems.append(f"{_where(item)}: unexpected {code}: {message}")
    for item in sorted(expectations.missing & found):
        problems.append(f"{_where(item)}: marked MISSING but now reported: turn the marker into `# $ {code}`")
    for item in sorted(expectations.spurious - found):
        problems.append(f"{_where(item)}: marked SPURIOUS but no longer reported: remove the marker")
    crashes = [n for n in result.notices if n.kind.value == "internal-error"]
    problems.extend(f"internal error: {n.render()}" for n in crashes)
    return problems


def _where(item: tuple[str, int, str]) -> str:
    return f"{item[0]}:{item[1]}"


def fixture_codes() -> Iterable[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and _CODE.fullmatch(p.name))
