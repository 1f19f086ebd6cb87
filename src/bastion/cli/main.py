"""`bastion`: the command group and its entry point.

Each command's module is imported only when that command runs (or `--help` lists them): `bastion scan` does not
pay for the fixer's libcst, the checklist or the HTML report at start-up, which pre-commit pays on every commit.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from bastion import __version__
from bastion.cli.errors import end_quietly_on_closed_pipe

# Command name -> "module:attribute" of its click command, in the order `bastion --help` lists them.
COMMANDS = {
    "scan": "bastion.cli.scan_cmd:scan_command",
    "deps": "bastion.cli.deps_cmd:deps_command",
    "rules": "bastion.cli.rules_cmd:rules_command",
    "rule": "bastion.cli.rules_cmd:rule_command",
    "config": "bastion.cli.config_cmd:config_command",
    "checklist": "bastion.cli.checklist_cmd:checklist_command",
    "secrets": "bastion.cli.secrets_cmd:secrets_command",
    "fix": "bastion.cli.fix_cmd:fix_command",
    "cache": "bastion.cli.cache_cmd:cache_command",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module, attribute = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def command_named(self, name: str) -> click.Command:
        """The command `name` (for tests and tools that inspect the options)."""
        command = self.get_command(click.Context(self), name)
        if command is None:
            raise KeyError(name)
        return command


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)
@click.version_option(__version__, "--version", "-V", prog_name="bastion")
def cli() -> None:
    """bastion: a Python security auditor.

    Pattern rules, taint analysis, secrets, dependency audit and deployment configuration, in one run.
    """


def main() -> None:
    try:
        cli(prog_name="bastion")
    except SystemExit:
        # Output still buffered when the command ends is written at exit: a reader that went away is no error.
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            end_quietly_on_closed_pipe()
        raise
