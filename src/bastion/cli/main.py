"""`bastion`: scan, rules, rule."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from bastion import __version__
from bastion.core.errors import BastionError

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(function: F) -> F:
    """Turn bastion's errors into one clear line and exit code 2; never show a traceback to users."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except BastionError as error:
            click.echo(f"bastion: error: {error}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("bastion: interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except Exception as error:
            if os.environ.get("BASTION_DEBUG"):
                raise
            click.echo(
                f"bastion: internal error: {type(error).__name__}: {error}\n"
                "Please report it (set BASTION_DEBUG=1 to see the traceback).",
                err=True,
            )
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, "--version", "-V", prog_name="bastion")
def cli() -> None:
    """bastion: a Python security auditor.

    Pattern rules, taint analysis, secrets, dependency audit and deployment configuration, in one run.
    """


def _register() -> None:
    from bastion.cli.checklist_cmd import checklist_command
    from bastion.cli.config_cmd import config_command
    from bastion.cli.deps_cmd import deps_command
    from bastion.cli.rules_cmd import rule_command, rules_command
    from bastion.cli.scan_cmd import scan_command
    from bastion.cli.secrets_cmd import secrets_command

    cli.add_command(scan_command)
    cli.add_command(deps_command)
    cli.add_command(rules_command)
    cli.add_command(rule_command)
    cli.add_command(config_command)
    cli.add_command(checklist_command)
    cli.add_command(secrets_command)


_register()


def main() -> None:
    cli(prog_name="bastion")
