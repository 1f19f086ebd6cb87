"""The same input gives the same bytes: in every report format, the baseline and the checklist, whatever the hash
seed and the number of worker processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.foundation.conftest import write_tree

REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLE = REPOSITORY / "examples" / "vulnerable-flask-app"
SEEDS = ("0", "1", "2")
JOBS = ("1", "2")

# Six routes reach one logging helper through paths of the same length: which one a finding shows used to depend
# on the order a set of labels came out in.
HELPER = """\
    import logging

    log = logging.getLogger(__name__)


    def record(value):
        log.error("bad value %s", value)
    """
VIEW = """\
    from flask import Flask, request

    from shop.helpers import record

    app = Flask(__name__)


    @app.route("/{name}")
    def view_{name}():
        value = request.args["{name}"]
        record(value)
        return "ok"
    """


def _tree(root: Path) -> Path:
    shutil.copytree(EXAMPLE, root)
    files = {"shop/__init__.py": "", "shop/helpers.py": HELPER}
    files.update({f"shop/views_{name}.py": VIEW.format(name=name) for name in "abcdef"})
    return write_tree(root, files)


def test_reports_are_byte_identical_across_hash_seeds_and_jobs(tmp_path: Path) -> None:
    root = _tree(tmp_path / "project")
    runs: dict[tuple[str, str], Path] = {}
    started = []
    for seed in SEEDS:
        for jobs in JOBS:
            out = tmp_path / f"seed{seed}-jobs{jobs}"
            out.mkdir()
            runs[(seed, jobs)] = out
            # The GitLab report must carry the scan's times (its schema says so); the reproducible-builds
            # convention pins them.
            environment = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1700000000"}
            command = [sys.executable, "-m", "tests.determinism_probe", str(root), str(out), jobs]
            started.append(subprocess.Popen(command, cwd=REPOSITORY, env=environment, stderr=subprocess.PIPE))
    for process in started:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr.decode()
    reference = runs[(SEEDS[0], JOBS[0])]
    names = sorted(path.name for path in reference.iterdir())
    assert len(names) == 11 and "report.gitlab" in names and "report.junit" in names and "checklist.md" in names
    assert "TNT601" in (reference / "report.json").read_text(), "the tree exercises the taint paths"
    for key, out in runs.items():
        assert sorted(path.name for path in out.iterdir()) == names
        for name in names:
            assert (out / name).read_bytes() == (reference / name).read_bytes(), f"{name} differs for seed/jobs {key}"
