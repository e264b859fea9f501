from django.apps import AppConfig


class IamConfig(AppConfig):
    name = "services.iam"
    label = "iam"
    verbose_name = "IAM"

    def ready(self) -> None:
        from services.iam import authorizer, operations, resources  # noqa: F401  (registers them)

        # From here on every operation of every service is evaluated against IAM
        # policies for IAM users and assumed roles (the root user is not).
        authorizer.install()
