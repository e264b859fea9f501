from django.apps import AppConfig


class S3Config(AppConfig):
    name = "services.s3"
    label = "s3"
    verbose_name = "S3"

    def ready(self) -> None:
        from services.s3 import door, operations, resources  # noqa: F401  (registers them)

        door.install()
