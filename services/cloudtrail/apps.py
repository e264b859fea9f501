from django.apps import AppConfig


class CloudTrailConfig(AppConfig):
    name = "services.cloudtrail"
    label = "cloudtrail"
    verbose_name = "CloudTrail"

    def ready(self) -> None:
        # Registers the operations, then the service and its event history type.
        from services.cloudtrail import operations, resources  # noqa: F401
