"""Each rule's documented *Example* must fire and its *Use instead* must not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bastion.core.rule import Rule, all_rules
from bastion.report.common import doc_sections
from tests.conftest import make_services
from tests.harness import scan_fixture

_FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)
DEFAULT_NAMES = {
    "python": "example.py",
    "py": "example.py",
    "dockerfile": "Dockerfile",
    "yaml": "config.yml",
    "toml": "config.toml",
    "ini": "config.ini",
    "dotenv": ".env",
    "env": ".env",
    "json": "data.json",
    "html": "templates/page.html",
    "jinja": "templates/page.html",
    "django": "templates/page.html",
    "sh": "script.sh",
    "bash": "script.sh",
    "shell": "script.sh",
    "text": "example.txt",
}


def code_blocks(section: str) -> dict[str, str]:
    """Files described by a doc section's code blocks: ```python, or ```toml file=pyproject.toml."""
    files: dict[str, str] = {}
    for match in _FENCE.finditer(section):
        info = match.group("info").split()
        if not info:
            continue
        name = next((part[5:] for part in info if part.startswith("file=")), DEFAULT_NAMES.get(info[0].lower()))
        if name is None:
            continue
        assert name not in files, f"two code blocks would both be {name}; name them with file=..."
        files[name] = match.group("body")
    return files


def write_project(folder: Path, files: dict[str, str]) -> None:
    for name, body in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")


RULES = [rule for rule in all_rules() if not getattr(rule, "doc_examples_untestable", False)]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_example_fires_and_fix_does_not(rule: type[Rule], tmp_path: Path) -> None:
    sections = doc_sections(rule.documentation())
    example = code_blocks(sections.get("Example", ""))
    fixed = code_blocks(sections.get("Use instead", ""))
    assert example, f"{rule.code}: the Example section has no code block"
    assert fixed, f"{rule.code}: the Use instead section has no code block"

    write_project(tmp_path / "example", example)
    result = scan_fixture(tmp_path / "example", rule.code, make_services())
    assert any(f.code == rule.code for f in result.findings), f"{rule.code}: its documented example does not fire"

    write_project(tmp_path / "fixed", fixed)
    result = scan_fixture(tmp_path / "fixed", rule.code, make_services())
    fired = [f"{f.location}: {f.message}" for f in result.findings if f.code == rule.code]
    assert not fired, f"{rule.code}: its documented fix still fires: {fired}"
