"""The consoles the commands print to."""

from __future__ import annotations

from typing import Any

from rich.console import Console


class _StdoutConsole(Console):
    def on_broken_pipe(self) -> None:
        # rich would exit 1 (bastion's "findings" code); the command's error handler ends quietly instead.
        self.quiet = True
        raise BrokenPipeError


def stdout_console(**options: Any) -> Console:
    """A rich console on standard output whose closed pipe (`bastion rules | head -1`) ends the command quietly,
    like every other write to standard output."""
    return _StdoutConsole(**options)
