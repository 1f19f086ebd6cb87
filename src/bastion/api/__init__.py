"""The public entry point: `scan(paths, options) -> ScanResult`."""

from bastion.api.config_loader import LoadedConfig, load_config
from bastion.api.scan import ScanOptions, scan
from bastion.core.result import ScanResult

__all__ = ["LoadedConfig", "ScanOptions", "ScanResult", "load_config", "scan"]
