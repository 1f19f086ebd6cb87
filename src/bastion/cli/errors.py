"""How a command ends when something goes wrong: one clear line and an exit code, never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from bastion.core.errors import BastionError
from bastion.report.escape import visible

F = TypeVar("F", bound=Callable[..., Any])

# What a shell reports for a process whose reader went away (128 + SIGPIPE), as for `git log | head -1`.
CLOSED_PIPE_EXIT = 141


def handle_errors(function: F) -> F:
    """Turn bastion's errors into one clear line and exit code 2; a closed pipe (`bastion rules | head -1`) ends
    quietly; anything else is an internal error, with the traceback only under BASTION_DEBUG=1."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except BastionError as error:
            # Messages quote paths and values from the scanned tree: no control character reaches the terminal.
            click.echo(f"bastion: error: {visible(str(error), keep_newlines=True)}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("bastion: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            end_quietly_on_closed_pipe()
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except Exception as error:
            if os.environ.get("BASTION_DEBUG"):
                raise
            click.echo(
                f"bastion: internal error: {type(error).__name__}: {visible(str(error))}\n"
                "Please report it (set BASTION_DEBUG=1 to see the traceback).",
                err=True,
            )
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def end_quietly_on_closed_pipe() -> None:
    """The reader of our output went away: stop without a message. Standard output is pointed at the null device
    first, so that the interpreter's last flush at exit does not raise again (Python's documented recipe)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # no real file descriptor (an in-process test runner)
        pass
    sys.exit(CLOSED_PIPE_EXIT)
