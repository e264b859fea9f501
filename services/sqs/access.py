"""Who may call SQS on a queue: the caller's IAM policies and the queue's policy, decided
by IAM's evaluator (services.iam.policy_language), as SQS decides.

- The queue owner's root user may do anything to its queues.
- An IAM principal of the owner's account is allowed by its identity policies or by the
  queue policy; one of another account needs both (the core evaluator does this when
  the target names its owner).
- Another account's root user, and a service principal (SNS, EventBridge, S3 sending
  on behalf of a topic, rule or bucket: `delivery.deliver`), are allowed by the queue
  policy alone; conditions see aws:SourceArn / aws:SourceAccount.
An explicit deny in the queue policy binds every caller but the owner's root user.
"""

from __future__ import annotations

from django.utils import timezone

from services.core import authz
from services.core.authz import Decision, Target
from services.core.context import CallContext
from services.core.errors import AwsError
from services.iam import policy_language
from services.iam.policy_language import NamedPolicy, Request, evaluate, now_context, parse_policy
from services.sqs import names
from services.sqs.models import Queue

_ALLOW_ALL = parse_policy(
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
)


def queue_for_arn(arn: str) -> Queue | None:
    parsed = names.parse_arn(arn)
    if parsed is None:
        return None
    region, account, name = parsed
    return Queue.objects.filter(account_id=account, region=region, resource_id=name).first()


def queue_policies(queue: Queue | None) -> list[NamedPolicy]:
    if queue is None or not queue.policy:
        return []
    try:
        document = parse_policy(queue.policy, "resource")
    except AwsError:
        return []
    return [NamedPolicy("queue policy", document, attached_to=f"queue {queue.name}")]


@policy_language.register_resource_policies
def _sqs_policies(target: Target, action: str) -> tuple[list[NamedPolicy], bool] | None:
    if not action.lower().startswith("sqs:") or not target.arn.startswith("arn:aws:sqs:"):
        return None
    return queue_policies(queue_for_arn(target.arn)), False


def _refused(principal_arn: str, action: str, resource: str, reason: str) -> Decision:
    message = f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource} {reason}"  # noqa: E501
    return Decision(False, reason, resource, principal_arn=principal_arn, action=action,
                    message=message.rstrip())  # fmt: skip


def decide_by_policy(
    principal_arn: str,
    principal_account: str,
    action: str,
    queue: Queue,
    context: dict,
) -> Decision:
    """A caller without identity policies of its own in the queue's account (another
    account's root user, a service principal): the queue policy must allow it."""
    request = Request(
        principal_arn=principal_arn,
        action=action,
        resource=queue.arn,
        context={**now_context(timezone.now()), **context},
        principal_account=principal_account,
        # Never "the same account": the queue policy has to grant the caller.
        resource_account=queue.account_id if principal_account != queue.account_id else "-",
    )
    result = evaluate(request, [NamedPolicy("caller", _ALLOW_ALL)], resource=queue_policies(queue))
    if result.allowed:
        return Decision(True, resource=queue.arn)
    return _refused(principal_arn, action, queue.arn, result.reason)


@authz.decides("sqs")
def decide(ctx: CallContext, action: str, targets: list[Target], params: dict) -> Decision:
    target = targets[0] if targets else Target("*")
    parsed = names.parse_arn(target.arn)
    owner = parsed[1] if parsed else ctx.account.id
    principal = ctx.principal
    if principal.is_root and principal.account_id == owner:
        return Decision(True, resource=target.arn)
    queue = queue_for_arn(target.arn) if parsed else None
    if principal.is_root:
        if queue is None:
            return _refused(
                principal.arn,
                action,
                target.arn,
                "because no resource-based policy allows the action",
            )
        context = {"aws:SourceIp": ctx.source_ip, "aws:PrincipalAccount": principal.account_id,
                   "aws:PrincipalArn": principal.arn, "aws:PrincipalType": "Account"}  # fmt: skip
        return decide_by_policy(principal.arn, principal.account_id, action, queue, context)
    outsider = principal.account_id != owner
    tags = queue.tags if queue is not None else {}
    return authz.evaluate(
        ctx, action, [Target(target.arn, tags, owner if outsider else "")], params
    )
