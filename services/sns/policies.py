"""Topic policies, evaluated with IAM's evaluator (services/iam/policy_language.py).

Who may act on a topic:
- the owner account's root user: anything, unless the topic policy denies it;
- the owner account's IAM principals: their identity-based policies, with the topic
  policy (an explicit deny in it binds them; an allow in it grants them);
- other accounts: only what the topic policy grants them (and, for their IAM
  principals, their own policies too);
- AWS services publishing for a resource (EventBridge rules, S3 buckets): only a
  statement naming the service principal (`"Principal": {"Service":
  "events.amazonaws.com"}`), with aws:SourceArn and aws:SourceAccount as conditions.

The default policy (attributes.default_policy) is AWS's: it grants the owner's account
through the AWS:SourceOwner condition, which no API caller and no service principal
carries here, so it grants nobody beyond what IAM already allows (as on AWS, a service
needs a statement of its own).
"""

from __future__ import annotations

import json

from django.utils import timezone

from services.core import authz
from services.core.authz import Decision, Target
from services.core.context import CallContext
from services.iam import policy_language
from services.iam.policy_language import NamedPolicy, PolicyError, Request, evaluate, now_context
from services.sns import errors
from services.sns.models import Topic

_ALLOW_ALL = policy_language.parse_policy(
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
)
# Actions a topic policy may grant (AddPermission's ActionName values).
ACTIONS = (
    "GetTopicAttributes", "SetTopicAttributes", "AddPermission", "RemovePermission",
    "DeleteTopic", "Subscribe", "ListSubscriptionsByTopic", "Publish", "Receive",
)  # fmt: skip


def check(text: str) -> None:
    """SNS's InvalidParameter for a topic policy that is no valid resource policy."""
    try:
        policy_language.parse_policy(text, "resource")
    except PolicyError as error:
        raise errors.invalid(f"Policy Error: {error.message}") from None


def topic_of(arn: str) -> Topic | None:
    return Topic.objects.filter(resource_id=arn).first() if arn.startswith("arn:aws:sns:") else None


def documents(topic: Topic) -> list[NamedPolicy]:
    from services.sns.attributes import default_policy

    text = topic.attributes.get("Policy") or default_policy(topic.arn, topic.account_id)
    try:
        document = policy_language.parse_policy(text, "resource")
    except PolicyError:
        return []
    return [NamedPolicy("topic policy", document, attached_to=f"topic {topic.topic_name}")]


@policy_language.register_resource_policies
def _topic_policies(target: Target, action: str) -> tuple[list[NamedPolicy], bool] | None:
    if not action.lower().startswith("sns:") or not target.arn.startswith("arn:aws:sns:"):
        return None
    topic = Topic.objects.filter(resource_id=_topic_arn(target.arn)).first()
    return (documents(topic) if topic else []), False


def _topic_arn(arn: str) -> str:
    """A subscription ARN names its topic in its first six parts."""
    parts = arn.split(":")
    return ":".join(parts[:6])


def _context(ctx: CallContext) -> dict[str, str]:
    context = {**now_context(timezone.now()), "aws:SourceIp": ctx.source_ip}
    context["aws:PrincipalAccount"] = ctx.principal.account_id
    context["aws:PrincipalArn"] = ctx.principal.arn
    return context


def _refused(ctx: CallContext, action: str, resource: str, reason: str) -> Decision:
    return Decision(False, reason, resource)


@authz.decides("sns")
def decide(ctx: CallContext, action: str, targets: list[Target], params: dict) -> Decision:
    """Every SNS call: the topic policy binds every caller (see the module)."""
    principal = ctx.principal
    for target in targets:
        topic = topic_of(_topic_arn(target.arn)) if target.arn != "*" else None
        owner = topic.account_id if topic is not None else ctx.account.id
        outsider = principal.account_id != owner
        if principal.is_root:
            request = Request(
                principal_arn=principal.arn,
                action=action,
                resource=target.arn,
                context=_context(ctx),
                principal_account=principal.account_id,
                resource_account=owner,
            )
            policies = documents(topic) if topic is not None else []
            result = evaluate(request, [NamedPolicy("root", _ALLOW_ALL)], resource=policies)
            if not result.allowed:
                return _refused(ctx, action, target.arn, result.reason)
            continue
        decision = authz.evaluate(
            ctx,
            action,
            [Target(target.arn, target.tags, owner if outsider else "")],
            params,
        )
        if not decision.allowed:
            return decision
    return Decision(True, resource=targets[0].arn if targets else "*")


def service_may_publish(topic: Topic, service: str, source_arn: str, source_account: str) -> bool:
    """Whether the topic policy lets AWS service `service` (events.amazonaws.com) publish
    on behalf of `source_arn` in `source_account`."""
    context = {
        **now_context(timezone.now()),
        "aws:SourceArn": source_arn,
        "aws:SourceAccount": source_account,
        "aws:PrincipalServiceName": service,
    }
    request = Request(
        principal_arn=service,
        action="sns:Publish",
        resource=topic.arn,
        context=context,
        principal_account="",
        resource_account=topic.account_id,
    )
    # A service has no identity policies of its own: the topic policy alone decides.
    allow_all = [NamedPolicy("service", _ALLOW_ALL)]
    return evaluate(request, allow_all, resource=documents(topic)).allowed


def with_permission(topic: Topic, label: str, accounts: list[str], actions: list[str]) -> str:
    """The topic policy with AddPermission's statement added."""
    from services.sns.attributes import default_policy

    policy = json.loads(
        topic.attributes.get("Policy") or default_policy(topic.arn, topic.account_id)
    )
    statements = policy.setdefault("Statement", [])
    if any(s.get("Sid") == label for s in statements):
        raise errors.invalid("Statement already exists")
    principals = [f"arn:aws:iam::{a}:root" if a.isdigit() else a for a in accounts]
    statements.append(
        {
            "Sid": label,
            "Effect": "Allow",
            "Principal": {"AWS": principals if len(principals) > 1 else principals[0]},
            "Action": [f"SNS:{a}" for a in actions] if len(actions) > 1 else f"SNS:{actions[0]}",
            "Resource": topic.arn,
        }
    )
    return json.dumps(policy, separators=(",", ":"))


def without_permission(topic: Topic, label: str) -> str | None:
    """The topic policy without RemovePermission's statement; None: no such label."""
    from services.sns.attributes import default_policy

    policy = json.loads(
        topic.attributes.get("Policy") or default_policy(topic.arn, topic.account_id)
    )
    statements = policy.get("Statement", [])
    kept = [s for s in statements if s.get("Sid") != label]
    if len(kept) == len(statements):
        return None
    policy["Statement"] = kept
    return json.dumps(policy, separators=(",", ":"))
