"""`bastion`: the command group and its entry point."""

from __future__ import annotations

import sys

import click

from bastion import __version__
from bastion.cli.cache_cmd import cache_command
from bastion.cli.checklist_cmd import checklist_command
from bastion.cli.config_cmd import config_command
from bastion.cli.deps_cmd import deps_command
from bastion.cli.errors import end_quietly_on_closed_pipe
from bastion.cli.fix_cmd import fix_command
from bastion.cli.rules_cmd import rule_command, rules_command
from bastion.cli.scan_cmd import scan_command
from bastion.cli.secrets_cmd import secrets_command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, "--version", "-V", prog_name="bastion")
def cli() -> None:
    """bastion: a Python security auditor.

    Pattern rules, taint analysis, secrets, dependency audit and deployment configuration, in one run.
    """


for _command in (
    scan_command,
    deps_command,
    rules_command,
    rule_command,
    config_command,
    checklist_command,
    secrets_command,
    fix_command,
    cache_command,
):
    cli.add_command(_command)


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
