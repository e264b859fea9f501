from django.apps import AppConfig


class StsConfig(AppConfig):
    name = "services.sts"
    label = "sts"
    verbose_name = "STS"

    def ready(self) -> None:
        from services.sts import operations  # noqa: F401  (registers them)
