"""The `bastion fix --diff` output the README shows is the output bastion gives today."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.foundation.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
_EXAMPLE = re.compile(
    r"<!-- bastion-fix-example: bastion (?P<command>[^\n]*) -->\n"
    r"```diff\n(?P<diff>.*?)```\n\n```text\n(?P<summary>.*?)```",
    re.DOTALL,
)


def test_the_readme_shows_real_fix_output() -> None:
    match = _EXAMPLE.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert match, "the README's bastion fix example is missing"
    completed = run_cli(*shlex.split(match.group("command")), cwd=ROOT)
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout == match.group("diff")
    assert completed.stderr == match.group("summary")
