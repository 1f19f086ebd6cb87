"""Attack: make part of the code go unanalysed so that the scan reports "No findings" and exits 0.

A flaw padded past the size cap, a file written in syntax the running Python does not know, an undecodable file,
a NUL byte before a secret, a call chain deeper than the taint analysis follows, a configuration that excludes
everything, an offline run with a vulnerable pin: each used to pass. What was not analysed is now a BST1xx
finding, in every format (SARIF as a result), seen by `--fail-on`, and a baseline can accept a known one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.hostile.trust_support import every_format, run_bastion, sarif_errors, write_files
from tests.secrets.tokens import GITHUB

SHELL_FLAW = "import subprocess\n\n\ndef run(command):\n    subprocess.run(command, shell=True)\n"


def _newer_syntax() -> str:
    """A module in syntax of a Python newer than the one running the tests (or broken, on the newest)."""
    if sys.version_info < (3, 12):
        return 'import os\nname = {"a": "b"}\nos.system(f"echo {name["a"]}")\n'  # PEP 701 f-string quotes
    if sys.version_info < (3, 14):
        return "import os\ntry:\n    os.system(x)\nexcept ValueError, TypeError:\n    pass\n"  # PEP 758
    return "import os\nos.system(x\n"


def _hostile_tree(root: Path) -> Path:
    padding = "# " + "x" * 78 + "\n"
    token = GITHUB
    return write_files(
        root,
        {
            "app/padded.py": SHELL_FLAW + padding * (2 * 1024 * 1024 // len(padding) + 10),
            "app/modern.py": _newer_syntax(),
            "app/legacy.py": b"import os\nos.system('ping ' + host)  # caf\xe9\n",
            "deploy/ci.env": b"\x00\nGITHUB_TOKEN=" + token.encode() + b"\n",
        },
    )


def test_what_was_not_analysed_is_a_finding_in_every_format(tmp_path: Path) -> None:
    project = _hostile_tree(tmp_path / "project")
    args = ["scan", str(project), "--isolated", "--offline"]
    outputs = every_format(args, home=tmp_path / "home", out_dir=tmp_path)
    for fmt, (code, text) in outputs.items():
        assert code == 1, f"{fmt}: exit {code}\n{text}"
        for expected in ("BST101", "BST102", "BST103"):
            assert expected in text, f"{fmt}: {expected} missing"
        assert "Traceback (most recent call last)" not in text
        # The NUL byte no longer hides the token: the file is read as text and the secret reported, redacted.
        assert "SEC101" in text and GITHUB not in text

    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    by_code = {(f["code"], f["path"]): f for f in report["findings"]}
    assert by_code[("BST101", "app/padded.py")]["severity"] == "medium"  # Python source: any rule could fire
    assert by_code[("BST102", "app/legacy.py")]["severity"] == "medium"
    assert "Python" in by_code[("BST103", "app/modern.py")]["message"]
    assert report["summary"]["failing"] >= 3

    sarif = json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))
    assert not sarif_errors(sarif)
    run = sarif["runs"][0]
    results = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in run["results"]}
    assert {("BST101", "app/padded.py"), ("BST102", "app/legacy.py"), ("BST103", "app/modern.py")} <= results
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} >= {"BST101", "BST102", "BST103"}


def test_a_known_gap_can_be_accepted_by_a_baseline_and_fail_on_sees_the_rest(tmp_path: Path) -> None:
    project = write_files(
        tmp_path / "project", {"big.py": "x = 1\n" * 200, "small.py": "def add(a, b):\n    return a + b\n"}
    )
    home = tmp_path / "home"
    args = ["scan", str(project), "--isolated", "--offline", "--max-file-size", "500B", "--no-progress"]
    first = run_bastion(args, home=home)
    assert first.returncode == 1 and "BST101" in first.stdout
    assert run_bastion([*args, "--fail-on", "high"], home=home).returncode == 0  # medium: below a high threshold
    baseline = tmp_path / "baseline.json"
    assert run_bastion([*args, "--write-baseline", str(baseline)], home=home).returncode == 0
    accepted = run_bastion([*args, "--baseline", str(baseline)], home=home)
    assert accepted.returncode == 0, accepted.stdout
    assert "1 accepted by the baseline" in accepted.stdout
    # Only the command line can switch the rule off; the project's configuration cannot.
    assert run_bastion([*args, "--ignore", "BST101"], home=home).returncode == 0


def test_a_configuration_that_excludes_everything_is_not_a_clean_scan(tmp_path: Path) -> None:
    project = write_files(
        tmp_path / "project",
        {
            "pyproject.toml": '[tool.bastion]\nexclude = ["**"]\nignore = ["BST1"]\n',
            "app.py": SHELL_FLAW,
        },
    )
    outputs = every_format(["scan", str(project), "--offline"], home=tmp_path / "home", out_dir=tmp_path)
    for fmt, (code, text) in outputs.items():
        assert code == 1, f"{fmt}: exit {code}\n{text}"
        assert "BST105" in text and "nothing was analysed" in text, fmt
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    (empty,) = [f for f in report["findings"] if f["code"] == "BST105"]
    assert (empty["path"], empty["line"], empty["severity"]) == ("pyproject.toml", 2, "high")


def test_a_call_chain_deeper_than_the_taint_analysis_follows_is_reported(tmp_path: Path) -> None:
    chain = "".join(f"def f{n}(value):\n    f{n + 1}(value)\n\n\n" for n in range(14))
    project = write_files(
        tmp_path / "project",
        {
            "views.py": "import os\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
            + chain
            + "def f14(value):\n    os.system(value)\n\n\n"
            + '@app.route("/run")\ndef run():\n    f0(request.args["cmd"])\n    return "ok"\n'
        },
    )
    done = run_bastion(["scan", str(project), "--isolated", "--offline", "-f", "json"], home=tmp_path / "home")
    report = json.loads(done.stdout)
    codes = {f["code"] for f in report["findings"]}
    assert "TNT102" not in codes  # 15 calls deep: past the default max-call-depth of 12 ...
    assert "BST104" in codes  # ... and said, instead of a silent "no path"
    assert done.returncode == 1


def test_checklist_offline_with_a_vulnerable_pin_is_unknown_not_pass(tmp_path: Path) -> None:
    # Pinned with hashes, as pip-compile writes it: no hygiene finding fails the item; only the audit is missing.
    locked = "# This file is autogenerated by pip-compile\ndjango==3.2.0 \\\n    --hash=sha256:" + "a" * 64 + "\n"
    project = write_files(tmp_path / "project", {"requirements.txt": locked, "app.py": "x = 1\n"})
    done = run_bastion(
        ["checklist", str(project), "--isolated", "--offline", "-f", "json", "--no-progress"], home=tmp_path / "home"
    )
    checklist = json.loads(done.stdout)
    (item,) = [i for i in checklist["items"] if "depend" in i["id"]]
    assert item["status"] == "unknown", item
    assert any("BST107" in reason for reason in item["reasons"])
