"""Input built to be slow costs time in proportion to its size, and the per-file budget stops what still is not.

Every family of `adversarial.py` is scanned by the rules that read it at a size N and at 2N; the CPU time above a
tiny file's must about double (a quadratic pass would quadruple it). N grows until the scan costs enough to be
measured, so that a cheap pass cannot hide a quadratic one. No absolute timing is asserted: each scan runs under
a generous CPU-time budget, and a cut-short notice fails the test instead of a hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from bastion.core.notice import NoticeKind
from bastion.core.result import ScanResult
from bastion.rules.base import ScanServices
from tests.hostile.adversarial import FAMILIES, Family, family, not_analysed

START_SIZE = 20_000
MAX_SIZE = 640_000
MEASURABLE = 0.06  # CPU seconds above a tiny file's: below this, the ratio is mostly noise
GROWTH_LIMIT = 3.0  # x2 in size; linear is about 2, quadratic 4
BUDGET = 60.0


def _scan(tmp_path: Path, kind: Family, size: int) -> tuple[float, ScanResult]:
    root = tmp_path / f"{kind.name}-{size}"
    target = root / kind.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(kind.build(size), encoding="utf-8")
    config = BastionConfig(select=kind.reads, max_file_size=4 * MAX_SIZE)
    options = ScanOptions(config=config, root=root, jobs=1, services=ScanServices(offline=True), file_time_limit=BUDGET)
    started = time.process_time()
    result = scan([root], options)
    return time.process_time() - started, result


def _cost(tmp_path: Path, kind: Family, size: int, runs: int = 1) -> float:
    best = float("inf")
    for _ in range(runs):
        elapsed, result = _scan(tmp_path, kind, size)
        cut = [message for _, message in not_analysed(result, NoticeKind.CUT_SHORT) if "file-time-limit" in message]
        assert not cut, f"{kind.name} at {size:,} bytes ran past {BUDGET} s of CPU: {cut[0]}"
        best = min(best, elapsed)
    return best


@pytest.mark.parametrize("kind", FAMILIES, ids=[kind.name for kind in FAMILIES])
def test_cost_grows_linearly(tmp_path: Path, kind: Family) -> None:
    floor = _cost(tmp_path, kind, 200, runs=2)
    size = START_SIZE
    single = _cost(tmp_path, kind, size) - floor
    while size < MAX_SIZE and single < MEASURABLE:
        size *= 2
        single = _cost(tmp_path, kind, size) - floor
    double = _cost(tmp_path, kind, 2 * size) - floor
    if _grows_linearly(single, double):
        return
    # A busy machine slows one run: measure again with the least of three runs each.
    single = _cost(tmp_path, kind, size, runs=3) - floor
    double = _cost(tmp_path, kind, 2 * size, runs=3) - floor
    if _grows_linearly(single, double):
        return
    # A one-off step (a bound first reached between N and 2N) makes one doubling steep; a quadratic pass is steep at
    # every scale, so the growth must stay steep from 2N to 4N too before the test fails.
    quadruple = _cost(tmp_path, kind, 4 * size, runs=3) - floor
    if _grows_linearly(double, quadruple):
        return
    pytest.fail(
        f"{kind.name}: {single:.3f} s at {size:,} bytes, {double:.3f} s at {2 * size:,} (x{double / single:.1f}), "
        f"{quadruple:.3f} s at {4 * size:,} (x{quadruple / double:.1f})"
    )


def _grows_linearly(single: float, double: float) -> bool:
    return single <= 0 or double < MEASURABLE or double / single < GROWTH_LIMIT


def test_budget_cuts_a_slow_analysis_short_and_the_scan_goes_on(tmp_path: Path) -> None:
    slow = family("py-many-names-in-function")
    root = tmp_path / "project"
    root.mkdir()
    (root / "slow.py").write_text(slow.build(400_000), encoding="utf-8")
    (root / "fine.py").write_text("import os\nos.system(input())\n", encoding="utf-8")
    config = BastionConfig(select=("TNT", "PAT"), max_file_size=4 * MAX_SIZE)
    options = ScanOptions(config=config, root=root, jobs=1, services=ScanServices(offline=True), file_time_limit=0.05)
    result = scan([root], options)
    cut = [(path, message) for path, message in not_analysed(result, NoticeKind.CUT_SHORT) if "time-limit" in message]
    assert [path for path, _ in cut] == ["slow.py"]
    assert "--file-time-limit" in cut[0][1]
    assert any(finding.location.path == "fine.py" for finding in result.findings)


def test_no_budget_means_no_limit(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "mod.py").write_text(family("py-one-name").build(50_000), encoding="utf-8")
    config = BastionConfig(select=("TNT",))
    options = ScanOptions(config=config, root=root, jobs=1, services=ScanServices(offline=True), file_time_limit=0)
    result = scan([root], options)
    assert not [message for _, message in not_analysed(result, NoticeKind.CUT_SHORT) if "time-limit" in message]


def test_cli_budget_bounds_a_hostile_file_in_every_process(tmp_path: Path) -> None:
    """The real CLI, workers included (30 files), stops the hostile file's analysis and says so."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "hostile.py").write_text(family("py-many-names-in-function").build(1_500_000), encoding="utf-8")
    for number in range(30):
        (root / f"m{number}.py").write_text(f"VALUE = {number}\n", encoding="utf-8")
    command = [sys.executable, "-m", "bastion", "scan", str(root), "--isolated", "--no-progress", "-f", "json"]
    command += ["--select", "TNT", "--jobs", "2", "--file-time-limit", "0.5"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    completed = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert "hostile.py" in completed.stdout
    assert "file-time-limit" in completed.stdout
