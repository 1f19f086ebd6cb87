"""Fix fixtures: code before, the code `bastion fix` must make of it, and what must stay reported.

`tests/fixes/<CODE>/` holds cases. A case is a file (`loaders.py`) or a folder (a small project: `no_user/`
with a `Dockerfile`; its `bastion.toml`, if any, is the configuration). Each file a fix must change has its
expected text beside it, named `<file>.fixed`; a file without one must come out unchanged. A case whose name
starts with `unsafe_` is fixed with `--unsafe-fixes` (and must not change at all without it); the others with
safe fixes only.

The expected files carry inline markers, as the rule fixtures do: `# $ CODE` on a line that must still be
reported after fixing (no fix is offered there: a custom YAML loader, a command with shell syntax ...), `# ok` on
a line that must be clean. The markers are checked on the scan of the fixed code.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from bastion.api import ScanRequest
from bastion.api.fixing import FixReport, fix
from bastion.core.fix import Applicability
from bastion.fix.engine import FixSettings
from bastion.rules.base import ScanServices
from tests.harness import read_expectations

FIXES = Path(__file__).resolve().parent.parent / "fixes"
EXPECTED_SUFFIX = ".fixed"
# Markers are comments the fix leaves alone: the texts are compared without them.
_MARKER = re.compile(r"\s*(#|\{#)\s*(\$|ok\b).*$")


@dataclass(frozen=True)
class FixCase:
    code: str
    source: Path

    @property
    def name(self) -> str:
        return f"{self.code}/{self.source.name}"

    @property
    def unsafe(self) -> bool:
        return self.source.name.startswith("unsafe_")

    def expected(self) -> dict[str, str]:
        """Expected text by path in the project, for the files a fix must change."""
        if self.source.is_file():
            expected = self.source.with_name(self.source.name + EXPECTED_SUFFIX)
            return {self.source.name: expected.read_text(encoding="utf-8")} if expected.is_file() else {}
        return {
            path.relative_to(self.source).as_posix()[: -len(EXPECTED_SUFFIX)]: path.read_text(encoding="utf-8")
            for path in sorted(self.source.rglob(f"*{EXPECTED_SUFFIX}"))
        }


def fix_cases() -> list[FixCase]:
    cases = []
    for folder in sorted(path for path in FIXES.iterdir() if path.is_dir()):
        for entry in sorted(folder.iterdir()):
            if entry.name.endswith(EXPECTED_SUFFIX) or entry.name in ("README.md", "bastion.toml"):
                continue
            cases.append(FixCase(folder.name, entry))
    return cases


def copy_case(case: FixCase, project: Path) -> None:
    if case.source.is_file():
        project.mkdir(parents=True)
        shutil.copy2(case.source, project / case.source.name)
    else:
        shutil.copytree(case.source, project, ignore=shutil.ignore_patterns(f"*{EXPECTED_SUFFIX}"))


def run_fix(
    case: FixCase, project: Path, applicability: Applicability, services: ScanServices | None = None
) -> FixReport:
    # A folder case may hold a `bastion.toml` (the values a fix writes, say); a file case runs without one.
    isolated = not (project / "bastion.toml").is_file()
    request = ScanRequest(paths=(project,), select=(case.code,), isolated=isolated, jobs=1)
    settings = FixSettings(applicability=applicability)
    return fix(request, settings, services=services or ScanServices(offline=True))


def check_case(case: FixCase, workspace: Path, services: ScanServices | None = None) -> list[str]:
    """Problems with one case, one sentence each; empty when the fix does exactly what the case says."""
    problems: list[str] = []
    project = workspace / "project"
    copy_case(case, project)
    before = {path.relative_to(project).as_posix(): path.read_bytes() for path in project.rglob("*") if path.is_file()}
    applicability = Applicability.UNSAFE if case.unsafe else Applicability.SAFE
    report = run_fix(case, project, applicability, services)
    expected = case.expected()
    marked = workspace / "expected"
    for rel, original in sorted(before.items()):
        now = (project / rel).read_text(encoding="utf-8")
        if rel in expected and without_markers(now) != without_markers(expected[rel]):
            problems.append(f"{case.name}: {rel} after fixing differs from {rel}{EXPECTED_SUFFIX}:\n{now}")
        elif rel not in expected and now.encode("utf-8") != original:
            problems.append(f"{case.name}: {rel} was changed, and has no {rel}{EXPECTED_SUFFIX}:\n{now}")
        (marked / rel).parent.mkdir(parents=True, exist_ok=True)
        (marked / rel).write_text(expected.get(rel, now), encoding="utf-8")
    for dropped in report.outcome.dropped:
        problems.append(f"{case.name}: a fix was dropped: {dropped}")
    if not report.outcome.converged:
        problems.append(f"{case.name}: the fix rounds did not converge")
    # The markers of the expected files say what the scan of the fixed code must still report.
    expectations = read_expectations(marked, case.code)
    found = {(f.location.path, f.location.line, f.code) for f in report.result.findings if f.code == case.code}
    for item in sorted(expectations.expected - found):
        problems.append(f"{case.name}: {item[0]}:{item[1]} should still report {case.code} after fixing")
    for item in sorted(found - expectations.expected):
        problems.append(f"{case.name}: {item[0]}:{item[1]} still reports {case.code} after fixing (no marker)")
    for path, line in sorted(expectations.ok_lines):
        if (path, line, case.code) in found:
            problems.append(f"{case.name}: {path}:{line} is marked ok but is reported")
    if case.unsafe:
        problems.extend(_unsafe_case_needs_opt_in(case, workspace / "safe-only", services))
    return problems


def without_markers(text: str) -> str:
    return "\n".join(_MARKER.sub("", line) for line in text.split("\n"))


def _unsafe_case_needs_opt_in(case: FixCase, project: Path, services: ScanServices | None) -> list[str]:
    copy_case(case, project)
    report = run_fix(case, project, Applicability.SAFE, services)
    if report.outcome.changed:
        return [f"{case.name}: safe fixes alone changed {', '.join(report.outcome.changed)}"]
    return []
