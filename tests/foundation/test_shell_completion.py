"""Shell completion as the README documents it: click's completion scripts, and completions of commands and
options."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bastion.cli.main import cli


@pytest.mark.parametrize(
    ("shell", "marker"), [("bash", "_bastion_completion"), ("zsh", "#compdef bastion"), ("fish", "complete")]
)
def test_completion_scripts(shell: str, marker: str) -> None:
    result = CliRunner().invoke(cli, [], env={"_BASTION_COMPLETE": f"{shell}_source"}, prog_name="bastion")
    assert result.exit_code == 0 and marker in result.output


def test_commands_and_options_complete() -> None:
    def complete(words: str) -> list[str]:
        environment = {
            "_BASTION_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
        result = CliRunner().invoke(cli, [], env=environment, prog_name="bastion")
        return [line.split(",", 1)[1] for line in result.output.splitlines()]

    assert "scan" in complete("bastion sc")
    assert "--min-severity" in complete("bastion scan --min")
    assert complete("bastion scan --format g") == ["github", "gitlab"]
