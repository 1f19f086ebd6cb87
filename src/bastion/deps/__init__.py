"""Dependency audit: manifest and lock-file sources, vulnerability services (OSV online and offline)."""
