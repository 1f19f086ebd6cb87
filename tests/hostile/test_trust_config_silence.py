"""Attack: the scanned repository's own `[tool.bastion]` switches the audit off, and the report stays silent.

`ignore` of whole families, a match-all `per-file-ignores`, a size cap of a few bytes: the scan said "No
findings", exit 0, naming no configuration. Every format (text, JSON, SARIF, HTML, and the checklist's text,
Markdown and JSON) now names the configuration file and what it switched off, and the settings that could
blind the audit are notices there too (SARIF: `toolConfigurationNotifications`).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.hostile.trust_support import every_format, run_bastion, sarif_errors, write_files

SILENCING = """\
[tool.bastion]
ignore = ["PAT", "TNT", "CFG"]
max-file-size = "10B"
per-file-ignores = { "**" = ["SEC"] }
"""
SAID = ("pyproject.toml", "switches off whole families", "lowers the size cap", "per-file-ignores")


def _project(root: Path) -> Path:
    return write_files(
        root,
        {
            "pyproject.toml": SILENCING,
            "app.py": "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n",
        },
    )


def test_every_scan_format_states_what_the_repository_switched_off(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    outputs = every_format(["scan", str(project), "--offline"], home=tmp_path / "home", out_dir=tmp_path)
    for fmt, (code, text) in outputs.items():
        assert code == 1, f"{fmt}: exit {code}"  # the files over the 10-byte cap are BST101 findings
        for words in SAID:
            assert words in text, f"{fmt}: {words!r} not stated"
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    configuration = report["configuration"]
    assert configuration["file"] == "pyproject.toml" and configuration["origin"] == "found"
    settings = {change["setting"]: change for change in configuration["changes"]}
    assert settings["select/ignore"]["source"] == "pyproject.toml"
    assert "PAT" in settings["select/ignore"]["effect"] and "TNT" in settings["select/ignore"]["effect"]
    assert settings["max-file-size"]["value"] == "10 B"
    sarif = json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))
    assert not sarif_errors(sarif)
    run = sarif["runs"][0]
    warnings = [n["message"]["text"] for n in run["invocations"][0]["toolConfigurationNotifications"]]
    assert any("switches off whole families" in text for text in warnings)
    assert any("lowers the size cap" in text for text in warnings)
    assert any("per-file-ignores" in text for text in warnings)
    assert run["properties"]["bastion/configuration"]["file"] == "pyproject.toml"


def test_every_checklist_format_states_it_too(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    for fmt in ("text", "markdown", "json"):
        done = run_bastion(["checklist", str(project), "--offline", "-f", fmt, "--no-progress"], home=tmp_path / "home")
        text = done.stdout
        for words in SAID:
            assert words in text.replace("\\", ""), f"checklist {fmt}: {words!r} not stated"


def test_the_command_line_narrowing_is_listed_but_not_a_warning(tmp_path: Path) -> None:
    project = write_files(tmp_path / "project", {"app.py": "x = 1\n"})
    done = run_bastion(
        ["scan", str(project), "--offline", "--ignore", "PAT", "-f", "json", "--no-progress"], home=tmp_path / "home"
    )
    report = json.loads(done.stdout)
    (change,) = report["configuration"]["changes"]
    assert change["source"] == "command line" and "PAT" in change["effect"]
    assert not [n for n in report["notices"] if n["kind"] == "config"]
