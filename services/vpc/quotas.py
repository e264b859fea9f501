"""Default service quotas of a new AWS account, and the lock they are checked under.

A quota is checked under a row lock on its parent (the account for regional quotas, the
VPC or group for per-VPC ones), so concurrent creates cannot pass it together.
"""

from __future__ import annotations

from services.core import locks
from services.core.context import CallContext
from services.core.errors import AwsError

VPCS_PER_REGION = 5  # VPC-02
CIDR_BLOCKS_PER_VPC = 5  # VPC-02
SUBNETS_PER_VPC = 200
INTERNET_GATEWAYS_PER_REGION = 5
ELASTIC_IPS_PER_REGION = 5
NAT_GATEWAYS_PER_AZ = 5
ROUTE_TABLES_PER_VPC = 200
ROUTES_PER_TABLE = 50
NETWORK_ACLS_PER_VPC = 200
ACL_RULES_PER_DIRECTION = 20
SECURITY_GROUPS_PER_VPC = 2500
RULES_PER_SECURITY_GROUP = 60  # per direction
SECURITY_GROUPS_PER_INTERFACE = 5


def lock_account(ctx: CallContext) -> None:
    """Serialise region-wide quota checks of one account (VPCs, gateways, Elastic IPs)."""
    locks.lock_account(ctx)


def check(count: int, limit: int, code: str, message: str) -> None:
    if count >= limit:
        raise AwsError(code, message)
