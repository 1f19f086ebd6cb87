"""The target Python: `target-version`, else the floor of `[project] requires-python`, and what PAT701 makes of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bastion.api.config_loader import target_version_of
from tests.foundation.conftest import run_cli, write_tree

PARSING_VIEW = """\
import xml.etree.ElementTree as ET
import xml.sax
from xml.sax.handler import feature_external_ges


def import_orders(body):
    return ET.fromstring(body)


def import_feed(stream):
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    parser.parse(stream)
"""


@pytest.mark.parametrize(
    ("requires", "expected"),
    [
        (">=3.10", "3.10"),
        (">=3.9.7,<4", "3.9"),
        ("~=3.11", "3.11"),
        (">3.8", "3.8"),
        ("==3.12.*", "3.12"),
        ("<3", None),
        ("not a specifier", None),
    ],
)
def test_the_floor_of_requires_python(tmp_path: Path, requires: str, expected: str | None) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "shop"\nrequires-python = "{requires}"\n', encoding="utf-8")
    assert target_version_of(pyproject) == expected


def test_no_file_or_no_key_is_unknown(tmp_path: Path) -> None:
    assert target_version_of(None) is None
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "shop"\n', encoding="utf-8")
    assert target_version_of(pyproject) is None
    pyproject.write_text("[project\n", encoding="utf-8")
    assert target_version_of(pyproject) is None


def _xml_findings(root: Path) -> list[tuple[int, str]]:
    result = run_cli("scan", str(root), "-f", "json", "--select", "PAT701", "--no-cache", "--jobs", "1")
    report = json.loads(result.stdout)
    return sorted((f["line"], f["severity"]) for f in report["findings"])


@pytest.mark.parametrize(
    ("pyproject", "expected"),
    [
        # unknown target: both the plain parse (medium) and the switched-on external entities (high)
        ('[project]\nname = "shop"\n', [(7, "medium"), (11, "medium"), (12, "high")]),
        ('[project]\nname = "shop"\nrequires-python = ">=3.8"\n', [(7, "medium"), (11, "medium"), (12, "high")]),
        # a target whose expat limits entity expansion: only the switch
        ('[project]\nname = "shop"\nrequires-python = ">=3.11"\n', [(12, "high")]),
        # the setting wins over the metadata
        (
            '[project]\nname = "shop"\nrequires-python = ">=3.11"\n[tool.bastion]\ntarget-version = "3.9"\n',
            [(7, "medium"), (11, "medium"), (12, "high")],
        ),
    ],
)
def test_stdlib_xml_parsing_is_reported_by_target(
    tmp_path: Path, pyproject: str, expected: list[tuple[int, str]]
) -> None:
    root = write_tree(tmp_path / "shop", {"pyproject.toml": pyproject, "orders.py": PARSING_VIEW})
    assert _xml_findings(root) == expected


def test_a_malformed_target_version_is_a_config_error(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "shop", {"pyproject.toml": '[tool.bastion]\ntarget-version = "py311"\n', "a.py": ""})
    result = run_cli("scan", str(root), "--no-cache")
    assert result.returncode == 2
    assert "target-version" in result.stderr


def test_the_report_says_where_the_target_came_from(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "shop", {"pyproject.toml": '[project]\nname = "shop"\nrequires-python = ">=3.11"\n', "a.py": ""}
    )
    report = json.loads(run_cli("scan", str(root), "-f", "json", "--no-cache", "--select", "PAT").stdout)
    changes = {c["setting"]: c for c in report["configuration"]["changes"]}
    assert changes["target-version"]["value"] == "3.11"
    assert changes["target-version"]["source"] == "requires-python (pyproject.toml)"
