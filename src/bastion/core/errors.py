"""The error root. The CLI turns each of these into one clear line and exit code 2."""


class BastionError(Exception):
    """Base of every error bastion raises on purpose."""


class ConfigError(BastionError):
    """The configuration file or a command-line option is invalid."""


class UsageError(BastionError):
    """The command was called in a way that cannot work (missing path, bad baseline file...)."""
