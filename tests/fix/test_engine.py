"""The fix rounds, driven by a stand-in scan: what is kept, what is dropped and why, and when the rounds stop."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from bastion.core.fix import Applicability, Edit
from bastion.core.notice import Notice, NoticeKind
from bastion.core.result import ScanResult
from bastion.fix.engine import FixSettings, run_fixes
from tests.fix.support import finding_with

# name( -> (code, replacement, applicability): the stand-in "rules". A replacement None means display-only.
RULES: dict[str, tuple[str, str | None, Applicability]] = {
    "bad": ("PAT900", "good", Applicability.SAFE),
    "broken": ("PAT901", "broken((", Applicability.SAFE),
    "noisy": ("PAT902", "quiet", Applicability.SAFE),
    "quiet": ("PAT903", None, Applicability.DISPLAY_ONLY),
    "stubborn": ("PAT904", "stubborn ", Applicability.SAFE),
    "risky": ("PAT905", "careful", Applicability.UNSAFE),
    # Its edit takes the parenthesis too, so it touches a fix of the first argument.
    "outer": ("PAT906", "good(", Applicability.SAFE),
}
CALL = re.compile(r"\b(" + "|".join(RULES) + r")\s*\(")


def fake_scan(root: Path, overlay: Mapping[str, str]) -> ScanResult:
    findings = []
    notices = []
    for path in sorted(root.glob("*.py")):
        rel = path.name
        text = overlay.get(rel, path.read_text(encoding="utf-8"))
        if "((" in text:
            notices.append(Notice(NoticeKind.PARSE_ERROR, "could not parse", rel))
            continue
        for number, line in enumerate(text.split("\n"), start=1):
            for match in CALL.finditer(line):
                code, replacement, applicability = RULES[match.group(1)]
                column = match.start() + 1
                width = len(match.group(0)) if match.group(1) == "outer" else len(match.group(1))
                edits = [] if replacement is None else [Edit(number, column, number, column + width, replacement)]
                findings.append(
                    finding_with(
                        edits, code=code, path=rel, line=number, applicability=applicability, snippet=line.rstrip()
                    )
                )
    return ScanResult(root, findings, [], [], [], notices, [], 0, 0, 0, 0, 0.0)


def run(tmp_path: Path, source: str, applicability: Applicability = Applicability.SAFE, max_rounds: int = 25):
    (tmp_path / "app.py").write_text(source, encoding="utf-8")
    settings = FixSettings(applicability=applicability, max_rounds=max_rounds)
    return run_fixes(lambda overlay: fake_scan(tmp_path, overlay), tmp_path, [tmp_path.resolve()], settings)


def test_fixes_are_applied_in_memory_until_nothing_is_left(tmp_path: Path) -> None:
    outcome = run(tmp_path, "a = bad(1)\nb = bad(2)\n")
    assert outcome.texts["app.py"] == "a = good(1)\nb = good(2)\n"
    assert [item.code for item in outcome.applied] == ["PAT900", "PAT900"]
    assert outcome.converged and not outcome.result.findings and not outcome.dropped
    assert (tmp_path / "app.py").read_text() == "a = bad(1)\nb = bad(2)\n", "the engine itself writes nothing"


def test_a_fix_that_breaks_the_syntax_is_dropped_and_the_others_kept(tmp_path: Path) -> None:
    outcome = run(tmp_path, "a = bad(1)\nb = broken(2)\nc = bad(3)\n")
    assert outcome.texts["app.py"] == "a = good(1)\nb = broken(2)\nc = good(3)\n"
    assert [(item.code, item.reason.startswith("the result does not parse")) for item in outcome.dropped] == [
        ("PAT901", True)
    ]
    assert [finding.code for finding in outcome.result.findings] == ["PAT901"]


def test_a_fix_that_adds_a_finding_is_dropped(tmp_path: Path) -> None:
    outcome = run(tmp_path, "a = noisy(1)\nb = bad(2)\n")
    assert outcome.texts["app.py"] == "a = noisy(1)\nb = good(2)\n"
    assert [(item.code, item.reason) for item in outcome.dropped] == [
        ("PAT902", "it would add a PAT903 finding in app.py")
    ]


def test_a_fix_that_does_not_resolve_its_finding_is_dropped(tmp_path: Path) -> None:
    outcome = run(tmp_path, "a = stubborn(1)\n")
    assert outcome.texts["app.py"] == "a = stubborn(1)\n"  # put back as it was
    assert [(item.code, item.reason) for item in outcome.dropped] == [
        ("PAT904", "the PAT904 finding is still reported after it")
    ]
    assert outcome.converged


def test_unsafe_fixes_need_opting_in_and_display_only_ones_are_never_applied(tmp_path: Path) -> None:
    source = "a = risky(1)\nb = quiet(2)\n"
    safe = run(tmp_path, source)
    assert not safe.applied and safe.texts == {}
    unsafe = run(tmp_path, source, Applicability.UNSAFE)
    assert unsafe.texts["app.py"] == "a = careful(1)\nb = quiet(2)\n"
    assert [finding.code for finding in unsafe.result.findings] == ["PAT903"]


def test_the_rounds_stop_at_the_limit(tmp_path: Path) -> None:
    # Two fixes on one line touch each other: one per round.
    outcome = run(tmp_path, "a = outer(bad(1))\n", max_rounds=1)
    assert outcome.texts["app.py"] == "a = good(bad(1))\n" and not outcome.converged
    assert run(tmp_path, "a = outer(bad(1))\n").texts["app.py"] == "a = good(good(1))\n"


def test_a_file_changed_since_the_scan_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("a = bad(1)\n", encoding="utf-8")
    scanned = fake_scan(tmp_path, {})
    (tmp_path / "app.py").write_text("a = bad(1) + other\n", encoding="utf-8")
    results = iter([scanned])

    def rescan(overlay: Mapping[str, str]) -> ScanResult:
        return next(results, None) or fake_scan(tmp_path, overlay)

    outcome = run_fixes(rescan, tmp_path, [tmp_path.resolve()], FixSettings())
    assert outcome.unreadable == {"app.py": "changed while bastion was fixing it; left as it is"}
    assert not outcome.changed
