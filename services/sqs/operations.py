"""SQS's operations, registered with the operation layer on import."""

from services.sqs import messages, moves, queues  # noqa: F401
