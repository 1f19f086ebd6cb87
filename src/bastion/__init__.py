"""bastion: a Python security auditor."""

__version__ = "0.1.0"
