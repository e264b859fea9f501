"""Kept for the importers outside VPC's operations (vpc/network.py, ec2/launch.py):
the lookups are services.core.lookups now; use that module."""

from services.core.lookups import get, only_ids, page

__all__ = ["get", "only_ids", "page"]
