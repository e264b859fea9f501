"""How SQS appears in the registry: the service (console menu, left navigation) and its
queues as a resource type (console pages, REST routes and OpenAPI, IAM ARNs
arn:aws:sqs:<region>:<account>:<name>, tags, classroom limits and reset, the lab-check
name `sqs.queues`).

ListQueues answers URLs only; its operation also hands Stratolab's own readers (REST,
lab checks) each queue with its name, ARN and attributes under `Queues`, which is no
member of the wire answer."""

from __future__ import annotations

from services.core import registry
from services.core.registry import Action, Column, Listing, Pages, ResourceType, Service
from services.sqs import common
from services.sqs.models import Queue

registry.register_service(
    Service(
        "sqs",
        "Simple Queue Service",
        "Managed message queues",
        "Application Integration",
        nav_sections=("Amazon SQS",),
    )
)


def _url(rows: list[Queue]) -> dict:
    return {"QueueUrl": common.url_of(rows[0])}


QUEUES = registry.register(
    ResourceType(
        service="sqs",
        slug="queues",
        model=Queue,
        label="Queue",
        label_plural="Queues",
        nav_section="Amazon SQS",
        columns=(
            Column("Name", "resource_id", "id", link=True),
            Column("Type", "queue_type"),
            Column("Created", "created_at", "datetime"),
        ),
        detail_fields=(
            Column("Name", "resource_id", "id"),
            Column("Type", "queue_type"),
            Column("ARN", "arn", "code"),
            Column("Created", "created_at", "datetime"),
            Column("Tags", "tags", "tags"),
        ),
        actions=(
            Action(
                "Purge",
                "PurgeQueue",
                _url,
                menu="Actions",
                confirm="Purge queue? All messages in the queue are deleted. This can't be undone.",
                typed_confirmation="purge",
                destructive=True,
            ),  # fmt: skip
            Action(
                "Delete",
                "DeleteQueue",
                _url,
                confirm="Delete queue? The queue and all of its messages are deleted. This can't be undone.",  # noqa: E501
                typed_confirmation="delete",
                destructive=True,
            ),  # fmt: skip
        ),
        create_operation="CreateQueue",
        default_ordering="resource_id",
        search_fields=("resource_id",),
        listing=Listing("ListQueues", "Queues", "QueueName"),
        pages=Pages(
            list="services.sqs.views.queue_list",
            create="services.sqs.views.create_queue",
            detail="services.sqs.views.queue_detail",
        ),
        extra={"create_label": "Create queue", "detail_operation": "GetQueueAttributes"},
    )
)
