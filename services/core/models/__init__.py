from services.core.models.accounts import AccessKey, Account
from services.core.models.audit import Event
from services.core.models.resources import Resource, ResourceQuerySet
from services.core.models.signin import SignInFailure, SignInLockout

__all__ = [
    "AccessKey",
    "Account",
    "Event",
    "Resource",
    "ResourceQuerySet",
    "SignInFailure",
    "SignInLockout",
]
