from django.apps import AppConfig


class SnsConfig(AppConfig):
    name = "services.sns"
    label = "sns"
    verbose_name = "SNS"

    def ready(self) -> None:
        # Registers the operations, the service and its types, the topic policies for
        # IAM's evaluator, and the door of the service's own host name (signing
        # certificate, SubscribeURL, UnsubscribeURL).
        from services.sns import door, operations, policies, resources  # noqa: F401

        door.install()
