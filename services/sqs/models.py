"""Queues, their messages, FIFO de-duplication records and message move tasks."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from services.core import locks
from services.core.lookups import NotFound
from services.core.models.resources import Resource

# The defaults and limits of a queue's attributes (CreateQueue / SetQueueAttributes).
DEFAULT_VISIBILITY = 30
MAX_VISIBILITY = 12 * 3600
DEFAULT_RETENTION = 4 * 24 * 3600
MIN_RETENTION, MAX_RETENTION = 60, 14 * 24 * 3600
MAX_DELAY = 900
# 1 MiB, as the API reference says today (256 KiB before 2025); a queue may set less.
MIN_MESSAGE_SIZE, MAX_MESSAGE_SIZE = 1024, 1_048_576
MAX_WAIT = 20
DEDUP_WINDOW = 300  # seconds: FIFO de-duplication interval
PURGE_INTERVAL = 60


class Queue(NotFound, Resource):
    """A queue, known by name in one region of one account (`resource_id` is the name,
    unique per account and region, as queue names are). Its ARN and URL name it."""

    id_prefix = ""
    arn_format = "arn:aws:sqs:{region}:{account}:{id}"
    cloudformation_type = "AWS::SQS::Queue"
    not_found_error = (
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
    )
    id_pattern = r"[A-Za-z0-9_-]{1,75}(\.fifo)?"
    id_example = "orders"

    # The name: overrides Resource's installation-wide unique id (names repeat across
    # accounts; the constraint below keeps them unique per account and region).
    resource_id = models.CharField(max_length=80)
    fifo = models.BooleanField(default=False)
    visibility_timeout = models.IntegerField(default=DEFAULT_VISIBILITY)
    retention = models.IntegerField(default=DEFAULT_RETENTION)
    delay = models.IntegerField(default=0)
    max_size = models.IntegerField(default=MAX_MESSAGE_SIZE)
    receive_wait = models.IntegerField(default=0)
    policy = models.TextField(blank=True, default="")
    redrive_policy = models.TextField(blank=True, default="")
    redrive_allow_policy = models.TextField(blank=True, default="")
    content_based_dedup = models.BooleanField(default=False)
    dedup_scope = models.CharField(max_length=16, blank=True, default="")
    throughput_limit = models.CharField(max_length=20, blank=True, default="")
    kms_key = models.CharField(max_length=2048, blank=True, default="")
    kms_reuse = models.IntegerField(default=300)
    sqs_sse = models.BooleanField(default=True)
    modified_at = models.DateTimeField(default=timezone.now)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "region", "resource_id"], name="sqs_queue_name_unique"
            ),
        ]

    @property
    def name(self) -> str:
        return self.resource_id

    @property
    def arn(self) -> str:
        return f"arn:aws:sqs:{self.region}:{self.account_id}:{self.resource_id}"

    @property
    def queue_type(self) -> str:
        return "FIFO" if self.fifo else "Standard"


class Message(models.Model):
    """One message in a queue. It is visible when `visible_at` has passed (after its
    delay, or after the visibility timeout of its last receive); `receive_count` > 0
    with `visible_at` ahead is in flight."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="messages")
    message_id = models.CharField(max_length=40, unique=True)
    body = models.TextField()
    attributes = models.JSONField(default=dict, blank=True)  # MessageAttributes, wire shape
    system_attributes = models.JSONField(default=dict, blank=True)  # AWSTraceHeader
    md5_body = models.CharField(max_length=32)
    md5_attributes = models.CharField(max_length=32, blank=True, default="")
    sender_id = models.CharField(max_length=128, blank=True, default="")
    sent_at = models.DateTimeField(default=timezone.now)
    visible_at = models.DateTimeField(default=timezone.now)
    received_at = models.DateTimeField(null=True, blank=True)  # the latest receive
    first_received_at = models.DateTimeField(null=True, blank=True)
    receive_count = models.IntegerField(default=0)
    receipt = models.CharField(max_length=64, blank=True, default="")  # the latest handle's token
    group_id = models.CharField(max_length=128, blank=True, default="")
    dedup_id = models.CharField(max_length=128, blank=True, default="")
    dead_letter_source = models.CharField(max_length=256, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["queue", "visible_at"], name="sqs_message_visible")]

    def __str__(self) -> str:
        return self.message_id

    @property
    def sequence_number(self) -> str:
        # FIFO sequence numbers grow with the order of sending: the row's id is that order.
        return str(18_000_000_000_000_000_000 + self.pk)


class Dedup(models.Model):
    """A de-duplication id a FIFO queue saw in the last 5 minutes (per queue, or per
    message group with DeduplicationScope messageGroup)."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=300)
    message_id = models.CharField(max_length=40)
    sequence = models.BigIntegerField(default=0)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["queue", "key"], name="sqs_dedup_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class MoveTask(models.Model):
    """A StartMessageMoveTask: messages of a dead-letter queue moved back (to their
    source queues, or to one destination) by the worker."""

    task_handle = models.CharField(max_length=200, unique=True)
    source = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="+")
    destination_arn = models.CharField(max_length=256, blank=True, default="")
    rate = models.IntegerField(null=True, blank=True)
    status = models.CharField(max_length=12, default="RUNNING")
    moved = models.BigIntegerField(default=0)
    to_move = models.BigIntegerField(default=0)
    failure_reason = models.TextField(blank=True, default="")
    started_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.task_handle


locks.declare("sqs.Queue", "sqs.Message", "sqs.Dedup", "sqs.MoveTask")
