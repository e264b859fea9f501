"""What every SQS operation needs: the queue a QueueUrl names (in any account: queue
policies may admit other accounts), and what IAM sees a call act on."""

from __future__ import annotations

import base64
import json

from services.core import authz, locks
from services.core.authz import Target
from services.core.context import CallContext
from services.sqs import errors, names
from services.sqs.models import Queue


def queue_by_url(ctx: CallContext, url: str, *, for_update: bool = False) -> Queue:
    parsed = names.parse_url(url or "")
    if parsed is None:
        raise errors.NonExistentQueue("The specified queue does not exist.")
    account, name = parsed
    qs = Queue.objects.filter(account_id=account, region=ctx.region, resource_id=name)
    queue = (locks.rows(qs) if for_update else qs).first()
    if queue is None:
        raise errors.not_exist()
    return queue


def queue_by_arn(arn: str, *, for_update: bool = False) -> Queue | None:
    parsed = names.parse_arn(arn)
    if parsed is None:
        return None
    region, account, name = parsed
    qs = Queue.objects.filter(account_id=account, region=region, resource_id=name)
    return (locks.rows(qs) if for_update else qs).first()


def url_of(queue: Queue) -> str:
    return names.queue_url(queue.account_id, queue.resource_id)


def task_handle(source_arn: str, task_id: str) -> str:
    raw = json.dumps({"taskId": task_id, "sourceArn": source_arn}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def read_task_handle(handle: str) -> tuple[str, str] | None:
    try:
        data = json.loads(base64.b64decode(handle, validate=True))
        return data["sourceArn"], data["taskId"]
    except (ValueError, KeyError, TypeError):
        return None


@authz.resources("sqs:*")
def _targets(ctx: CallContext, action: str, params: dict) -> list[Target]:
    """The queue a call acts on, by its URL, name or ARN; `*` for ListQueues."""
    if params.get("QueueUrl"):
        parsed = names.parse_url(params["QueueUrl"])
        if parsed is None:
            return [Target("*")]
        return [Target(names.queue_arn(ctx.region, parsed[0], parsed[1]))]
    if params.get("QueueName"):
        owner = params.get("QueueOwnerAWSAccountId") or ctx.account.id
        return [Target(names.queue_arn(ctx.region, owner, params["QueueName"]))]
    if params.get("SourceArn"):
        return [Target(params["SourceArn"])]
    if params.get("TaskHandle"):
        found = read_task_handle(params["TaskHandle"])
        return [Target(found[0] if found else "*")]
    return [Target("*")]
