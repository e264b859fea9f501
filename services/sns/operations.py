"""SNS's operations, registered on import (SnsConfig.ready)."""

from services.core import authz
from services.sns import publishing, subscriptions, tags, targets, topics  # noqa: F401

# SNS answers a denied call with AuthorizationError (403), not AccessDenied.
authz.denial_code("sns", "AuthorizationError", 403)
