"""Template filters of the console: status indicators and AWS-style formatting."""

from __future__ import annotations

import datetime as dt
import json

from django import template
from django.utils import timezone

register = template.Library()

# How a state looks, as Cloudscape's status indicator types name it.
STATUS_KINDS: dict[str, str] = {
    **dict.fromkeys(
        ("available", "running", "active", "succeeded", "success", "completed", "enabled",
         "healthy", "attached", "associated", "ok", "issued", "ready"),
        "success",
    ),
    **dict.fromkeys(
        ("pending", "creating", "deleting", "stopping", "starting", "shutting-down",
         "rebooting", "modifying", "updating", "attaching", "detaching", "associating",
         "disassociating", "provisioning", "in-progress", "optimizing", "pending-acceptance"),
        "in-progress",
    ),
    **dict.fromkeys(
        ("stopped", "terminated", "deleted", "inactive", "disabled", "detached", "expired",
         "cancelled", "rejected"),
        "stopped",
    ),
    **dict.fromkeys(
        ("error", "failed", "unhealthy", "impaired", "insufficient-data", "alarm"), "error"
    ),
    **dict.fromkeys(("in-use", "info", "busy"), "info"),
    **dict.fromkeys(("warning", "degraded", "limited"), "warning"),
}  # fmt: skip


@register.filter
def status_kind(state: object) -> str:
    """success, in-progress, stopped, error, info or warning (pending for unknowns)."""
    return STATUS_KINDS.get(str(state).lower(), "pending")


@register.filter
def state_label(state: object) -> str:
    """'in-use' -> 'In-use', 'shutting-down' -> 'Shutting-down', as the console writes."""
    text = str(state)
    return text[:1].upper() + text[1:]


@register.filter
def aws_datetime(value: object) -> str:
    """2024/03/08 14:03 UTC (the console's table format, in UTC)."""
    if not isinstance(value, dt.datetime):
        return str(value)
    return timezone.localtime(value, dt.UTC).strftime("%Y/%m/%d %H:%M:%S UTC")


@register.filter
def account_id(value: object) -> str:
    from services.core.context_processors import format_account_id

    return format_account_id(str(value))


@register.filter
def pretty_json(value: object) -> str:
    return json.dumps(value, indent=4, sort_keys=False, default=str)


@register.filter
def initials(name: str) -> str:
    """A service's icon text: 'EC2' stays, 'CloudTrail' -> 'CT'."""
    if len(name) <= 3:
        return name
    caps = "".join(c for c in name if c.isupper() or c.isdigit())
    return (caps or name)[:3]


@register.filter
def slug(text: str) -> str:
    """'Networking & Content Delivery' -> 'networking-content-delivery' (a CSS class)."""
    return "-".join("".join(c if c.isalnum() else " " for c in str(text).lower()).split())


@register.filter
def verb(label: str) -> str:
    """A modal's button: 'Delete volume' -> 'Delete', as AWS's confirm modals read."""
    return str(label).split(" ", 1)[0]
