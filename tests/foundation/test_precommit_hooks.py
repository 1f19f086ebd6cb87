"""The pre-commit hooks this repository offers call commands and options that exist, and stay offline."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml
from click.testing import CliRunner

from bastion.cli.main import cli

HOOKS = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"


def test_every_hook_entry_is_a_valid_offline_command() -> None:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} == {"bastion", "bastion-secrets", "bastion-deps"}
    runner = CliRunner()
    for hook in hooks:
        assert hook["language"] == "python"
        program, *arguments = shlex.split(hook["entry"])
        assert program == "bastion"
        outcome = runner.invoke(cli, [*arguments, "--help"])
        assert outcome.exit_code == 0, (hook["id"], outcome.output)
        # Offline: the scan's dependency audit must not reach OSV from a hook (pre-commit.ci has no network).
        if arguments[0] in ("scan", "deps"):
            assert "--offline" in arguments or "--db" in arguments, hook["id"]


def test_the_readme_pins_only_revisions_that_exist() -> None:
    """The README's and the examples' install snippets name no release tag that the repository does not have
    (`rev: v0.1.0` did)."""
    import re
    import subprocess

    root = HOOKS.parent
    documents = [root / "README.md", *(root / "examples").rglob("*.y*ml")]
    text = "\n".join(path.read_text(encoding="utf-8") for path in documents)
    pins = re.findall(r"rev:\s*(\S+)", text) + re.findall(r"bastion@([\w.-]+)", text)
    assert pins, "the README shows how to pin bastion"
    listed = subprocess.run(["git", "-C", str(root), "tag", "--list"], capture_output=True, text=True, check=False)
    tags = set(listed.stdout.split()) if listed.returncode == 0 else set()
    for pin in pins:
        assert pin == "COMMIT_SHA" or pin in tags, f"the README pins {pin!r}, which is not a tag of this repository"
