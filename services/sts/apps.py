from django.apps import AppConfig, apps


class StsConfig(AppConfig):
    name = "services.sts"
    label = "sts"
    verbose_name = "STS"

    def ready(self) -> None:
        from services.sts import operations  # noqa: F401  (registers them)

        # AssumeRole and GetSessionToken issue credentials for IAM's roles and users.
        if apps.is_installed("services.iam"):
            from services.sts import sessions  # noqa: F401  (registers them)
