"""Bad input never stops the scan: each problem is one clear notice, and never a traceback."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

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


def test_a_defect_in_one_files_passes_costs_that_file_not_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pass outside the rules (suppression comments, the semantic index, collectors) that raises must end in an
    # internal-error notice for that file while every other file is still analysed and reported.
    from bastion.api import engine

    real = engine.find_suppressions

    def failing(text: str, python_tree: object = None) -> object:
        if "TRIGGER" in text:
            raise AttributeError("simulated defect")
        return real(text, python_tree=python_tree)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "find_suppressions", failing)
    root = write_tree(
        tmp_path / "project",
        {
            "trigger.py": "TRIGGER = 1\n",
            "good.py": "import subprocess\nsubprocess.run(cmd, shell=True)\n",
        },
    )
    result = run_cli("scan", str(root), "-f", "json", "--isolated", "--jobs", "1", "--no-cache")
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    assert ("good.py", "PAT301") in {(f["path"], f["code"]) for f in report["findings"]}
    crashed = [n for n in report["notices"] if n["kind"] == "internal-error"]
    assert [n["path"] for n in crashed] == ["trigger.py"]
    assert "simulated defect" in crashed[0]["message"] and "suppression comments" in crashed[0]["message"]


def test_a_lone_surrogate_escape_in_a_string_is_read_like_any_other(tmp_path: Path) -> None:
    # `"\udcad"` written as an escape makes a str that cannot be encoded as UTF-8; secret, pattern and taint rules
    # crashed on it (seen in a real app's tests), leaving the scan incomplete.
    source = """\
        import os
        from flask import Flask, request
        app = Flask(__name__)
        app.secret_key = "s3cr\\udcadet-key-value-123456"
        PASSWORD = "hunter\\udcad2hunter2"
        BODY = '<p>Hello \\udcad World</p>'

        @app.route("/run")
        def run():
            os.system("ls \\udcad" + request.args["q"])
        """
    root = write_tree(tmp_path / "project", {"app.py": source})
    result = run_cli("scan", str(root), "-f", "json", "--isolated", "--jobs", "1", "--no-cache")
    report = json.loads(result.stdout)
    assert report["notices"] == [], report["notices"]
    found = {f["code"] for f in report["findings"]}
    assert {"SEC201", "SEC202", "TNT102"} <= found, found


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running parser accepts Python 3.12 syntax")
def test_newer_python_syntax_is_named_in_the_not_parsed_finding(tmp_path: Path) -> None:
    # A project written for Python 3.12 scanned by bastion on 3.11: the file cannot be parsed by this interpreter,
    # and the finding must say why and what to do, not only "invalid syntax".
    root = write_tree(
        tmp_path / "project",
        {
            "generic.py": "def first[T](items: list[T]) -> T:\n    return items[0]\n",
            "alias.py": "type Pair = tuple[int, int]\n",
            "broken.py": "def broken(:\n    pass\n",
            "quotes.py": 'row = {\'a\': 1}\nname = f"{row["a"]}"\n',
            "broken_fstring.py": "name = f'{x}' +\n",
        },
    )
    result = run_cli("scan", str(root), "-f", "json", "--isolated", "--jobs", "1", "--no-cache")
    report = json.loads(result.stdout)
    messages = {f["path"]: f["message"] for f in report["findings"] if f["code"] == "BST103"}
    assert "this is Python 3.12 syntax (type parameters, PEP 695)" in messages["generic.py"]
    assert "run bastion with Python 3.12 or newer to analyse it" in messages["generic.py"]
    assert "this is Python 3.12 syntax (a type alias statement, PEP 695)" in messages["alias.py"]
    assert "this is Python 3.12 syntax (an f-string that reuses its quotes" in messages["quotes.py"]
    assert "this is Python" not in messages["broken.py"]
    assert "this is Python" not in messages["broken_fstring.py"]  # an f-string on a line broken otherwise
