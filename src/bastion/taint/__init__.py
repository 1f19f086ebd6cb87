"""Taint analysis: untrusted data from sources to sinks, within and across functions and modules."""
