from services.core.models.accounts import AccessKey, Account
from services.core.models.audit import Event
from services.core.models.resources import Resource, ResourceQuerySet

__all__ = ["AccessKey", "Account", "Event", "Resource", "ResourceQuerySet"]
