"""STS GetCallerIdentity: who the caller's credentials belong to. AWS lets anyone call
it, even a caller whose policies deny everything."""

from __future__ import annotations

from django.apps import apps

from services.core.context import CallContext
from services.core.operations import operation


def _identity(ctx: CallContext) -> tuple[str, str]:
    """(UserId, Arn) as GetCallerIdentity reports them."""
    principal = ctx.principal
    if principal.is_root:
        return ctx.account.id, principal.arn
    if apps.is_installed("services.iam"):
        from services.iam.principals import caller_for

        caller = caller_for(ctx)
        return caller.context.get("aws:userid", ""), caller.arn
    return "", principal.arn


@operation("sts", "GetCallerIdentity", global_service=True, needs_permission=False)
def get_caller_identity(ctx: CallContext, params: dict) -> dict:
    user_id, arn = _identity(ctx)
    return {"UserId": user_id, "Account": ctx.account.id, "Arn": arn}
