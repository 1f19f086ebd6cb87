"""Reporters: text (rich), JSON (versioned schema), SARIF 2.1.0, HTML."""

from bastion.report.formats import FORMATS, render

__all__ = ["FORMATS", "render"]
