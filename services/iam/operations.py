"""IAM and STS operations, one module per family; importing this registers them all."""

from services.iam import (  # noqa: F401
    account,
    groups,
    mfa,
    policies,
    roles,
    simulate,
    sts,
    targets,
    users,
)
