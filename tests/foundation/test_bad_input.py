"""Bad input never stops the scan: each problem is one clear notice, and never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.foundation.conftest import run_cli, write_tree


def test_a_tree_of_bad_files_scans_to_the_end(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "project",
        {
            "syntax_error.py": "def broken(:\n    pass\n",
            "latin1.py": "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\nimport os\nos.system(name)\n".encode("latin-1"),
            "undecodable.py": b"name = '\xff\xfe caf\xe9'\n",
            "huge.py": b"x = 1\n" * (10 * 1024 * 1024 // 6 + 1),
            "binary.py": b"\x7fELF\x00\x00\x01\x02",
            "deep.py": "x = " + "(" * 3000 + "1" + ")" * 3000 + "\n",
            "good.py": "import subprocess\nsubprocess.run(cmd, shell=True)\n",
        },
    )
    os.symlink(root / "loop2", root / "loop1")
    os.symlink(root / "loop1", root / "loop2")
    os.symlink("/etc", root / "etc_link")
    result = run_cli("scan", str(root), "-f", "json", "--isolated")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    by_path = {(n["path"], n["kind"]) for n in report["notices"]}
    assert ("loop1", "symlink") in by_path and ("loop2", "symlink") in by_path
    assert ("etc_link", "symlink") in by_path
    found = {(f["path"], f["code"]) for f in report["findings"]}
    # What could not be analysed is a finding (BST1xx), not only a notice: --fail-on and SARIF see it.
    not_analysed = {(f["path"], f["properties"].get("notice_kind"), f["code"]) for f in report["findings"]}
    assert ("syntax_error.py", "parse-error", "BST103") in not_analysed
    assert ("undecodable.py", "decode-error", "BST102") in not_analysed
    assert ("huge.py", "too-large", "BST101") in not_analysed
    assert ("binary.py", "binary", "BST102") in not_analysed
    assert ("deep.py", "parse-error", "BST103") in not_analysed
    assert ("latin1.py", "PAT302") in found, "a Latin-1 file with a coding cookie is decoded and scanned"
    assert ("good.py", "PAT301") in found
    syntax = next(f for f in report["findings"] if f["path"] == "syntax_error.py")
    assert syntax["line"] == 1 and "could not parse" in syntax["message"]
    assert not any(n["blocking"] for n in report["notices"])

    text = run_cli("scan", str(root), "--isolated")
    assert "Traceback" not in text.stderr and "Notices (" in text.stdout
