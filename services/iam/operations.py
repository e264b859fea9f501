"""IAM operations, one module per family; importing this registers them all. (STS's
are in services/sts.)"""

from services.iam import (  # noqa: F401
    account,
    groups,
    mfa,
    policies,
    roles,
    simulate,
    targets,
    users,
)
