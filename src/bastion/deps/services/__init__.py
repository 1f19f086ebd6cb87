"""Vulnerability services: OSV online (`osv_online`) and an offline OSV database (`offline`)."""

from bastion.deps.services.interface import DatabaseError, ServiceError, ServiceUnavailable, VulnerabilityService

__all__ = ["DatabaseError", "ServiceError", "ServiceUnavailable", "VulnerabilityService"]
