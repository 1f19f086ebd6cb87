"""Model fixtures: one folder per framework or library model under `tests/models/`, a small project scanned with
the TNT rules, its expectations marked where they happen (as CodeQL's library tests do):

    name = request.args["name"]       # $ source=remote
    return make_response(name)        # $ sink=html
    return escape(name)               # ok

`source=KIND`: a reported path starts on this line, from request data of that source kind; `sink=KIND`: a finding
is reported on this line for that sink kind; `# ok`: nothing starts or ends here. Every reported source and sink
must be marked, and every folder has a line that fires and a safe twin (`# ok`). Adding a framework is its model
file plus one folder here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bastion.api import ScanOptions, scan
from bastion.core.config import BastionConfig
from tests.conftest import make_services

MODELS = Path(__file__).resolve().parents[1] / "models"
_MARK = re.compile(r"#\s*\$\s*(?P<body>[^#\n]*)")
_OK = re.compile(r"#\s*ok\b")
_PAIR = re.compile(r"\b(source|sink)=([\w-]+)")


def _folders() -> list[str]:
    return sorted(path.name for path in MODELS.iterdir() if path.is_dir())


def _expectations(folder: Path) -> tuple[set[tuple[str, int, str, str]], set[tuple[str, int]]]:
    marked: set[tuple[str, int, str, str]] = set()
    ok: set[tuple[str, int]] = set()
    for path in sorted(folder.rglob("*.py")):
        rel = path.relative_to(folder).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _MARK.search(line)
            if match:
                for role, kind in _PAIR.findall(match.group("body")):
                    marked.add((rel, number, role, kind))
            if _OK.search(line):
                ok.add((rel, number))
    return marked, ok


def _reported(folder: Path) -> set[tuple[str, int, str, str]]:
    config = BastionConfig.model_validate({"select": ["TNT"], "test-paths": []})
    result = scan([folder], ScanOptions(config=config, root=folder, jobs=1, services=make_services()))
    found: set[tuple[str, int, str, str]] = set()
    for finding in result.findings:
        properties = finding.properties or {}
        found.add((finding.location.path, finding.location.line, "sink", str(properties.get("sink_kind"))))
        source = finding.flow[0].location if finding.flow else None
        if source is not None:
            found.add((source.path, source.line, "source", str(properties.get("source_kind"))))
    return found


@pytest.mark.parametrize("name", _folders())
def test_model_fixture(name: str) -> None:
    folder = MODELS / name
    marked, ok = _expectations(folder)
    assert any(role == "sink" for _, _, role, _ in marked), f"{name}: no line marked `$ sink=KIND`"
    assert any(role == "source" for _, _, role, _ in marked), f"{name}: no line marked `$ source=KIND`"
    assert ok, f"{name}: no safe twin marked `# ok`"
    reported = _reported(folder)
    problems = [f"{path}:{line}: expected {role}={kind}, not reported" for path, line, role, kind in marked - reported]
    problems += [f"{path}:{line}: unexpected {role}={kind}" for path, line, role, kind in reported - marked]
    problems += [
        f"{path}:{line}: marked ok but a {role} is reported there"
        for path, line, role, _ in reported
        if (path, line) in ok
    ]
    assert not problems, "\n".join(sorted(problems))
