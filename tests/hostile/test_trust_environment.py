"""Attack: make bastion put its own environment (CI's secrets) into a report or an advisory query.

pip fills `${VAR}` in requirements files from its environment, and bastion did the same with its own: a pull
request naming `${AWS_SECRET_ACCESS_KEY}` as a package got the value printed in full and sent to the advisory
server as a package name. Nothing from the scanned tree is expanded from bastion's environment now; such lines are
reported as not audited (BST108).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import OSV_TEST_DATA
from tests.deps.osv_server import FakeOsv, load_records, serve
from tests.hostile.trust_support import every_format, write_files

PLANTED = "ci-secret-" + "4f1d9c2e7b"  # what CI would hold in its environment


@dataclass
class _RecordingOsv(FakeOsv):
    """The fake OSV server, keeping every batch query it receives."""

    bodies: list[Any] = field(default_factory=list)

    def batch(self, body: Mapping[str, Any]) -> dict[str, Any]:
        self.bodies.append(body)
        return super().batch(body)


def test_the_environment_never_reaches_a_report_or_the_advisory_server(tmp_path: Path) -> None:
    project = write_files(
        tmp_path / "project",
        {
            "requirements.txt": (
                "${CI_DEPLOY_TOKEN}==1.0\n"
                "django==${CI_DEPLOY_TOKEN}\n"
                "-r ${CI_DEPLOY_TOKEN}.txt\n"
                "--extra-index-url https://${CI_DEPLOY_TOKEN}@pypi.example.invalid/simple\n"
                "flask==0.12.2\n"
            ),
            "pyproject.toml": (
                '[project]\nname = "app"\nversion = "1"\ndependencies = ["requests==${CI_DEPLOY_TOKEN}"]\n'
            ),
            "app.py": 'import os\nTOKEN = os.path.expandvars("${CI_DEPLOY_TOKEN}")\nHOME = os.path.expanduser("~")\n',
        },
    )
    osv = _RecordingOsv(load_records(OSV_TEST_DATA))
    with serve(osv) as url:
        outputs = every_format(
            ["scan", str(project), "--isolated", "--osv-url", url, "--cache-dir", str(tmp_path / "cache")],
            home=tmp_path / "home",
            out_dir=tmp_path,
            env={"CI_DEPLOY_TOKEN": PLANTED, "HOME": str(tmp_path / "home")},
        )
    for fmt, (code, text) in outputs.items():
        assert PLANTED not in text, f"{fmt}: the environment's value reached the report"
        assert code == 1, fmt
        assert "BST108" in text and "${CI_DEPLOY_TOKEN}" in text, f"{fmt}: the unexpanded line is not reported"
        assert "PYSEC-2018-66" in text or "flask" in text  # the rest of the file is still audited
    asked = json.dumps(osv.bodies) + " ".join(path for _, path in osv.requests)
    assert PLANTED not in asked, "the environment's value was sent to the advisory server"
    assert '"flask"' in asked, "the audit asked nothing"
