"""Run in a fresh interpreter by `tests/foundation/test_determinism.py` (each with its own PYTHONHASHSEED): scan
a tree once and write every report the CLI can write, byte for byte as the CLI writes them.

    python -m tests.determinism_probe ROOT OUT_DIR JOBS
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

from bastion.api import ScanRequest, run
from bastion.api.baseline import write_baseline
from bastion.api.checklist import evaluate_checklist
from bastion.cli.emitting import emit
from bastion.report import FORMATS
from bastion.report.checklist import render_checklist_json, render_checklist_markdown, render_checklist_text
from bastion.report.options import ReportOptions
from tests.conftest import make_services


def main(root: Path, out: Path, jobs: int) -> None:
    request = ScanRequest(paths=(root,), isolated=True, jobs=jobs, extend_select=("ALL",), keep_facts=True)
    result = run(request, services=make_services())
    for fmt in FORMATS:
        emit(result, ReportOptions(fmt=fmt, output=out / f"report.{fmt}"), threshold=result.fail_on)
    write_baseline(out / "baseline.json", result.findings)
    checklist = evaluate_checklist(result)
    (out / "checklist.md").write_text(render_checklist_markdown(checklist), encoding="utf-8")
    (out / "checklist.json").write_text(render_checklist_json(checklist), encoding="utf-8")
    with (out / "checklist.txt").open("w", encoding="utf-8") as handle:
        render_checklist_text(Console(file=handle, no_color=True, width=140), checklist)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
