"""The cloud's own events (`services.core.hooks.aws_event`), put on the default bus."""

from __future__ import annotations

from collections.abc import Iterable

from services.events import dispatch


def emit(
    account_id: str,
    region: str,
    *,
    source: str,
    detail_type: str,
    detail: dict,
    resources: Iterable[str] = (),
) -> None:
    """Put an AWS service's event on the account's default bus in `region`, delivered
    by the worker after the current transaction commits."""
    event = dispatch.envelope(
        account_id,
        region,
        source=source,
        detail_type=detail_type,
        detail=detail,
        resources=resources,
    )
    dispatch.default_bus_event(account_id, region, event)
