"""The public entry point: build a `ScanRequest`, `run` it, get a `ScanResult`.

`scan(paths, ScanOptions)` is the engine under `run`, for callers that already hold a validated configuration
and services (tests, embedding).
"""

from bastion.api.config_loader import LoadedConfig, load_config
from bastion.api.execute import resolve_config, run
from bastion.api.request import ScanRequest, build_request
from bastion.api.scan import ScanOptions, scan
from bastion.core.result import ScanResult
from bastion.report.options import ReportOptions

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
