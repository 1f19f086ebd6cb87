"""The public entry point: build a `ScanRequest`, `run` it, get a `ScanResult`.

`scan(paths, ScanOptions)` is the engine under `run`, for callers that already hold a validated configuration
and services (tests, embedding). The other names are imported on first use: importing one module of the package
(`bastion.api.request`, for the command line's options) does not import the configuration model, the services
or the history reader. (`scan` is imported here: the function must shadow the submodule of the same name.)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from bastion.api.scan import ScanOptions, scan

if TYPE_CHECKING:
    from bastion.api.config_loader import LoadedConfig as LoadedConfig
    from bastion.api.config_loader import load_config as load_config
    from bastion.api.execute import resolve_config as resolve_config
    from bastion.api.execute import run as run
    from bastion.api.request import ScanRequest as ScanRequest
    from bastion.api.request import build_request as build_request
    from bastion.core.result import ScanResult as ScanResult
    from bastion.report.options import ReportOptions as ReportOptions

_HOMES = {
    "LoadedConfig": "bastion.api.config_loader",
    "load_config": "bastion.api.config_loader",
    "resolve_config": "bastion.api.execute",
    "run": "bastion.api.execute",
    "ScanRequest": "bastion.api.request",
    "build_request": "bastion.api.request",
    "ScanResult": "bastion.core.result",
    "ReportOptions": "bastion.report.options",
}

__all__ = [
    "LoadedConfig",
    "ReportOptions",
    "ScanOptions",
    "ScanRequest",
    "ScanResult",
    "build_request",
    "load_config",
    "resolve_config",
    "run",
    "scan",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
