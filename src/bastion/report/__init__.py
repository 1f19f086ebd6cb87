"""Reporters: text (rich), JSON (versioned schema), SARIF 2.1.0, HTML, GitHub, GitLab, JUnit.

The renderers are imported when a report is rendered (`render`), not when the package is: the HTML report's
Jinja and Markdown cost a scan that prints text a good part of its start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bastion.report.options import FORMATS

if TYPE_CHECKING:
    from bastion.report.formats import render

__all__ = ["FORMATS", "render"]


def __getattr__(name: str) -> object:
    if name == "render":
        from bastion.report.formats import render

        return render
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
