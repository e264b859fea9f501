from django.apps import AppConfig


class SqsConfig(AppConfig):
    name = "services.sqs"
    label = "sqs"
    verbose_name = "SQS"

    def ready(self) -> None:
        # Registers the operations, the queue policies with IAM's evaluator, the door
        # (JSON and query protocols, long polling) and the queue type.
        from services.sqs import access, door, operations, resources  # noqa: F401

        door.install()
