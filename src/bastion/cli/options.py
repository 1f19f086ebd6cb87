"""Option parsing helpers shared by the commands."""

from __future__ import annotations

from collections.abc import Sequence

import click

from bastion.core.severity import Severity

SEVERITY_CHOICE = click.Choice([severity.label for severity in Severity if severity is not Severity.INFO])


def split_codes(values: Sequence[str]) -> tuple[str, ...] | None:
    """`--select PAT1,SEC --select TNT` -> ("PAT1", "SEC", "TNT"); None when the option was not given."""
    if not values:
        return None
    return tuple(part.strip().upper() for value in values for part in value.split(",") if part.strip())


def split_list(values: Sequence[str]) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())
