"""The taint engine end to end on small projects: paths, reach across modules, precision, options, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from bastion.core.result import ScanResult
from bastion.core.severity import Severity
from bastion.report.formats import render
from tests.conftest import make_services


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return tmp_path


def _scan(root: Path, **config: object) -> ScanResult:
    settings = BastionConfig.model_validate({"select": ["TNT"], **config})
    return scan([root], ScanOptions(config=settings, root=root, jobs=1, services=make_services()))


def _found(result: ScanResult) -> set[tuple[str, int, str]]:
    return {(f.location.path, f.location.line, f.code) for f in result.findings}


VIEWS = """\
from flask import Flask, request
from app import find

app = Flask(__name__)


@app.route("/books")
def books():
    return str(find(request.args["title"]))
"""

DB = """\
import sqlite3


def find(title):
    return run("SELECT * FROM books WHERE title = '" + title + "'")


def run(sql):
    return sqlite3.connect("db").execute(sql).fetchall()
"""


def test_a_path_across_modules_through_a_package_reexport(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"app/__init__.py": "from app.db import find\n", "app/db.py": DB, "app/views.py": VIEWS},
    )
    result = _scan(root)
    assert _found(result) == {("app/db.py", 9, "TNT101")}
    finding = result.findings[0]
    steps = [(step.location.path, step.location.line) for step in finding.flow]
    assert steps[0] == ("app/views.py", 9)  # the source first
    assert steps[-1] == ("app/db.py", 9)  # the sink last
    assert ("app/db.py", 4) in steps and ("app/db.py", 8) in steps  # through find() and run()
    assert "flask.request.args" in finding.message
    assert all(step.snippet for step in finding.flow)


def test_sarif_carries_the_path_as_a_code_flow(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/__init__.py": "from app.db import find\n", "app/db.py": DB, "app/views.py": VIEWS})
    document = json.loads(render(_scan(root), "sarif", threshold=Severity.LOW))
    result = document["runs"][0]["results"][0]
    locations = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert len(locations) >= 4
    assert locations[0]["location"]["physicalLocation"]["artifactLocation"]["uri"] == "app/views.py"


RECURSIVE = """\
import os
from flask import Flask, request

app = Flask(__name__)


def walk(path, depth):
    if depth == 0:
        os.system("ls " + path)
        return path
    return walk(path + "/x", depth - 1)


@app.route("/walk")
def view():
    return walk(request.args["p"], 3)
"""


def test_recursion_reaches_a_fixpoint(tmp_path: Path) -> None:
    result = _scan(_project(tmp_path, {"views.py": RECURSIVE}))
    assert ("views.py", 9, "TNT102") in _found(result)


def _chain(depth: int) -> str:
    lines = ["import os", "from flask import Flask, request", "app = Flask(__name__)", ""]
    for level in range(depth):
        lines += [f"def f{level}(value):", f"    return f{level + 1}(value)", ""]
    lines += [f"def f{depth}(value):", "    os.system(value)", ""]
    lines += ['@app.route("/x")', "def view():", "    f0(request.args['v'])", ""]
    return "\n".join(lines)


def test_depth_is_bounded(tmp_path: Path) -> None:
    shallow = _scan(_project(tmp_path / "a", {"views.py": _chain(3)}), taint={"max-call-depth": 8})
    deep = _scan(_project(tmp_path / "b", {"views.py": _chain(12)}), taint={"max-call-depth": 8})
    assert any(f.code == "TNT102" for f in shallow.findings)
    # The path past the bound is not reported, and the analysis says it stopped (BST104), instead of a silent miss:
    # low where request data enters the chain that was cut, info where the cut paths start from parameters.
    assert {f.code for f in deep.findings} == {"BST104"}
    assert any(f.severity.label == "low" and "from a source" in f.message for f in deep.findings)


CLI = """\
import os
import sys


def main():
    os.system("cat " + sys.argv[1])
    os.system("cat " + os.environ["REPORT"])


main()
"""


def test_local_input_is_lower_severity_and_environment_is_opt_in(tmp_path: Path) -> None:
    root = _project(tmp_path, {"tool.py": CLI})
    default = _scan(root)
    assert _found(default) == {("tool.py", 6, "TNT102")}
    assert default.findings[0].severity == Severity.MEDIUM  # critical for request data, two steps lower here
    opted_in = _scan(root, taint={"environment-sources": True})
    assert ("tool.py", 7, "TNT102") in _found(opted_in)
    assert next(f for f in opted_in.findings if f.location.line == 7).severity == Severity.LOW


CLASS = """\
import functools
import subprocess
from flask import Flask, request

app = Flask(__name__)


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)
    return wrapper


class Runner:
    def __init__(self, command):
        self.command = command
        self.safe = "uptime"

    def run(self):
        subprocess.run(self.safe, shell=True)
        return subprocess.run(self.command, shell=True)


@app.route("/run/<name>")
@login_required
def run(name):
    return str(Runner(name).run())
"""


def test_self_attributes_and_decorated_views(tmp_path: Path) -> None:
    result = _scan(_project(tmp_path, {"views.py": CLASS}))
    assert _found(result) == {("views.py", 22, "TNT102")}


def test_code_that_does_not_parse_is_a_notice_not_a_crash(tmp_path: Path) -> None:
    root = _project(tmp_path, {"broken.py": "def f(:\n", "views.py": RECURSIVE})
    result = _scan(root)
    assert ("views.py", 9, "TNT102") in _found(result)
    assert not [n for n in result.notices if n.kind.value == "internal-error"]


def test_unknown_taint_option_is_rejected() -> None:
    import pytest

    from bastion.core.schema import ValidationError

    with pytest.raises(ValidationError):
        BastionConfig.model_validate({"taint": {"environment": True}})


HELPERS = """\
import os
from flask import Flask, request

app = Flask(__name__)


def label(value):
    return "fixed"


def names(value):
    for part in value.split(","):
        yield part


@app.route("/run")
def run():
    os.system("echo " + label(request.args["x"]))
    for name in names(request.args["y"]):
        os.system("echo " + name)
    return "ok"


@app.route("/first")
def first():
    return "one"


@app.route("/first")
def first():
    os.system(request.args["z"])
    return "two"
"""


def test_helpers_with_nothing_to_return_generators_and_redefined_views(tmp_path: Path) -> None:
    # A project function that returns a constant gives back nothing tainted; what a generator yields is what its
    # callers iterate over; a view defined twice under one name keeps the sinks of both definitions.
    root = _project(tmp_path, {"app.py": HELPERS})
    assert _found(_scan(root)) == {("app.py", 20, "TNT102"), ("app.py", 31, "TNT102")}


def test_a_parameter_read_like_a_request_is_input_at_medium_confidence(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "app/helpers.py": (
                "import os\n\n\ndef export(request):\n    os.system('export ' + request.GET['name'])\n\n\n"
                "def other(request):\n    os.system('export ' + request.user.name)\n"
            )
        },
    )
    result = _scan(root)
    assert _found(result) == {("app/helpers.py", 5, "TNT102")}  # `request.user` is not read as request data
    assert result.findings[0].confidence.name == "MEDIUM"
