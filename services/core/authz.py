"""The authorization hook every operation passes before it runs.

The root user may do anything in its own account. Other principals are decided by the
policy evaluator that the IAM service registers with `set_evaluator`; until one is
registered, they are denied (IAM-01: implicit deny).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.core.context import CallContext
from services.core.errors import AwsError


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # the deciding statement, or why none matched


Evaluator = Callable[[CallContext, str, list[str], dict], Decision]
_evaluator: Evaluator | None = None


def set_evaluator(evaluator: Evaluator) -> None:
    global _evaluator
    _evaluator = evaluator


def authorize(ctx: CallContext, iam_action: str, resource_arns: list[str], params: dict) -> None:
    """Raise AccessDenied unless the caller may perform `iam_action` (e.g. ec2:CreateVolume)."""
    if ctx.principal.is_root and ctx.principal.account_id == ctx.account.id:
        return
    decision = (
        _evaluator(ctx, iam_action, resource_arns, params)
        if _evaluator
        else Decision(False, "no identity-based policy allows the action")
    )
    if decision.allowed:
        return
    resource = resource_arns[0] if resource_arns else "*"
    message = (
        f"User: {ctx.principal.arn} is not authorized to perform: {iam_action} on resource: "
        f"{resource} because {decision.reason}"
    )
    if iam_action.startswith("ec2:"):
        # EC2's query API names a denial UnauthorizedOperation; the other services
        # AccessDenied.
        raise AwsError(
            "UnauthorizedOperation",
            f"You are not authorized to perform this operation. {message}",
            403,
        )
    raise AwsError("AccessDenied", message, 403)
